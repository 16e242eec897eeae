package models

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// LoginAttempt is a sign-in as typed on a host.
type LoginAttempt struct {
	Host     *Tenant // the tenant whose host the form was posted to
	OnBase   bool    // posted on the base domain, where subdomain\username names another tenant
	Login    string  // username or email, or subdomain\username on the base domain
	Password string
}

// Account is the tenant key and name an attempt is for, however it reached
// the account (the tenant's host, or subdomain\username on the base domain).
func (a LoginAttempt) Account() (tenantKey, name string) {
	login := strings.TrimSpace(a.Login)
	if sub, user, ok := strings.Cut(login, `\`); ok && a.OnBase {
		return strings.ToLower(strings.TrimSpace(sub)), strings.TrimSpace(user)
	}
	return a.Host.Subdomain, login
}

// TooLong says whether the attempt is longer than any account's: a username
// or email (after subdomain\ on the base domain) over MaxLoginLength bytes,
// a tenant key over 63, or a password over MaxPasswordLength. LogIn refuses
// such an attempt before any database or throttle work.
func (a LoginAttempt) TooLong() bool {
	if len(a.Password) > MaxPasswordLength {
		return true
	}
	key, name := a.Account()
	return len(name) > MaxLoginLength || len(key) > 63
}

// LoginResult is who signed in and where their session opens.
type LoginResult struct {
	User   *User
	Tenant *Tenant // the user's tenant
	// Handoff is a one-time token that opens the session on Tenant's own host,
	// when that is not the host the form was posted to.
	Handoff string
}

// LogIn checks an attempt: it finds the tenant it names, counts the attempt
// against the account and the client's address (ErrTooManyAttempts when
// either failed too often lately), checks the credentials (every other
// failure is ErrInvalidCredentials after the same hashing work; all are
// audited), and, for a tenant other than the host's, issues the handoff that
// carries the login to that tenant's host.
func (s *Store) LogIn(ctx context.Context, a LoginAttempt) (*LoginResult, error) {
	if a.TooLong() {
		return nil, ErrInvalidCredentials // before any database, throttle or hashing work
	}
	key, name := a.Account()
	target := a.Host
	if key != a.Host.Subdomain {
		t, err := s.TenantBySubdomain(ctx, key)
		switch {
		case errors.Is(err, ErrNotFound):
			target = nil
		case err != nil:
			return nil, err
		default:
			target = t
		}
	}
	u, err := s.authenticate(ctx, target, key, name, a.Password)
	if err != nil {
		return nil, err
	}
	res := &LoginResult{User: u, Tenant: target}
	if target.ID != a.Host.ID {
		if res.Handoff, err = s.IssueHandoff(ctx, u); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// authenticate checks a login in tenant t, reached as tenantKey; t nil means
// the tenant named at login does not exist. The attempt is first counted
// against the account it resolves to and the client's address, and refused
// with ErrTooManyAttempts, without a password check, when either has failed
// too often lately. Every other failure returns ErrInvalidCredentials after
// the same password-hash work. Both are recorded in the audit log (the
// master's when the tenant is unknown).
func (s *Store) authenticate(ctx context.Context, t *Tenant, tenantKey, login, password string) (*User, error) {
	login = strings.TrimSpace(login)
	logTenant := uint64(0)
	if t != nil {
		logTenant = t.ID
	} else {
		m, err := s.MasterTenant(ctx)
		if err != nil {
			return nil, err
		}
		logTenant = m.ID
	}
	if err := s.forgetOldFailures(ctx); err != nil {
		return nil, err
	}
	var (
		u       User
		found   bool
		account throttleKey
		address *throttleKey
		allowed bool
	)
	err := s.inTenant(ctx, logTenant, func(tx *gorm.DB) error {
		// A login no user can have (NUL, invalid UTF-8) is an unknown user,
		// not a question for the database.
		if t != nil && login != "" && utf8.ValidString(login) && !strings.ContainsRune(login, 0) {
			err := tx.Preload("Role").Where("lower(username) = lower(?) OR (email <> '' AND lower(email) = lower(?))", login, login).
				Order("id").Take(&u).Error
			found = err == nil
			if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		if found {
			account = accountKey(t, tenantKey, &u, login)
		} else {
			account = accountKey(t, tenantKey, nil, login)
		}
		keys := []throttleKey{account}
		if client, _ := ctx.Value(clientKey{}).(Client); client.IP != "" {
			k := addressKey(client.IP)
			address, keys = &k, append(keys, k)
		}
		var err error
		if allowed, err = s.reserveAttempt(tx, keys); err != nil || allowed {
			return err
		}
		return s.record(tx, logTenant, loginEvent(login, found, &u, "too many failed sign-ins"))
	})
	if err != nil {
		return nil, err
	}
	if !allowed {
		return nil, ErrTooManyAttempts
	}
	// The ~30 ms hash runs between two short transactions rather than inside one,
	// so it holds no database connection (SQLite has only one).
	hash := dummyHash
	if found && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	passwordOK := CheckPassword(hash, password) && found && u.PasswordHash != ""
	ok := passwordOK && t != nil && t.Enabled && u.Enabled && u.IdentitySource == "local"

	reason := ""
	if !ok {
		reason = failureReason(t, found, passwordOK, &u)
	}
	err = s.inTenant(ctx, logTenant, func(tx *gorm.DB) error {
		if ok {
			now := s.now()
			if err := tx.Model(&u).UpdateColumn("last_login_at", now).Error; err != nil {
				return err
			}
			u.LastLoginAt = &now
			if err := s.releaseAttempt(tx, account, address); err != nil {
				return err
			}
		}
		return s.record(tx, logTenant, loginEvent(login, found, &u, reason))
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrInvalidCredentials
	}
	return &u, nil
}

// loginEvent is the audit event of a login as typed: a success when failure
// is empty, else a failure for that reason.
func loginEvent(login string, found bool, u *User, failure string) Event {
	e := Event{ActorName: truncate(login, 200), Action: ActionLogin, TargetType: "user", TargetID: truncate(login, 200), Outcome: OutcomeSuccess}
	if found {
		id := u.ID
		e.ActorUserID, e.ActorName, e.TargetID = &id, u.Username, u.Username
	}
	if failure != "" {
		e.Action, e.Outcome, e.Details = ActionLoginFailed, OutcomeFailure, jsonDetails(map[string]any{"reason": failure})
	}
	return e
}

// failureReason is for the audit log only; the person sees one message for all.
func failureReason(t *Tenant, found, passwordOK bool, u *User) string {
	switch {
	case t == nil:
		return "unknown tenant"
	case !found:
		return "unknown user"
	case !passwordOK:
		return "wrong password"
	case !t.Enabled:
		return "tenant disabled"
	case !u.Enabled:
		return "user disabled"
	}
	return "external identity"
}

// RecordLogout writes the logout event into the context's tenant's log.
func (s *Store) RecordLogout(ctx context.Context, u *User) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		id := u.ID
		return s.record(tx, u.TenantID, Event{ActorUserID: &id, ActorName: u.Username, Action: ActionLogout, TargetType: "user", TargetID: u.Username, Outcome: OutcomeSuccess})
	})
}
