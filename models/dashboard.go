package models

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"gorm.io/gorm"
)

// TenantCounts are what a tenant holds against its limits (0: no limit),
// and in the master the number of tenants.
type TenantCounts struct {
	Users, Resources       int64
	MaxUsers, MaxResources int
	Tenants                int64 // 0 outside the master
}

// How much of each list the dashboard shows.
const (
	dashboardEvents  = 5
	dashboardRunning = 20
)

// DashboardSummary is what an admin opens the dashboard for: the tenant's
// counts against its limits, and as far as the actor's rights go, the latest
// audit events and the running impersonations (in the master, of every
// tenant). A list the actor may not see is not shown (its Show is false).
type DashboardSummary struct {
	Counts      TenantCounts
	Events      []AuditEvent
	ShowEvents  bool
	Running     []RunningImpersonation
	ShowRunning bool
}

// RunningImpersonation is an impersonation not yet ended, with its tenant's key.
type RunningImpersonation struct {
	Impersonation
	Subdomain string
}

// Dashboard reads the dashboard summary of t, ctx's tenant as the request's
// session check returned it. A summary is kept per tenant with the stamp it
// was read at (the tenant's version and latest audit event, which the check
// reads anyway): every change in a tenant writes an audit event, so while
// the stamp holds the summary is still true, and the page needs no read of
// its own, on any number of server processes. A kept summary serves at most
// summaryTTL, which bounds what a change made outside the console (the
// database edited by hand) leaves behind. On PostgreSQL a summary is read as
// one statement, elsewhere as three. The master's running impersonations of
// every tenant are read each time, across tenants.
func (s *Store) Dashboard(ctx context.Context, t *Tenant) (DashboardSummary, error) {
	var d DashboardSummary
	tenant, ok := TenantFrom(ctx)
	if !ok || t == nil || t.ID != tenant {
		return d, errors.New("dashboard: not ctx's tenant")
	}
	a, _ := ActorFrom(ctx)
	master := a.Master && a.Impersonator == nil
	d.ShowEvents = requireLevel(ctx, FeatureAudit, LevelRead) == nil
	if master {
		d.ShowRunning = requireMaster(ctx, FeatureImpersonation, LevelRead) == nil
	} else {
		d.ShowRunning = d.ShowEvents // a subtenant's support access record
	}
	now := s.now()
	stamp := summaryStamp{version: t.Version, head: t.AuditHead}
	if kept, ok := s.dashboards.get(tenant, stamp, now); ok {
		d.Counts, d.Events, d.Running = kept.Counts, kept.Events, kept.Running
	} else {
		read, err := s.readDashboard(ctx, tenant)
		if err != nil {
			return d, err
		}
		if t.AuditHead != 0 {
			s.dashboards.put(tenant, stamp, now, read)
		}
		d.Counts, d.Events, d.Running = read.Counts, read.Events, read.Running
	}
	if master && d.ShowRunning {
		var err error
		across := AcrossTenants(ctx, "the running impersonations of every tenant")
		if d.Running, err = s.runningImpersonations(across, 0, dashboardRunning); err != nil {
			return d, err
		}
	}
	if !d.ShowEvents {
		d.Events = nil
	}
	if !d.ShowRunning {
		d.Running = nil
	}
	// A kept list may hold an impersonation that has run out since.
	running := make([]RunningImpersonation, 0, len(d.Running))
	for _, r := range d.Running {
		if r.ExpiresAt.After(now) {
			running = append(running, r)
		}
	}
	d.Running = running
	return d, nil
}

// readDashboard reads tenant's summary with its own running impersonations.
func (s *Store) readDashboard(ctx context.Context, tenant uint64) (DashboardSummary, error) {
	var d DashboardSummary
	if s.postgres {
		q, args := s.dashboardQuery(tenant)
		return d, s.db.ReadSQL(ctx, q, args, dashboardRow(tenant, &d))
	}
	var err error
	if d.Counts, err = s.tenantCounts(ctx, tenant); err != nil {
		return d, err
	}
	if d.Events, err = s.latestAuditEvents(ctx, tenant, dashboardEvents); err != nil {
		return d, err
	}
	d.Running, err = s.runningImpersonations(ctx, tenant, dashboardRunning)
	return d, err
}

// summaryTTL is the longest a kept dashboard summary serves.
const summaryTTL = 30 * time.Second

// maxKeptSummaries bounds the summaries kept: a few kilobytes each.
const maxKeptSummaries = 10000

// summaryStamp is what a tenant's summary was read at.
type summaryStamp struct {
	version int
	head    uint64
}

// summaryCache keeps the last dashboard summary read of each tenant. Its
// entries are read-only once kept.
type summaryCache struct {
	mu   sync.Mutex
	kept map[uint64]keptSummary
}

type keptSummary struct {
	stamp summaryStamp
	at    time.Time
	d     DashboardSummary
}

// get is tenant's kept summary if it was read at stamp within summaryTTL.
func (c *summaryCache) get(tenant uint64, stamp summaryStamp, now time.Time) (DashboardSummary, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.kept[tenant]
	if !ok || k.stamp != stamp || now.Sub(k.at) > summaryTTL || now.Before(k.at) {
		return DashboardSummary{}, false
	}
	return k.d, true
}

// put keeps d as tenant's summary read at stamp; when the cache is full it
// starts afresh rather than track which tenant was seen last.
func (c *summaryCache) put(tenant uint64, stamp summaryStamp, now time.Time, d DashboardSummary) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kept == nil || len(c.kept) >= maxKeptSummaries {
		c.kept = make(map[uint64]keptSummary)
	}
	c.kept[tenant] = keptSummary{stamp: stamp, at: now, d: d}
}

