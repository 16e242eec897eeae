package models

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// TenantCounts are what a tenant holds against its limits (0: no limit),
// and in the master the number of tenants.
type TenantCounts struct {
	Users, Resources       int64
	MaxUsers, MaxResources int
	Tenants                int64 // 0 outside the master
}

// TenantCountsOf reads ctx's tenant's counters and limits in one statement.
func (s *Store) TenantCountsOf(ctx context.Context) (TenantCounts, error) {
	var c TenantCounts
	tenant, ok := TenantFrom(ctx)
	if !ok {
		return c, errors.New("tenant counts: no tenant in context")
	}
	const q = `SELECT tenant_usage.users, tenant_usage.resources, tenants.max_users, tenants.max_resources,
	CASE WHEN tenants.is_master THEN (SELECT count(*) FROM tenants) ELSE 0 END
	FROM tenant_usage JOIN tenants ON tenants.id = tenant_usage.tenant_id WHERE tenant_usage.tenant_id = ?`
	err := s.db.ReadSQL(ctx, q, []any{tenant}, func(scan func(dest ...any) error) error {
		return scan(&c.Users, &c.Resources, &c.MaxUsers, &c.MaxResources, &c.Tenants)
	})
	return c, err
}

// LatestAuditEvents is the newest n events of ctx's tenant, for an actor who
// may read its audit log: one statement.
func (s *Store) LatestAuditEvents(ctx context.Context, n int) ([]AuditEvent, error) {
	if err := requireLevel(ctx, FeatureAudit, LevelRead); err != nil {
		return nil, err
	}
	tenant, ok := TenantFrom(ctx)
	if !ok {
		return nil, errors.New("latest audit events: no tenant in context")
	}
	const q = `SELECT id, occurred_at, actor_name, impersonator_name, action, target_type, target_id, outcome
	FROM audit_events WHERE tenant_id = ? ORDER BY id DESC LIMIT ?`
	events := make([]AuditEvent, 0, n)
	err := s.db.ReadSQL(ctx, q, []any{tenant, n}, func(scan func(dest ...any) error) error {
		e := AuditEvent{TenantID: tenant}
		if err := scan(&e.ID, &e.OccurredAt, &e.ActorName, &e.ImpersonatorName, &e.Action, &e.TargetType, &e.TargetID, &e.Outcome); err != nil {
			return err
		}
		events = append(events, e)
		return nil
	})
	return events, err
}

// RunningImpersonation is an impersonation not yet ended, with its tenant's key.
type RunningImpersonation struct {
	Impersonation
	Subdomain string
}

// RunningImpersonations lists the impersonations still running, newest
// first, at most n: in the master, of every tenant, for a master user with
// impersonation: read; elsewhere, of ctx's tenant, for a user who may read
// its audit log (as its support access record). One statement.
func (s *Store) RunningImpersonations(ctx context.Context, n int) ([]RunningImpersonation, error) {
	a, _ := ActorFrom(ctx)
	tenant, ok := TenantFrom(ctx)
	if !ok {
		return nil, errors.New("running impersonations: no tenant in context")
	}
	q := `SELECT impersonations.id, impersonations.tenant_id, tenants.subdomain, impersonations.user_id, impersonations.user_name,
	impersonations.impersonator_user_id, impersonations.impersonator_name, impersonations.reason, impersonations.started_at, impersonations.expires_at
	FROM impersonations JOIN tenants ON tenants.id = impersonations.tenant_id
	WHERE impersonations.ended_at IS NULL AND impersonations.expires_at > ?`
	args := []any{s.now()}
	if a.Master {
		if err := requireMaster(ctx, FeatureImpersonation, LevelRead); err != nil {
			return nil, err
		}
		ctx = AcrossTenants(ctx, "the running impersonations of every tenant")
	} else {
		if err := requireLevel(ctx, FeatureAudit, LevelRead); err != nil {
			return nil, err
		}
		q += " AND impersonations.tenant_id = ?"
		args = append(args, tenant)
	}
	q += " ORDER BY impersonations.id DESC LIMIT ?"
	args = append(args, n)
	out := make([]RunningImpersonation, 0, 4)
	err := s.db.ReadSQL(ctx, q, args, func(scan func(dest ...any) error) error {
		var r RunningImpersonation
		if err := scan(&r.ID, &r.TenantID, &r.Subdomain, &r.UserID, &r.UserName, &r.ImpersonatorUserID, &r.ImpersonatorName,
			&r.Reason, &r.StartedAt, &r.ExpiresAt); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// EndImpersonationByID ends a running impersonation of any tenant from the
// master console (impersonation: full), recording in both logs who ended it.
func (s *Store) EndImpersonationByID(ctx context.Context, id uint64) error {
	if err := requireMaster(ctx, FeatureImpersonation, LevelFull); err != nil {
		return err
	}
	a, _ := ActorFrom(ctx)
	var imp Impersonation
	if err := s.db.Tx(AcrossTenants(ctx, "find the impersonation the master ends"), func(tx *gorm.DB) error {
		return tx.Where("id = ?", id).Take(&imp).Error
	}); errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	} else if err != nil {
		return err
	}
	return s.db.InTenant(ctx, imp.TenantID, func(tx *gorm.DB) error {
		return s.endImpersonation(tx, &imp, "ended by "+a.Name+" from the master console")
	})
}
