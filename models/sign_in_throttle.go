package models

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"landlord/models/tenancy"
)

// ErrTooManyAttempts means the account or the address failed to sign in too
// often lately; the attempt was refused without checking its password.
var ErrTooManyAttempts = errors.New("too many failed sign-ins")

// Failed sign-ins are counted in the database, per account and per address,
// so every server process sharing it applies one count, and a restart
// forgets nothing. An attempt is counted as failed before its password is
// checked, and forgiven if it succeeds: however many arrive at once, no more
// get a password check than the rules allow.

// throttleRule says how many failures a key may have: `free` ones, then each
// further attempt waits twice as long after the last failure as the one
// before (1 s, 2 s, 4 s … up to maxWait), and at most `limit` in any hour.
type throttleRule struct {
	free    int
	limit   int
	maxWait time.Duration
}

var (
	// At most 100 failures per account per hour, slowed after 5.
	accountRule = throttleRule{free: 5, limit: 100, maxWait: 5 * time.Minute}
	// An address may try many accounts (an office behind NAT), so it gets more room.
	addressRule = throttleRule{free: 20, limit: 300, maxWait: 5 * time.Minute}
)

// throttleWindow is the span a rule's limit counts over.
const throttleWindow = time.Hour

// throttleKey is what failures are counted against. Only its hash is stored:
// the table must not keep what people typed.
type throttleKey struct {
	hash string
	rule throttleRule
}

// accountKey names the account an attempt resolved to, however it was
// written or reached: the user when there is one, else the tenant key and the
// lower-cased name, so an unknown name is counted the same way.
func accountKey(t *Tenant, tenantKey string, u *User, name string) throttleKey {
	if u != nil {
		return throttleKey{hashToken("account:" + strconv.FormatUint(t.ID, 10) + ":" + strconv.FormatUint(u.ID, 10)), accountRule}
	}
	return throttleKey{hashToken("account:" + tenantKey + `\` + strings.ToLower(strings.TrimSpace(name))), accountRule}
}

func addressKey(ip string) throttleKey {
	return throttleKey{hashToken("address:" + ip), addressRule}
}

// loginFailures is one key's count as stored: the failures in the window that
// began at WindowStart and in the one before it, and when the last one was.
type loginFailures struct {
	WindowStart     time.Time
	Failures        int
	EarlierFailures int
	LastFailureAt   time.Time
}

// at is the count as of now: the window moves on by whole windows, and what
// is older than the window before now's is forgotten.
func (f loginFailures) at(now time.Time) loginFailures {
	switch n := now.Sub(f.WindowStart) / throttleWindow; {
	case n < 1:
	case n == 1:
		f.WindowStart, f.Failures, f.EarlierFailures = f.WindowStart.Add(throttleWindow), 0, f.Failures
	default:
		f.WindowStart, f.Failures, f.EarlierFailures = now, 0, 0
	}
	return f
}

// recent is the failures a rule counts at now: this window's and the last
// one's. Any hour before now lies within those two windows, so a rule's
// limit holds for every hour; the price is that a failure is remembered
// between one and two hours.
func (f loginFailures) recent(now time.Time) int {
	f = f.at(now)
	return f.Failures + f.EarlierFailures
}

// allows says whether the rule lets one more attempt in at now.
func (r throttleRule) allows(f loginFailures, now time.Time) bool {
	n := f.recent(now)
	switch {
	case n >= r.limit:
		return false
	case n < r.free:
		return true
	}
	wait := min(time.Second<<min(n-r.free, 20), r.maxWait)
	return !now.Before(f.LastFailureAt.Add(wait))
}

// plusOne is the count with one more failure at now.
func (f loginFailures) plusOne(now time.Time) loginFailures {
	f = f.at(now)
	f.Failures++
	f.LastFailureAt = now
	return f
}

// lockFailuresSQL reads a key's count, creating it empty if new. The upsert
// writes the row even when it exists, so it holds the row's lock (on SQLite,
// the database's write lock) until the transaction ends: concurrent attempts
// on one key, from any process, are decided one after the other.
const lockFailuresSQL = `
INSERT INTO login_failures (key_hash, window_start, failures, earlier_failures, last_failure_at)
VALUES (?, ?, 0, 0, ?)
ON CONFLICT (key_hash) DO UPDATE SET failures = login_failures.failures
RETURNING window_start, failures, earlier_failures, last_failure_at`

// reserveAttempt counts an attempt as failed against every key, before its
// password is checked, if each key's rule lets one more in now. If any key
// refuses, nothing is counted and the answer is false.
func (s *Store) reserveAttempt(tx *gorm.DB, keys []throttleKey) (bool, error) {
	db := tx.WithContext(tenancy.Internal(tx.Statement.Context))
	now := s.now()
	counts := make([]loginFailures, len(keys))
	for i, k := range keys {
		if err := db.Raw(lockFailuresSQL, k.hash, now, now).Scan(&counts[i]).Error; err != nil {
			return false, err
		}
		if !k.rule.allows(counts[i], now) {
			return false, nil
		}
	}
	for i, k := range keys {
		f := counts[i].plusOne(now)
		err := db.Exec("UPDATE login_failures SET window_start = ?, failures = ?, earlier_failures = ?, last_failure_at = ? WHERE key_hash = ?",
			f.WindowStart, f.Failures, f.EarlierFailures, f.LastFailureAt, k.hash).Error
		if err != nil {
			return false, err
		}
	}
	return true, nil
}

// releaseAttempt takes back the failure a successful attempt had reserved:
// the account's failures are forgiven, the address's reservation returned.
func (s *Store) releaseAttempt(tx *gorm.DB, account throttleKey, address *throttleKey) error {
	db := tx.WithContext(tenancy.Internal(tx.Statement.Context))
	if err := db.Exec("DELETE FROM login_failures WHERE key_hash = ?", account.hash).Error; err != nil {
		return err
	}
	if address == nil {
		return nil
	}
	return db.Exec("UPDATE login_failures SET failures = failures - 1 WHERE key_hash = ? AND failures > 0", address.hash).Error
}

// forgetOldFailures deletes, at most once a window per process, the counts
// whose last failure is more than two windows old: they count nothing any
// more. It runs in a transaction of its own, before the attempt's, and on
// PostgreSQL skips the rows other attempts hold, so it never waits on one
// while holding another that attempt wants.
func (s *Store) forgetOldFailures(ctx context.Context) error {
	now := s.now()
	last := s.failuresSweep.Load()
	if now.UnixNano()-last < int64(throttleWindow) || !s.failuresSweep.CompareAndSwap(last, now.UnixNano()) {
		return nil
	}
	query := "DELETE FROM login_failures WHERE last_failure_at < ?"
	if s.postgres {
		query = "DELETE FROM login_failures WHERE key_hash IN (SELECT key_hash FROM login_failures WHERE last_failure_at < ? FOR UPDATE SKIP LOCKED)"
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		return tx.WithContext(tenancy.Internal(ctx)).Exec(query, now.Add(-2*throttleWindow)).Error
	})
}
