package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// What the master shares. A master resource is private, public or assigned:
// a public one is seen by the tenants whose tenant role grants it, or grants
// all master resources (later ones too); an assigned one by the tenants it
// is assigned to. Subtenants cannot share; they read what is shared with
// them, read-only, through sharedWithTenant alone (SharedResources,
// SharedResourceByID and the resource list), and every other statement
// stays on their own rows (the scoping callbacks, and on PostgreSQL
// row-level security, migration 18). Every change is the master's, made
// across tenants, told in the master's log and in each tenant that gains or
// loses a resource.

// Audit actions of sharing.
const (
	ActionResourceShare       = "resource.share"        // the master set a resource's visibility
	ActionResourceShared      = "resource.shared"       // a tenant gained a master resource
	ActionResourceUnshared    = "resource.unshared"     // a tenant lost one
	ActionTenantRoleResources = "tenant_role.resources" // a tenant role's master resources changed
)

func init() {
	AuditActions = append(AuditActions, ActionResourceShare, ActionResourceShared, ActionResourceUnshared, ActionTenantRoleResources)
}

// SharedResource is a master resource read through SharedResources: read-only, the master's.
type SharedResource struct {
	Resource
	SharedBy string // the master's subdomain
}

// sharedWith is the condition on resources (the master's rows) that makes
// one shared with the tenant given three times as parameters. It is the
// same rule as the row-level security's read policy, and written the same
// way: each list of ids is read once per statement (a hashed subplan), not
// once per master row.
const sharedWith = `((resources.visibility = 'assigned' AND resources.id IN (SELECT a.resource_id FROM resource_assignments a
	WHERE a.tenant_id = ?))
OR (resources.visibility = 'public' AND (
	resources.id IN (SELECT g.resource_id FROM tenants t JOIN tenant_role_resources g ON g.tenant_role_id = t.tenant_role_id
		WHERE t.id = ? AND NOT t.is_master)
	OR EXISTS (SELECT 1 FROM tenants t JOIN tenant_roles tr ON tr.id = t.tenant_role_id
		WHERE t.id = ? AND NOT t.is_master AND tr.all_master_resources))))`

// sharedWithTenant is the one way a subtenant reads master rows: the
// condition on resources that makes one a master resource shared with
// tenant (none for the master itself), with its arguments. SharedResources,
// SharedResourceByID and the resource list (resourceListSQL) all read
// through it.
func sharedWithTenant(tenant uint64) (string, []any) {
	return `resources.tenant_id = (SELECT m.id FROM tenants m WHERE m.is_master) AND resources.tenant_id <> ? AND ` + sharedWith,
		[]any{tenant, tenant, tenant, tenant}
}

// sharedReader is ctx's tenant, which must be a subtenant whose actor may
// read resources, and the master.
func (s *Store) sharedReader(ctx context.Context) (tenant uint64, master *Tenant, err error) {
	tenant, ok := TenantFrom(ctx)
	if !ok {
		return 0, nil, fmt.Errorf("%w: no tenant to read shared resources in", ErrForbidden)
	}
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return 0, nil, err
	}
	if master, err = s.MasterTenant(ctx); err != nil {
		return 0, nil, err
	}
	return tenant, master, nil
}

// SharedResources lists the master resources shared with ctx's tenant, by
// name: public ones its tenant role grants, all public ones when its tenant
// role has all master resources, and those assigned to it. The master has
// none shared with it.
func (s *Store) SharedResources(ctx context.Context, q ListQuery) (*Page[SharedResource], error) {
	q = q.normalize(sortColumns{columns: map[string]string{"name": "lower(resources.name)", "kind": "resources.kind"}, def: "name"})
	page := &Page[SharedResource]{Query: q}
	tenant, master, err := s.sharedReader(ctx)
	if err != nil {
		return nil, err
	}
	if tenant == master.ID {
		return page, nil
	}
	var rows []Resource
	err = s.db.Tx(AcrossTenants(ctx, "the master resources shared with the tenant"), func(tx *gorm.DB) error {
		cond, args := sharedWithTenant(tenant)
		base := tx.Model(&Resource{}).Where(cond, args...)
		if q.Search != "" {
			p := likePattern(q.Search)
			base = base.Where(`(lower(resources.name) LIKE ? ESCAPE '\' OR lower(resources.description) LIKE ? ESCAPE '\')`, p, p)
		}
		if err := base.Session(&gorm.Session{}).Count(&page.Total).Error; err != nil {
			return err
		}
		return base.Order(q.orderBy(sortColumns{columns: map[string]string{"name": "lower(resources.name)", "kind": "resources.kind"}}, "resources.id")).
			Limit(q.PerPage).Offset(q.offset()).Find(&rows).Error
	})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		page.Rows = append(page.Rows, SharedResource{Resource: r, SharedBy: master.Subdomain})
	}
	return page, nil
}

