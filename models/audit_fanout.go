package models

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// The master's changes that reach into subtenants (a template's copies, a
// tenant role's cap, a tenant's move to another tenant role) are told in each
// affected tenant's own log too, as its user changes by the master are
// (recordUser): the actor is named master\name, with no user id. A template
// or a tenant role can reach every tenant, so the events are written
// set-based: one statement locks the affected chains' heads, each event's
// hash is computed here with the chain's own s.chainHash, the events go in a
// few multi-row inserts and the heads move in one UPDATE ... FROM, over
// arrays on PostgreSQL and a JSON array on SQLite.

// fanoutInsertBatch keeps a multi-row insert of events under PostgreSQL's
// 65,535 parameters: 15 columns a row. SQLite's driver binds each
// parameter by searching the statement's, a cost that grows with the square
// of the batch: 200 rows there (3,000 parameters) bind twenty times faster
// in all than 2,000.
const (
	fanoutInsertBatch       = 2000
	fanoutInsertBatchSQLite = 200
)

// chainTarget is one affected tenant's chain head, locked, and the event's
// target there.
type chainTarget struct {
	AuditChain `gorm:"embedded"`
	Target     string
}

// recordInTenants writes e into the log of every tenant that targets names:
// a query of rows (tenant_id, target), target being what e is about in that
// tenant (e.TargetID when empty). Each chain's head is locked before its
// event takes an id, as record does, so ids follow each chain. tx must be
// across tenants. It returns how many tenants got an event.
func (s *Store) recordInTenants(tx *gorm.DB, targets string, args []any, e Event) (int, error) {
	lock := `SELECT c.tenant_id, c.head_id, c.head_hash, c.start_after_id, c.start_hash, q.target
FROM audit_chains c JOIN (` + targets + `) q ON q.tenant_id = c.tenant_id
ORDER BY c.tenant_id`
	if s.postgres {
		lock += " FOR UPDATE OF c"
	}
	var heads []chainTarget
	if err := tx.Raw(lock, args...).Scan(&heads).Error; err != nil {
		return 0, fmt.Errorf("audit chains: %w", err)
	}
	if len(heads) == 0 {
		return 0, nil
	}
	// Every event is the master's actor's, named master\name where the ids
	// are the tenant's own users'.
	ctx := tx.Statement.Context
	e.ActorName = "system"
	if a, ok := ActorFrom(ctx); ok {
		e.ActorName = a.Name
		if !a.System {
			e.ActorName = MasterSubdomain + `\` + a.Name
		}
	}
	base := s.newEvent(ctx, 0, e)
	events := make([]AuditEvent, 0, len(heads))
	for _, h := range heads {
		if n := len(events); n > 0 && events[n-1].TenantID == h.TenantID {
			continue // one event a tenant, however many rows name it
		}
		ev := *base
		ev.TenantID, ev.PrevHash = h.TenantID, h.link()
		if h.Target != "" {
			ev.TargetID = h.Target
		}
		ev.Hash = s.chainHash(&ev)
		events = append(events, ev)
	}
	batch := fanoutInsertBatch
	if !s.postgres {
		batch = fanoutInsertBatchSQLite
	}
	if err := tx.CreateInBatches(events, batch).Error; err != nil {
		return 0, err
	}
	if s.postgres {
		// One statement for every head, whatever their number: three arrays,
		// each sent as one text parameter (numbers and hex digits only).
		ids, heads, hashes := make([]string, len(events)), make([]string, len(events)), make([]string, len(events))
		for i := range events {
			ids[i], heads[i], hashes[i] = strconv.FormatUint(events[i].TenantID, 10), strconv.FormatUint(events[i].ID, 10), events[i].Hash
		}
		array := func(v []string) string { return "{" + strings.Join(v, ",") + "}" }
		return len(events), s.moveHeads(tx, len(events), `UPDATE audit_chains SET head_id = v.head_id, head_hash = v.head_hash
FROM unnest(CAST(CAST(? AS TEXT) AS BIGINT[]), CAST(CAST(? AS TEXT) AS BIGINT[]), CAST(CAST(? AS TEXT) AS TEXT[])) AS v(tenant_id, head_id, head_hash)
WHERE audit_chains.tenant_id = v.tenant_id`, array(ids), array(heads), array(hashes))
	}
	// SQLite: one statement too, over one JSON array of [tenant, id, hash]
	// (a VALUES list of thousands of rows costs SQLite more to compile than
	// to run).
	rows := make([][3]any, len(events))
	for i := range events {
		rows[i] = [3]any{events[i].TenantID, events[i].ID, events[i].Hash}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return 0, err
	}
	if err := s.moveHeads(tx, len(events), `UPDATE audit_chains SET head_id = json_extract(v.value, '$[1]'), head_hash = json_extract(v.value, '$[2]')
FROM json_each(?) v WHERE audit_chains.tenant_id = json_extract(v.value, '$[0]')`, string(b)); err != nil {
		return 0, err
	}
	return len(events), nil
}

// moveHeads runs the UPDATE of n chain heads and checks it moved them all.
func (s *Store) moveHeads(tx *gorm.DB, n int, sql string, args ...any) error {
	res := tx.Exec(sql, args...)
	if res.Error != nil {
		return fmt.Errorf("audit chain heads: %w", res.Error)
	}
	if res.RowsAffected != int64(n) {
		return fmt.Errorf("audit chain heads: moved %d of %d", res.RowsAffected, n)
	}
	return nil
}

// templateDetails is a copy's event details: the template it follows and what changed.
func templateDetails(template string, extra map[string]any, changes ...change) string {
	d := map[string]any{"template": template, "changes": json.RawMessage(changeDetails(changes...))}
	for k, v := range extra {
		d[k] = v
	}
	return jsonDetails(d)
}

// recordTemplateCopies tells each tenant that got a linked copy of template
// t (just created) that it did. tx must be across tenants.
func (s *Store) recordTemplateCopies(tx *gorm.DB, t *Role) (int, error) {
	return s.recordInTenants(tx, "SELECT tenant_id, name AS target FROM roles WHERE template_id = ? AND linked", []any{t.ID},
		Event{Action: ActionRoleCreate, TargetType: "role", TargetID: t.Name, Outcome: OutcomeSuccess,
			Details: templateDetails(t.Name, map[string]any{"linked": true},
				append(permissionChanges(Permissions{}, t.Permissions), change{"name", "", t.Name}, change{"description", "", t.Description})...)})
}

// recordTemplatePropagated tells each tenant whose linked copy of template
// t was rewritten, with the changed fields and levels. tx must be across tenants.
func (s *Store) recordTemplatePropagated(tx *gorm.DB, before, t *Role) (int, error) {
	return s.recordInTenants(tx, "SELECT tenant_id, name AS target FROM roles WHERE template_id = ? AND linked", []any{t.ID},
		Event{Action: ActionTemplatePropagate, TargetType: "role", TargetID: t.Name, Outcome: OutcomeSuccess,
			Details: templateDetails(t.Name, nil,
				append([]change{{"name", before.Name, t.Name}, {"description", before.Description, t.Description}},
					permissionChanges(before.Permissions, t.Permissions)...)...)})
}

// recordTemplateReleased tells each tenant holding a copy of template t,
// linked or detached, that it is now its own role: t is being deleted. It
// runs before the copies are released, while they still name t. tx must be
// across tenants.
func (s *Store) recordTemplateReleased(tx *gorm.DB, t *Role) (int, error) {
	return s.recordInTenants(tx, "SELECT tenant_id, name AS target FROM roles WHERE template_id = ? AND NOT multitenant", []any{t.ID},
		Event{Action: ActionTemplateRelease, TargetType: "role", TargetID: t.Name, Outcome: OutcomeSuccess,
			Details: jsonDetails(map[string]any{"template": t.Name, "released": true})})
}

// recordCapChange tells each tenant holding tenant role tr that its cap
// changed, level by level. tx must be across tenants.
func (s *Store) recordCapChange(tx *gorm.DB, before, tr *TenantRole) (int, error) {
	return s.recordInTenants(tx, "SELECT id AS tenant_id, '' AS target FROM tenants WHERE tenant_role_id = ?", []any{tr.ID},
		Event{Action: ActionTenantRoleUpdate, TargetType: "tenant_role", TargetID: tr.Name, Outcome: OutcomeSuccess,
			Details: changeDetails(append([]change{{"name", before.Name, tr.Name}}, permissionChanges(before.Permissions, tr.Permissions)...)...)})
}

// recordTenantMove tells tenant t it now has another tenant role, with the
// cap's levels before and after. tx must be across tenants.
func (s *Store) recordTenantMove(tx *gorm.DB, t *Tenant, before, after *TenantRole) error {
	beforeName, beforeCap := "", Permissions{}
	if before != nil {
		beforeName, beforeCap = before.Name, before.Permissions
	}
	_, err := s.recordInTenants(tx, "SELECT id AS tenant_id, '' AS target FROM tenants WHERE id = ?", []any{t.ID},
		Event{Action: ActionTenantUpdate, TargetType: "tenant", TargetID: t.Subdomain, Outcome: OutcomeSuccess,
			Details: changeDetails(append([]change{{"tenant_role", beforeName, after.Name}}, permissionChanges(beforeCap, after.Permissions)...)...)})
	return err
}