// dashboardQuery is the PostgreSQL statement that reads tenant's whole
// summary (its own running impersonations) as one row: the counts, then
// the two lists as JSON arrays. It names the tenant in every table it reads.
func (s *Store) dashboardQuery(tenant uint64) (string, []any) {
	const q = `SELECT coalesce(tenant_usage.users, 0), coalesce(tenant_usage.resources, 0), tenants.max_users, tenants.max_resources,
	CASE WHEN tenants.is_master THEN (SELECT count(*) FROM tenants) ELSE 0 END,
	(SELECT coalesce(json_agg(e ORDER BY e.id DESC), '[]') FROM (
		SELECT id, occurred_at, actor_name AS actor, impersonator_name AS impersonator, action, target_type, target_id, outcome
		FROM audit_events WHERE tenant_id = ? ORDER BY id DESC LIMIT ?) e),
	(SELECT coalesce(json_agg(i ORDER BY i.id DESC), '[]') FROM (
		SELECT ` + runningColumns + `
		FROM impersonations JOIN tenants ON tenants.id = impersonations.tenant_id
		WHERE impersonations.tenant_id = ? AND impersonations.ended_at IS NULL AND impersonations.expires_at > ?
		ORDER BY impersonations.id DESC LIMIT ?) i)
FROM tenants LEFT JOIN tenant_usage ON tenant_usage.tenant_id = tenants.id WHERE tenants.id = ?`
	return q, []any{tenant, dashboardEvents, tenant, s.now(), dashboardRunning, tenant}
}

// runningColumns are a running impersonation's columns, named as
// runningJSON's keys.
const runningColumns = `impersonations.id, impersonations.tenant_id, tenants.subdomain, impersonations.user_id, impersonations.user_name,
	impersonations.impersonator_user_id, impersonations.impersonator_name, impersonations.reason, impersonations.started_at, impersonations.expires_at`

type runningJSON struct {
	ID                 uint64    `json:"id"`
	TenantID           uint64    `json:"tenant_id"`
	Subdomain          string    `json:"subdomain"`
	UserID             uint64    `json:"user_id"`
	UserName           string    `json:"user_name"`
	ImpersonatorUserID uint64    `json:"impersonator_user_id"`
	ImpersonatorName   string    `json:"impersonator_name"`
	Reason             string    `json:"reason"`
	StartedAt          time.Time `json:"started_at"`
	ExpiresAt          time.Time `json:"expires_at"`
}

// dashboardRow scans dashboardQuery's row into d.
func dashboardRow(tenant uint64, d *DashboardSummary) func(scan func(dest ...any) error) error {
	return func(scan func(dest ...any) error) error {
		var events, running []byte
		c := &d.Counts
		if err := scan(&c.Users, &c.Resources, &c.MaxUsers, &c.MaxResources, &c.Tenants, &events, &running); err != nil {
			return err
		}
		d.Events = make([]AuditEvent, 0, dashboardEvents)
		if err := json.Unmarshal(events, &d.Events); err != nil {
			return err
		}
		for i := range d.Events {
			d.Events[i].TenantID = tenant
		}
		var rs []runningJSON
		if err := json.Unmarshal(running, &rs); err != nil {
			return err
		}
		d.Running = make([]RunningImpersonation, 0, len(rs))
		for _, r := range rs {
			d.Running = append(d.Running, RunningImpersonation{Subdomain: r.Subdomain, Impersonation: Impersonation{
				ID: r.ID, TenantID: r.TenantID, UserID: r.UserID, UserName: r.UserName, ImpersonatorUserID: r.ImpersonatorUserID,
				ImpersonatorName: r.ImpersonatorName, Reason: r.Reason, StartedAt: r.StartedAt, ExpiresAt: r.ExpiresAt}})
		}
		return nil
	}
}

// tenantCounts reads tenant's counters and limits in one statement.
func (s *Store) tenantCounts(ctx context.Context, tenant uint64) (TenantCounts, error) {
	var c TenantCounts
	const q = `SELECT coalesce(tenant_usage.users, 0), coalesce(tenant_usage.resources, 0), tenants.max_users, tenants.max_resources,
	CASE WHEN tenants.is_master THEN (SELECT count(*) FROM tenants) ELSE 0 END
	FROM tenants LEFT JOIN tenant_usage ON tenant_usage.tenant_id = tenants.id WHERE tenants.id = ?`
	err := s.db.ReadSQL(ctx, q, []any{tenant}, func(scan func(dest ...any) error) error {
		return scan(&c.Users, &c.Resources, &c.MaxUsers, &c.MaxResources, &c.Tenants)
	})
	return c, err
}

// latestAuditEvents is tenant's newest n events: one statement.
func (s *Store) latestAuditEvents(ctx context.Context, tenant uint64, n int) ([]AuditEvent, error) {
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

// runningImpersonations lists the impersonations still running, newest
// first, at most n: of tenant, or with tenant 0 (ctx across tenants) of
// every tenant. One statement.
func (s *Store) runningImpersonations(ctx context.Context, tenant uint64, n int) ([]RunningImpersonation, error) {
	q := `SELECT ` + runningColumns + `
	FROM impersonations JOIN tenants ON tenants.id = impersonations.tenant_id
	WHERE impersonations.ended_at IS NULL AND impersonations.expires_at > ?`
	args := []any{s.now()}
	if tenant != 0 {
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