// SharedResourceByID is one master resource shared with ctx's tenant, or
// ErrNotFound: for any other id, a master one not shared with it included.
func (s *Store) SharedResourceByID(ctx context.Context, id uint64) (*SharedResource, error) {
	tenant, master, err := s.sharedReader(ctx)
	if err != nil {
		return nil, err
	}
	if tenant == master.ID {
		return nil, ErrNotFound
	}
	var r Resource
	err = s.db.Tx(AcrossTenants(ctx, "a master resource shared with the tenant"), func(tx *gorm.DB) error {
		cond, args := sharedWithTenant(tenant)
		return tx.Where("resources.id = ?", id).Where(cond, args...).Take(&r).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &SharedResource{Resource: r, SharedBy: master.Subdomain}, nil
}

// idSet is a condition "column is one of ids", the ids sent as one
// parameter whatever their number: an array on PostgreSQL, a JSON array on
// SQLite.
func (s *Store) idSet(column string, ids []uint64) (string, any) {
	if s.postgres {
		parts := make([]string, len(ids))
		for i, id := range ids {
			parts[i] = strconv.FormatUint(id, 10)
		}
		return column + " = ANY(CAST(CAST(? AS TEXT) AS BIGINT[]))", "{" + strings.Join(parts, ",") + "}"
	}
	b, _ := json.Marshal(ids)
	if ids == nil {
		b = []byte("[]")
	}
	return column + " IN (SELECT value FROM json_each(?))", string(b)
}

// textSet is idSet for text values.
func (s *Store) textSet(column string, values []string) (string, any) {
	if values == nil {
		values = []string{}
	}
	b, _ := json.Marshal(values)
	if s.postgres {
		return column + " IN (SELECT json_array_elements_text(CAST(? AS JSON)))", string(b)
	}
	return column + " IN (SELECT value FROM json_each(?))", string(b)
}

// seersSQL is every subtenant that sees master resource ? (given twice) as
// things stand, with why: assigned, or public and its tenant role grants it
// (granted) or all master resources (all).
const seersSQL = `SELECT t.id AS tenant_id, t.subdomain, t.name, 'assigned' AS reason, '' AS tenant_role
FROM resource_assignments a JOIN tenants t ON t.id = a.tenant_id JOIN resources r ON r.id = a.resource_id
WHERE a.resource_id = ? AND r.visibility = 'assigned' AND NOT t.is_master
UNION ALL
SELECT t.id AS tenant_id, t.subdomain, t.name, CASE WHEN tr.all_master_resources THEN 'all' ELSE 'granted' END AS reason, tr.name AS tenant_role
FROM resources r JOIN tenant_roles tr ON tr.all_master_resources
	OR EXISTS (SELECT 1 FROM tenant_role_resources g WHERE g.tenant_role_id = tr.id AND g.resource_id = r.id)
JOIN tenants t ON t.tenant_role_id = tr.id
WHERE r.id = ? AND r.visibility = 'public' AND NOT t.is_master`

// Why a tenant sees a master resource.
const (
	SeenAssigned = "assigned" // assigned to it
	SeenGranted  = "granted"  // public, and its tenant role grants it
	SeenAll      = "all"      // public, and its tenant role grants all master resources
)

// Seer is one tenant that sees a master resource, and why.
type Seer struct {
	TenantID   uint64
	Subdomain  string
	Name       string
	Reason     string // SeenAssigned, SeenGranted or SeenAll
	TenantRole string // for SeenGranted and SeenAll
}

// SeerGroup is how many tenants see a resource for one reason.
type SeerGroup struct {
	Reason     string
	TenantRole string
	Tenants    int64
}

// Seers is "who can see this": the reasons with their counts, and one page
// of the tenants.
type Seers struct {
	Groups []SeerGroup
	Page[Seer]
}

// masterResource is the master's resource id, read in tx (across tenants),
// locked for the change when lock is set; a subtenant's id is not found.
func (s *Store) masterResource(tx *gorm.DB, masterID, id uint64, lock bool) (*Resource, error) {
	var r Resource
	q := tx
	if lock && s.postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ? AND tenant_id = ?", id, masterID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &r, err
}

// WhoCanSee lists the subtenants that see master resource id and why, by
// reason with counts, and a page of them (q's search on subdomain and name).
// Master users with resources: read.
func (s *Store) WhoCanSee(ctx context.Context, id uint64, q ListQuery) (*Seers, error) {
	q = q.normalize(sortColumns{columns: map[string]string{"subdomain": "subdomain"}, def: "subdomain"})
	master, err := s.masterActing(ctx, FeatureResources, LevelRead)
	if err != nil {
		return nil, err
	}
	out := &Seers{Page: Page[Seer]{Query: q}}
	err = s.db.Tx(AcrossTenants(ctx, "who can see a master resource"), func(tx *gorm.DB) error {
		if _, err := s.masterResource(tx, master.ID, id, false); err != nil {
			return err
		}
		if err := tx.Raw(`SELECT reason, tenant_role, count(*) AS tenants FROM (`+seersSQL+`) s
GROUP BY reason, tenant_role ORDER BY reason, tenant_role`, id, id).Scan(&out.Groups).Error; err != nil {
			return err
		}
		where, args := "", []any{id, id}
		if q.Search != "" {
			p := likePattern(q.Search)
			where = ` WHERE lower(subdomain) LIKE ? ESCAPE '\' OR lower(name) LIKE ? ESCAPE '\'`
			args = append(args, p, p)
		}
		if err := tx.Raw(`SELECT count(*) FROM (`+seersSQL+`) s`+where, args...).Scan(&out.Total).Error; err != nil {
			return err
		}
		return tx.Raw(`SELECT * FROM (`+seersSQL+`) s`+where+` ORDER BY subdomain LIMIT ? OFFSET ?`,
			append(args, q.PerPage, q.offset())...).Scan(&out.Rows).Error
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// seerIDs is the set of subtenants that see master resource id now.
func (s *Store) seerIDs(tx *gorm.DB, id uint64) (map[uint64]bool, error) {
	var ids []uint64
	if err := tx.Raw(`SELECT DISTINCT tenant_id FROM (`+seersSQL+`) s`, id, id).Scan(&ids).Error; err != nil {
		return nil, err
	}
	set := make(map[uint64]bool, len(ids))
	for _, i := range ids {
		set[i] = true
	}
	return set, nil
}

// seerIDsIf is the set of subtenants that would see master resource id with
// visibility and the tenants of subdomains assigned (when assigned): a
// public one keeps the grants it has.
func (s *Store) seerIDsIf(tx *gorm.DB, id uint64, visibility string, tenantIDs []uint64) (map[uint64]bool, error) {
	var ids []uint64
	switch visibility {
	case VisibilityAssigned:
		ids = tenantIDs
	case VisibilityPublic:
		if err := tx.Raw(`SELECT t.id FROM tenants t JOIN tenant_roles tr ON tr.id = t.tenant_role_id
WHERE NOT t.is_master AND (tr.all_master_resources OR EXISTS (SELECT 1 FROM tenant_role_resources g WHERE g.tenant_role_id = tr.id AND g.resource_id = ?))`, id).Scan(&ids).Error; err != nil {
			return nil, err
		}
	}
	set := make(map[uint64]bool, len(ids))
	for _, i := range ids {
		set[i] = true
	}
	return set, nil
}

// diffSets is what after has that before has not (gained), and the reverse.
func diffSets(before, after map[uint64]bool) (gained, lost []uint64) {
	for id := range after {
		if !before[id] {
			gained = append(gained, id)
		}
	}
	for id := range before {
		if !after[id] {
			lost = append(lost, id)
		}
	}
	slices.Sort(gained)
	slices.Sort(lost)
	return gained, lost
}

// SharingChange is how many tenants gain and lose a resource (or some of a
// tenant role's), before saving (a preview) or after.
type SharingChange struct {
	Gain, Lose int64
}

// maxAssigned bounds the tenants one resource is assigned to in one change.
const maxAssigned = 20000

// assignedTenants resolves subdomains to subtenants' ids, every one of
// which must exist and not be the master.
func (s *Store) assignedTenants(tx *gorm.DB, visibility string, subdomains []string) ([]uint64, error) {
	switch visibility {
	case VisibilityPrivate, VisibilityPublic:
		return nil, nil
	case VisibilityAssigned:
	default:
		return nil, &ValidationError{Fields: map[string]string{"visibility": "Choose private, public or assigned."}}
	}
	want := map[string]bool{}
	for _, sub := range subdomains {
		if sub = strings.ToLower(strings.TrimSpace(sub)); sub != "" {
			want[sub] = true
		}
	}
	if len(want) == 0 {
		return nil, &ValidationError{Fields: map[string]string{"tenants": "Choose at least one tenant to assign it to."}}
	}
	if len(want) > maxAssigned {
		return nil, &ValidationError{Fields: map[string]string{"tenants": fmt.Sprintf("Assign it to at most %d tenants at once.", maxAssigned)}}
	}
	subs := make([]string, 0, len(want))
	for sub := range want {
		subs = append(subs, sub)
	}
	slices.Sort(subs)
	cond, arg := s.textSet("subdomain", subs)
	var found []Tenant
	if err := tx.Select("id", "subdomain").Where("NOT is_master").Where(cond, arg).Find(&found).Error; err != nil {
		return nil, err
	}
	if len(found) != len(subs) {
		have := map[string]bool{}
		for _, t := range found {
			have[t.Subdomain] = true
		}
		var missing []string
		for _, sub := range subs {
			if !have[sub] {
				missing = append(missing, sub)
			}
		}
		return nil, &ValidationError{Fields: map[string]string{"tenants": "No subtenant " + strings.Join(missing, ", ") + "."}}
	}
	ids := make([]uint64, len(found))
	for i, t := range found {
		ids[i] = t.ID
	}
	return ids, nil
}

// PreviewVisibility says how many subtenants would gain and lose master
// resource id if its visibility became visibility, assigned to subdomains.
func (s *Store) PreviewVisibility(ctx context.Context, id uint64, visibility string, subdomains []string) (SharingChange, error) {
	var ch SharingChange
	master, err := s.masterActing(ctx, FeatureResources, LevelRead)
	if err != nil {
		return ch, err
	}
	err = s.db.Tx(AcrossTenants(ctx, "preview a master resource's sharing"), func(tx *gorm.DB) error {
		if _, err := s.masterResource(tx, master.ID, id, false); err != nil {
			return err
		}
		ids, err := s.assignedTenants(tx, visibility, subdomains)
		if err != nil {
			return err
		}
		before, err := s.seerIDs(tx, id)
		if err != nil {
			return err
		}
		after, err := s.seerIDsIf(tx, id, visibility, ids)
		if err != nil {
			return err
		}
		gained, lost := diffSets(before, after)
		ch = SharingChange{Gain: int64(len(gained)), Lose: int64(len(lost))}
		return nil
	})
	return ch, err
}

// SetResourceVisibility makes master resource id private, public or
// assigned to the subtenants of subdomains (replacing its assignments).
// Master users with resources: full; a subtenant's resource is not found.
// A resource no longer public loses its tenant roles' grants, one no longer
// assigned its assignments. The master's log tells the change, and each
// tenant that gains or loses it is told in its own.
func (s *Store) SetResourceVisibility(ctx context.Context, id uint64, visibility string, subdomains []string) (SharingChange, error) {
	var ch SharingChange
	master, err := s.masterActing(ctx, FeatureResources, LevelFull)
	if err != nil {
		return ch, err
	}
	err = s.db.Tx(AcrossTenants(ctx, "share a master resource"), func(tx *gorm.DB) error {
		r, err := s.masterResource(tx, master.ID, id, true)
		if err != nil {
			return err
		}
		ids, err := s.assignedTenants(tx, visibility, subdomains)
		if err != nil {
			return err
		}
		before, err := s.seerIDs(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Model(&Resource{}).Where("id = ? AND tenant_id = ?", id, master.ID).
			Updates(map[string]any{"visibility": visibility, "updated_at": s.now(), "version": gorm.Expr("version + 1")}).Error; err != nil {
			return err
		}
		if err := tx.Where("resource_id = ?", id).Delete(&ResourceAssignment{}).Error; err != nil {
			return err
		}
		if len(ids) > 0 {
			cond, arg := s.idSet("id", ids)
			if err := tx.Exec(`INSERT INTO resource_assignments (resource_id, tenant_id) SELECT ?, id FROM tenants WHERE NOT is_master AND `+cond, id, arg).Error; err != nil {
				return err
			}
		}
		if visibility != VisibilityPublic {
			if err := tx.Where("resource_id = ?", id).Delete(&TenantRoleResource{}).Error; err != nil {
				return err
			}
		}
		after, err := s.seerIDs(tx, id)
		if err != nil {
			return err
		}
		gained, lost := diffSets(before, after)
		ch = SharingChange{Gain: int64(len(gained)), Lose: int64(len(lost))}
		if err := s.record(tx, master.ID, Event{Action: ActionResourceShare, TargetType: "resource", TargetID: r.Name, Outcome: OutcomeSuccess,
			Details: jsonDetails(map[string]any{"visibility": map[string]string{"before": r.Visibility, "after": visibility},
				"assigned": len(ids), "tenants_gained": ch.Gain, "tenants_lost": ch.Lose})}); err != nil {
			return err
		}
		return s.recordAccess(tx, gained, lost, r.Name, "visibility "+visibility)
	})
	if err != nil {
		return SharingChange{}, s.recordDeniedHere(ctx, err, Event{Action: ActionResourceShare, TargetType: "resource", TargetID: strconv.FormatUint(id, 10)})
	}
	return ch, nil
}

// recordAccess tells each tenant of gained that it now sees resource (by
// name), and each of lost that it no longer does, set-based. tx must be
// across tenants.
func (s *Store) recordAccess(tx *gorm.DB, gained, lost []uint64, resource, why string) error {
	for _, x := range []struct {
		ids    []uint64
		action string
	}{{gained, ActionResourceShared}, {lost, ActionResourceUnshared}} {
		if len(x.ids) == 0 {
			continue
		}
		cond, arg := s.idSet("id", x.ids)
		if _, err := s.recordInTenants(tx, "SELECT id AS tenant_id, '' AS target FROM tenants WHERE "+cond, []any{arg},
			Event{Action: x.action, TargetType: "resource", TargetID: resource, Outcome: OutcomeSuccess,
				Details: jsonDetails(map[string]any{"shared_by": MasterSubdomain, "why": why})}); err != nil {
			return err
		}
	}
	return nil
}

// AssignResource assigns master resource id to the subtenant subdomain too,
// making it assigned (a public one's grants go): SetResourceVisibility with
// one more tenant.
func (s *Store) AssignResource(ctx context.Context, id uint64, subdomain string) (SharingChange, error) {
	subs, err := s.assignedSubdomains(ctx, id)
	if err != nil {
		return SharingChange{}, err
	}
	return s.SetResourceVisibility(ctx, id, VisibilityAssigned, append(subs, subdomain))
}

// UnassignResource takes master resource id from the subtenant subdomain;
// a resource assigned to nobody becomes private.
func (s *Store) UnassignResource(ctx context.Context, id uint64, subdomain string) (SharingChange, error) {
	subs, err := s.assignedSubdomains(ctx, id)
	if err != nil {
		return SharingChange{}, err
	}
	subs = slices.DeleteFunc(subs, func(s string) bool { return strings.EqualFold(s, subdomain) })
	if len(subs) == 0 {
		return s.SetResourceVisibility(ctx, id, VisibilityPrivate, nil)
	}
	return s.SetResourceVisibility(ctx, id, VisibilityAssigned, subs)
}

// assignedSubdomains lists the subtenants master resource id is assigned
// to, by subdomain. Master users with resources: read.
func (s *Store) assignedSubdomains(ctx context.Context, id uint64) ([]string, error) {
	master, err := s.masterActing(ctx, FeatureResources, LevelRead)
	if err != nil {
		return nil, err
	}
	var subs []string
	err = s.db.Tx(AcrossTenants(ctx, "a master resource's assignments"), func(tx *gorm.DB) error {
		r, err := s.masterResource(tx, master.ID, id, false)
		if err != nil {
			return err
		}
		if r.Visibility != VisibilityAssigned {
			return nil
		}
		return tx.Raw(`SELECT t.subdomain FROM resource_assignments a JOIN tenants t ON t.id = a.tenant_id
WHERE a.resource_id = ? ORDER BY t.subdomain`, id).Scan(&subs).Error
	})
	return subs, err
}

// ResourceSharing is a master resource with its sharing, for its page.
type ResourceSharing struct {
	Resource
	Assigned []string // subdomains, when assigned
}

// ResourceSharingOf returns master resource id with its assignments.
// Master users with resources: read; a subtenant's id is not found.
func (s *Store) ResourceSharingOf(ctx context.Context, id uint64) (*ResourceSharing, error) {
	master, err := s.masterActing(ctx, FeatureResources, LevelRead)
	if err != nil {
		return nil, err
	}
	var out ResourceSharing
	err = s.db.Tx(AcrossTenants(ctx, "a master resource's sharing"), func(tx *gorm.DB) error {
		r, err := s.masterResource(tx, master.ID, id, false)
		if err != nil {
			return err
		}
		out.Resource = *r
		return tx.Raw(`SELECT t.subdomain FROM resource_assignments a JOIN tenants t ON t.id = a.tenant_id
WHERE a.resource_id = ? ORDER BY t.subdomain`, id).Scan(&out.Assigned).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// MasterResources lists the master's own resources by name (q's search on
// name), optionally only one visibility: for the sharing pages' lists.
// Master users with resources: read.
func (s *Store) MasterResources(ctx context.Context, visibility string, q ListQuery) (*Page[Resource], error) {
	cols := sortColumns{columns: map[string]string{"name": "lower(resources.name)"}, def: "name"}
	q = q.normalize(cols)
	master, err := s.masterActing(ctx, FeatureResources, LevelRead)
	if err != nil {
		return nil, err
	}
	page := &Page[Resource]{Query: q}
	err = s.db.InTenant(ctx, master.ID, func(tx *gorm.DB) error {
		base := tx.Model(&Resource{})
		if visibility != "" {
			base = base.Where("resources.visibility = ?", visibility)
		}
		if q.Search != "" {
			base = base.Where(`lower(resources.name) LIKE ? ESCAPE '\'`, likePattern(q.Search))
		}
		if err := base.Session(&gorm.Session{}).Count(&page.Total).Error; err != nil {
			return err
		}
		return base.Order(q.orderBy(cols, "resources.id")).Limit(q.PerPage).Offset(q.offset()).Find(&page.Rows).Error
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// TenantRoleResourceIDs is the public master resources tenant role id grants
// by name (none listed when it grants all).
func (s *Store) TenantRoleResourceIDs(ctx context.Context, id uint64) ([]uint64, error) {
	if err := requireMaster(ctx, FeatureTenants, LevelRead); err != nil {
		return nil, err
	}
	var ids []uint64
	err := s.db.Tx(AcrossTenants(ctx, "a tenant role's master resources"), func(tx *gorm.DB) error {
		return tx.Model(&TenantRoleResource{}).Where("tenant_role_id = ?", id).Order("resource_id").Pluck("resource_id", &ids).Error
	})
	return ids, err
}

// tenantRoleSees is the set of public master resources a tenant role with
// all and the grants ids gives its tenants.
func (s *Store) tenantRoleSees(tx *gorm.DB, masterID uint64, all bool, ids []uint64) (map[uint64]bool, error) {
	var got []uint64
	q := tx.Model(&Resource{}).Where("tenant_id = ? AND visibility = ?", masterID, VisibilityPublic)
	if !all {
		if len(ids) == 0 {
			return map[uint64]bool{}, nil
		}
		cond, arg := s.idSet("id", ids)
		q = q.Where(cond, arg)
	}
	if err := q.Pluck("id", &got).Error; err != nil {
		return nil, err
	}
	set := make(map[uint64]bool, len(got))
	for _, id := range got {
		set[id] = true
	}
	return set, nil
}

// TenantRolePreview is what changing a tenant role's master resources does:
// its tenants, and the resources they gain and lose (all of them gain or
// lose the same ones).
type TenantRolePreview struct {
	Tenants                        int64
	ResourcesGained, ResourcesLost int
	SharingChange                  // tenants that gain some, and lose some
}

// tenantRoleChange checks a change of tenant role tr's master resources to
// all or ids (only public master resources), in tx across tenants.
func (s *Store) tenantRoleChange(tx *gorm.DB, masterID uint64, tr *TenantRole, all bool, ids []uint64) (p TenantRolePreview, gained, lost []uint64, err error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if !all && len(ids) > 0 {
		ok, err := s.tenantRoleSees(tx, masterID, false, ids)
		if err != nil {
			return p, nil, nil, err
		}
		if len(ok) != len(ids) {
			return p, nil, nil, &ValidationError{Fields: map[string]string{"resources": "Only the master's public resources can be granted; choose among those listed."}}
		}
	}
	var before []uint64
	if err := tx.Model(&TenantRoleResource{}).Where("tenant_role_id = ?", tr.ID).Pluck("resource_id", &before).Error; err != nil {
		return p, nil, nil, err
	}
	was, err := s.tenantRoleSees(tx, masterID, tr.AllMasterResources, before)
	if err != nil {
		return p, nil, nil, err
	}
	will, err := s.tenantRoleSees(tx, masterID, all, ids)
	if err != nil {
		return p, nil, nil, err
	}
	gained, lost = diffSets(was, will)
	if err := tx.Model(&Tenant{}).Where("tenant_role_id = ? AND NOT is_master", tr.ID).Count(&p.Tenants).Error; err != nil {
		return p, nil, nil, err
	}
	p.ResourcesGained, p.ResourcesLost = len(gained), len(lost)
	if len(gained) > 0 {
		p.Gain = p.Tenants
	}
	if len(lost) > 0 {
		p.Lose = p.Tenants
	}
	return p, gained, lost, nil
}

// tenantRoleForResources loads tenant role id (locked for a change) and
// checks ctx's actor may change what it gives: master tenants: full and
// resources: full (requireMaster's), and holding at least what the tenant
// role gives, as for any change to it (nobody climbs).
func (s *Store) tenantRoleForResources(tx *gorm.DB, id uint64, lock bool) (*TenantRole, error) {
	var tr TenantRole
	q := tx
	if lock && s.postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Where("id = ?", id).Take(&tr).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return &tr, nil
}

// PreviewTenantRoleResources says what giving tenant role id all master
// resources (all) or the public ones ids would change, before saving.
func (s *Store) PreviewTenantRoleResources(ctx context.Context, id uint64, all bool, ids []uint64) (TenantRolePreview, error) {
	var p TenantRolePreview
	master, err := s.masterActing(ctx, FeatureTenants, LevelRead)
	if err != nil {
		return p, err
	}
	err = s.db.Tx(AcrossTenants(ctx, "preview a tenant role's master resources"), func(tx *gorm.DB) error {
		tr, err := s.tenantRoleForResources(tx, id, false)
		if err != nil {
			return err
		}
		p, _, _, err = s.tenantRoleChange(tx, master.ID, tr, all, ids)
		return err
	})
	return p, err
}

// SetTenantRoleResources gives tenant role id's tenants all public master
// resources, later ones included (all), or the public ones ids. Master
// users with tenants: full and resources: full who hold at least what the
// tenant role gives. The master's log tells it, and each of the tenant
// role's tenants is told which resources it gained and lost.
func (s *Store) SetTenantRoleResources(ctx context.Context, id uint64, all bool, ids []uint64) (TenantRolePreview, error) {
	var p TenantRolePreview
	master, err := s.masterActing(ctx, FeatureTenants, LevelFull)
	if err != nil {
		return p, err
	}
	if err := requireMaster(ctx, FeatureResources, LevelFull); err != nil {
		return p, err
	}
	var name string
	err = s.db.Tx(AcrossTenants(ctx, "a tenant role's master resources"), func(tx *gorm.DB) error {
		tr, err := s.tenantRoleForResources(tx, id, true)
		if err != nil {
			return err
		}
		name = tr.Name
		if err := checkTouch(ctx, "resources", tr.Permissions, "change"); err != nil {
			return err
		}
		var gained, lost []uint64
		if p, gained, lost, err = s.tenantRoleChange(tx, master.ID, tr, all, ids); err != nil {
			return err
		}
		if err := tx.Model(&TenantRole{}).Where("id = ?", id).Updates(map[string]any{
			"all_master_resources": all, "updated_at": s.now(), "version": gorm.Expr("version + 1")}).Error; err != nil {
			return err
		}
		if err := tx.Where("tenant_role_id = ?", id).Delete(&TenantRoleResource{}).Error; err != nil {
			return err
		}
		if !all && len(ids) > 0 {
			cond, arg := s.idSet("id", ids)
			if err := tx.Exec(`INSERT INTO tenant_role_resources (tenant_role_id, resource_id)
SELECT ?, id FROM resources WHERE tenant_id = ? AND visibility = ? AND `+cond, id, master.ID, VisibilityPublic, arg).Error; err != nil {
				return err
			}
		}
		names := func(ids []uint64) ([]string, error) {
			var out []string
			if len(ids) == 0 {
				return []string{}, nil
			}
			cond, arg := s.idSet("id", ids[:min(len(ids), 100)])
			err := tx.Model(&Resource{}).Where(cond, arg).Order("lower(name)").Pluck("name", &out).Error
			return out, err
		}
		gainedNames, err := names(gained)
		if err != nil {
			return err
		}
		lostNames, err := names(lost)
		if err != nil {
			return err
		}
		details := jsonDetails(map[string]any{"all_master_resources": map[string]bool{"before": tr.AllMasterResources, "after": all},
			"gained": gainedNames, "lost": lostNames, "resources_gained": len(gained), "resources_lost": len(lost)})
		if err := s.record(tx, master.ID, Event{Action: ActionTenantRoleResources, TargetType: "tenant_role", TargetID: tr.Name, Outcome: OutcomeSuccess, Details: details}); err != nil {
			return err
		}
		if len(gained)+len(lost) == 0 {
			return nil
		}
		_, err = s.recordInTenants(tx, "SELECT id AS tenant_id, '' AS target FROM tenants WHERE tenant_role_id = ? AND NOT is_master", []any{id},
			Event{Action: ActionTenantRoleResources, TargetType: "tenant_role", TargetID: tr.Name, Outcome: OutcomeSuccess, Details: details})
		return err
	})
	if err != nil {
		if name == "" {
			name = strconv.FormatUint(id, 10)
		}
		return TenantRolePreview{}, s.recordDeniedHere(ctx, err, Event{Action: ActionTenantRoleResources, TargetType: "tenant_role", TargetID: name})
	}
	return p, nil
}

// KindCount is how many resources of one kind a tenant has.
type KindCount struct {
	Kind  string
	Label string
	Count int64
}

// ResourceCountsByKind is how many resources the tenant subdomain owns, by
// kind: all the master sees of a subtenant's resources (never a name or an
// attribute). Master users with tenants: read.
func (s *Store) ResourceCountsByKind(ctx context.Context, subdomain string) ([]KindCount, error) {
	if err := requireMaster(ctx, FeatureTenants, LevelRead); err != nil {
		return nil, err
	}
	t, err := s.TenantBySubdomain(ctx, subdomain)
	if err != nil {
		return nil, err
	}
	var out []KindCount
	err = s.db.Tx(AcrossTenants(ctx, "a tenant's resources by kind"), func(tx *gorm.DB) error {
		return tx.Raw(`SELECT r.kind AS kind, coalesce(max(k.label), r.kind) AS label, count(*) AS count
FROM resources r LEFT JOIN resource_kinds k ON k.key = r.kind
WHERE r.tenant_id = ? GROUP BY r.kind ORDER BY r.kind`, t.ID).Scan(&out).Error
	})
	return out, err
}

// SubtenantChoices is a page of subtenants by subdomain (q's search on
// subdomain and name), for assigning a master resource: subdomain and name
// only. Master users with resources: read.
func (s *Store) SubtenantChoices(ctx context.Context, q ListQuery) (*Page[Tenant], error) {
	cols := sortColumns{columns: map[string]string{"subdomain": "subdomain"}, def: "subdomain"}
	q = q.normalize(cols)
	if err := requireMaster(ctx, FeatureResources, LevelRead); err != nil {
		return nil, err
	}
	page := &Page[Tenant]{Query: q}
	err := s.db.Tx(AcrossTenants(ctx, "subtenants to assign a resource to"), func(tx *gorm.DB) error {
		base := tx.Model(&Tenant{}).Where("NOT is_master")
		if q.Search != "" {
			p := likePattern(q.Search)
			base = base.Where(`(subdomain LIKE ? ESCAPE '\' OR lower(name) LIKE ? ESCAPE '\')`, p, p)
		}
		if err := base.Session(&gorm.Session{}).Count(&page.Total).Error; err != nil {
			return err
		}
		return base.Select("id", "subdomain", "name").Order(q.orderBy(cols, "id")).Limit(q.PerPage).Offset(q.offset()).Find(&page.Rows).Error
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}
