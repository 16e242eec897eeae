package models

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Impersonation actions, recorded in both the master's and the tenant's log.
const (
	ActionImpersonationStart   = "impersonation.start"
	ActionImpersonationEnd     = "impersonation.end"
	ActionImpersonationRefused = "impersonation.refused"
	ActionSettingsUpdate       = "tenant.settings_update"
	ActionSessionRefused       = "session.refused"
)

// Impersonation is a master user acting as a subtenant's user: openly (the
// tenant keeps the record), briefly (it expires) and on the record (every
// event carries both names). It lives in the target's tenant.
type Impersonation struct {
	ID                      uint64 `gorm:"primaryKey"`
	TenantID                uint64
	UserID                  uint64
	UserName                string
	ImpersonatorTenantID    uint64
	ImpersonatorUserID      uint64
	ImpersonatorName        string
	ImpersonatorSessionHash string
	Reason                  string
	StartedAt               time.Time
	ExpiresAt               time.Time
	EndedAt                 *time.Time
	EndReason               string
	// ImpersonatorRights are the impersonator's own rights in the master
	// tenant (their role; the master has no cap), as the request's session
	// check loaded them: the impersonation has no more than these.
	ImpersonatorRights Permissions `gorm:"-"`
}

// Until is when the impersonation ended, or ends if still running.
func (i *Impersonation) Until() time.Time {
	if i.EndedAt != nil {
		return *i.EndedAt
	}
	return i.ExpiresAt
}

// MaxReasonLength bounds the reason an impersonator gives.
const MaxReasonLength = 500

// StartImpersonation is what starting an impersonation needs: the target
// (tenant and user), the reason the tenant will read, the impersonator's own
// master session (the impersonation ends with it) and how long it may last.
type StartImpersonation struct {
	Subdomain     string
	UserID        uint64
	Reason        string
	MasterSession string
	Limit         time.Duration
}

// refusal is a refused impersonation: a message for the person, recorded.
func refusal(msg string) error { return &ValidationError{Fields: map[string]string{"": msg}} }

// StartImpersonation checks that the context's master user may impersonate
// the target, then records the impersonation in both logs and returns a
// one-time handoff token that opens it on the tenant's host. A refusal is a
// ValidationError whose "" message says why, and is recorded in the
// master's log.
func (s *Store) StartImpersonation(ctx context.Context, in StartImpersonation) (string, *Impersonation, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	f := fieldErrors{}
	f.text("reason", in.Reason, "Say why: the tenant will read it.", MaxReasonLength)
	if err := f.err(); err != nil {
		return "", nil, err
	}
	a, ok := ActorFrom(ctx)
	if !ok || a.System || !a.Master {
		return "", nil, fmt.Errorf("%w: only a master user impersonates", ErrForbidden)
	}
	master, err := s.MasterTenant(ctx)
	if err != nil {
		return "", nil, err
	}
	refuse := func(target, msg string) (string, *Impersonation, error) {
		err := s.inTenant(ctx, master.ID, func(tx *gorm.DB) error {
			return s.record(tx, master.ID, Event{Action: ActionImpersonationRefused, TargetType: "user", TargetID: target, Outcome: OutcomeFailure,
				Details: fmt.Sprintf(`{"reason":%q,"refused":%q}`, in.Reason, msg)})
		})
		if err != nil {
			return "", nil, err
		}
		return "", nil, refusal(msg)
	}
	if a.Impersonator != nil {
		return refuse(in.Subdomain, "You are impersonating someone already; end that first.")
	}
	if a.Permissions.Level(FeatureImpersonation) < LevelFull {
		return "", nil, fmt.Errorf("%w: %s needs impersonation: full", ErrForbidden, a.Name)
	}
	t, err := s.TenantBySubdomain(ctx, in.Subdomain)
	if err != nil {
		return "", nil, err
	}
	var u User
	err = s.inTenant(ctx, t.ID, func(tx *gorm.DB) error {
		return tx.Preload("Role").Where("id = ?", in.UserID).Take(&u).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil, ErrNotFound
	}
	if err != nil {
		return "", nil, err
	}
	target := t.Subdomain + `\` + u.Username
	var settings TenantSettings
	if err := s.inTenant(ctx, t.ID, func(tx *gorm.DB) error { return tx.Take(&settings).Error }); err != nil {
		return "", nil, err
	}
	switch {
	case t.IsMaster:
		return refuse(target, "Users of the master tenant cannot be impersonated.")
	case !t.Enabled:
		return refuse(target, fmt.Sprintf("%s is disabled; its users cannot be impersonated.", t.Name))
	case !u.Enabled:
		return refuse(target, fmt.Sprintf("%s is disabled and cannot be impersonated.", u.Username))
	case !settings.AllowImpersonation:
		return refuse(target, fmt.Sprintf("%s's administrators have turned impersonation off.", t.Name))
	}
	capped, cap, err := s.tenantCap(ctx, t.ID)
	if err != nil {
		return "", nil, err
	}
	u.Capped, u.Cap = capped, cap
	if more := Excess(a.Permissions, u.Permissions()); more != "" {
		return refuse(target, fmt.Sprintf("%s has more rights than you: %s. You cannot act as them.", u.Username, more))
	}

	token := rand.Text()
	now := s.now()
	imp := &Impersonation{UserID: u.ID, UserName: u.Username, ImpersonatorTenantID: master.ID, ImpersonatorUserID: a.UserID,
		ImpersonatorName: a.Name, ImpersonatorSessionHash: hashToken(in.MasterSession), Reason: in.Reason,
		StartedAt: now, ExpiresAt: now.Add(in.Limit)}
	err = s.inTenant(ctx, t.ID, func(tx *gorm.DB) error {
		if err := tx.Create(imp).Error; err != nil {
			return err
		}
		id := imp.ID
		if err := tx.Create(&LoginHandoff{UserID: u.ID, TokenHash: hashToken(token), ExpiresAt: now.Add(HandoffTTL), CreatedAt: now, ImpersonationID: &id}).Error; err != nil {
			return err
		}
		return s.recordBoth(tx, master.ID, t.ID, Event{Action: ActionImpersonationStart, TargetType: "user", TargetID: target, Outcome: OutcomeSuccess,
			Details: fmt.Sprintf(`{"impersonation":%d,"reason":%q,"until":%q}`, imp.ID, imp.Reason, imp.ExpiresAt.Format(time.RFC3339))})
	})
	if err != nil {
		return "", nil, err
	}
	return token, imp, nil
}

// recordBoth records e in tenant's log (tx's own tenant) and in the master's.
func (s *Store) recordBoth(tx *gorm.DB, masterID, tenantID uint64, e Event) error {
	if err := s.record(tx, tenantID, e); err != nil {
		return err
	}
	return s.acrossIn(tx, "record an impersonation in the master's log too", func(tx *gorm.DB) error {
		return s.record(tx, masterID, e)
	})
}

// EndImpersonation ends the context's impersonation (the actor's), saying why.
func (s *Store) EndImpersonation(ctx context.Context, why string) (*Impersonation, error) {
	a, ok := ActorFrom(ctx)
	if !ok || a.Impersonator == nil || a.ImpersonationID == 0 {
		return nil, fmt.Errorf("%w: not impersonating", ErrForbidden)
	}
	var imp Impersonation
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", a.ImpersonationID).Take(&imp).Error; err != nil {
			return err
		}
		return s.endImpersonation(tx, &imp, why)
	})
	return &imp, err
}

// endImpersonation marks imp ended (if it was not), ends its sessions, and
// records the end in both logs. tx is confined to imp's tenant.
func (s *Store) endImpersonation(tx *gorm.DB, imp *Impersonation, why string) error {
	now := s.now()
	res := tx.Model(&Impersonation{}).Where("id = ? AND ended_at IS NULL", imp.ID).Updates(map[string]any{"ended_at": now, "end_reason": why})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	imp.EndedAt, imp.EndReason = &now, why
	if err := tx.Where("impersonation_id = ?", imp.ID).Delete(&UserSession{}).Error; err != nil {
		return err
	}
	var tn Tenant
	if err := tx.Where("id = ?", imp.TenantID).Take(&tn).Error; err != nil {
		return err
	}
	return s.recordBoth(tx, imp.ImpersonatorTenantID, imp.TenantID, Event{ActorName: imp.ImpersonatorName, ActorUserID: &imp.ImpersonatorUserID,
		Action: ActionImpersonationEnd, TargetType: "user", TargetID: tn.Subdomain + `\` + imp.UserName, Outcome: OutcomeSuccess,
		Details: fmt.Sprintf(`{"impersonation":%d,"ended":%q,"minutes":%d}`, imp.ID, why, int(now.Sub(imp.StartedAt).Minutes()))})
}

// EndImpersonationsOfSession ends every impersonation hanging on master
// session id: the impersonator signed out of the master console.
func (s *Store) EndImpersonationsOfSession(ctx context.Context, id string) error {
	var open []Impersonation
	err := s.tx(AcrossTenants(ctx, "find the impersonations a master session started"), func(tx *gorm.DB) error {
		return tx.Where("impersonator_session_hash = ? AND ended_at IS NULL", hashToken(id)).Find(&open).Error
	})
	if err != nil {
		return err
	}
	for i := range open {
		if err := s.inTenant(ctx, open[i].TenantID, func(tx *gorm.DB) error {
			return s.endImpersonation(tx, &open[i], "the impersonator signed out")
		}); err != nil {
			return err
		}
	}
	return nil
}

// SupportAccess is one impersonation as the tenant sees it, with the events
// recorded while it ran.
type SupportAccess struct {
	Impersonation
	Changes []AuditEvent
}

// SupportAccessLog lists the context tenant's impersonations, newest first,
// each with what was done meanwhile (events carrying the impersonator): two
// statements, the impersonations and every event that carries one of their
// impersonators in their span, shared out in Go.
func (s *Store) SupportAccessLog(ctx context.Context, limit int) ([]SupportAccess, error) {
	var out []SupportAccess
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var imps []Impersonation
		if err := tx.Order("id DESC").Limit(limit).Find(&imps).Error; err != nil || len(imps) == 0 {
			return err
		}
		from, until := imps[0].StartedAt, imps[0].Until()
		var who []uint64
		for _, imp := range imps {
			from, until = minTime(from, imp.StartedAt), maxTime(until, imp.Until())
			who = append(who, imp.ImpersonatorUserID)
		}
		var evs []AuditEvent
		if err := tx.Where("impersonator_user_id IN ? AND occurred_at >= ? AND occurred_at <= ? AND action NOT IN ?",
			who, from, until, []string{ActionImpersonationStart, ActionImpersonationEnd}).
			Order("id").Limit(200 * len(imps)).Find(&evs).Error; err != nil {
			return err
		}
		for _, imp := range imps {
			sa := SupportAccess{Impersonation: imp}
			for _, e := range evs {
				if *e.ImpersonatorUserID == imp.ImpersonatorUserID && !e.OccurredAt.Before(imp.StartedAt) && !e.OccurredAt.After(imp.Until()) && len(sa.Changes) < 200 {
					sa.Changes = append(sa.Changes, e)
				}
			}
			out = append(out, sa)
		}
		return nil
	})
	return out, err
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// ImpersonationNotice is the newest impersonation of u the user has not been
// told about, marked as told; nil when there is none. A person signing in
// hears of it once.
func (s *Store) ImpersonationNotice(ctx context.Context, u *User) (*Impersonation, error) {
	var imp Impersonation
	err := s.inTenant(ctx, u.TenantID, func(tx *gorm.DB) error {
		var seen struct{ ImpersonationSeenID uint64 }
		if err := tx.Model(&User{}).Select("impersonation_seen_id").Where("id = ?", u.ID).Take(&seen).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ? AND id > ?", u.ID, seen.ImpersonationSeenID).Order("id DESC").Take(&imp).Error; err != nil {
			return err
		}
		return tx.Model(&User{}).Where("id = ?", u.ID).UpdateColumn("impersonation_seen_id", imp.ID).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &imp, nil
}

// ImpersonationTarget returns a subtenant's user for the page that starts an
// impersonation: master users with impersonation: full only.
func (s *Store) ImpersonationTarget(ctx context.Context, subdomain string, userID uint64) (*Tenant, *User, error) {
	if err := requireMaster(ctx, FeatureImpersonation, LevelFull); err != nil {
		return nil, nil, err
	}
	t, err := s.TenantBySubdomain(ctx, subdomain)
	if err != nil {
		return nil, nil, err
	}
	var u User
	err = s.inTenant(ctx, t.ID, func(tx *gorm.DB) error {
		return tx.Preload("Role").Where("id = ?", userID).Take(&u).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ErrNotFound
	}
	return t, &u, err
}
