package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AdminRoleName is the full-rights role every tenant starts with.
const AdminRoleName = "Administrator"

// Role is a tenant's user role: a level per feature. In the master tenant a
// role may be a multi-tenant template; its copies in subtenants point at it
// with TemplateID and follow its edits while Linked.
type Role struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64
	Name        string
	Description string
	Permissions Permissions `gorm:"type:text"`
	// NameSkeleton is Name's confusable skeleton (nameSkeleton), set on create.
	NameSkeleton string `json:"-"`
	Multitenant  bool
	TemplateID   *uint64
	Linked       bool
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// NewRole is what creating a user role needs. Multitenant makes a master
// role a template, copied into every subtenant.
type NewRole struct {
	Name        string
	Description string
	Permissions Permissions
	Multitenant bool
	// GroupLevels is the level the role gives on some of the tenant's
	// resource groups, overriding its own resources level there.
	GroupLevels map[uint64]Level
}

// validate checks a role's or tenant role's name (the Nickname profile, no
// hidden characters; checkDisplayName) and description (free text without
// hidden characters), and puts the name in the form it is stored in.
func (n *NewRole) validate() error {
	n.Name, n.Description = strings.TrimSpace(n.Name), strings.TrimSpace(n.Description)
	f := fieldErrors{}
	n.Name = checkDisplayName(f, "name", "This name", n.Name, "Enter a name.", 100)
	checkFreeText(f, "description", "This description", n.Description, 2000)
	return f.err()
}

// roleNameClash refuses a role name that looks like another of the
// context tenant's roles (other than except), under the tenant's user lock,
// so two parallel creates of look-alikes cannot both pass.
func (s *Store) roleNameClash(tx *gorm.DB, name string, except uint64) error {
	if _, _, err := s.lockUsers(tx); err != nil {
		return err
	}
	return lookAlikeRole(tx, &Role{}, "role", name, except)
}

// RoleOrigin says where a role comes from, as the roles page shows it.
func (r *Role) Origin() string {
	switch {
	case r.Multitenant:
		return "template"
	case r.TemplateID != nil && r.Linked:
		return "linked"
	case r.TemplateID != nil:
		return "detached"
	}
	return "own"
}

// RoleRow is one line of the roles page.
type RoleRow struct {
	Role
	Users    int64
	Template string // the template's name, for a copy
}

// Roles lists the context tenant's user roles by name, each with the number
// of users holding it.
func (s *Store) Roles(ctx context.Context) ([]RoleRow, error) {
	var rows []RoleRow
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var roles []Role
		if err := tx.Order("lower(name), id").Find(&roles).Error; err != nil {
			return err
		}
		var counts []struct {
			RoleID uint64
			N      int64
		}
		if err := tx.Model(&User{}).Select("role_id, count(*) AS n").Where("role_id IS NOT NULL").Group("role_id").Scan(&counts).Error; err != nil {
			return err
		}
		held := map[uint64]int64{}
		for _, c := range counts {
			held[c.RoleID] = c.N
		}
		for _, r := range roles {
			rows = append(rows, RoleRow{Role: r, Users: held[r.ID]})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The templates live in the master tenant; their names are read with the
	// registry rule (a name only), not through this tenant's scope.
	return rows, s.nameTemplates(ctx, rows)
}

func (s *Store) nameTemplates(ctx context.Context, rows []RoleRow) error {
	var ids []uint64
	for _, r := range rows {
		if r.TemplateID != nil {
			ids = append(ids, *r.TemplateID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var names []struct {
		ID   uint64
		Name string
	}
	err := s.db.Tx(AcrossTenants(ctx, "name the templates a tenant's roles were copied from"), func(tx *gorm.DB) error {
		return tx.Model(&Role{}).Select("id, name").Where("id IN ? AND multitenant", ids).Scan(&names).Error
	})
	byID := map[uint64]string{}
	for _, n := range names {
		byID[n.ID] = n.Name
	}
	for i := range rows {
		if rows[i].TemplateID != nil {
			rows[i].Template = byID[*rows[i].TemplateID]
		}
	}
	return err
}

// RoleDetail returns one of the context tenant's roles as the roles page
// shows it: with the number of users holding it and its template's name.
func (s *Store) RoleDetail(ctx context.Context, id uint64) (*RoleRow, error) {
	var row RoleRow
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&row.Role).Error; err != nil {
			return err
		}
		return tx.Model(&User{}).Where("role_id = ?", id).Count(&row.Users).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows := []RoleRow{row}
	if err := s.nameTemplates(ctx, rows); err != nil {
		return nil, err
	}
	return &rows[0], nil
}

// Role returns one of the context tenant's roles.
func (s *Store) Role(ctx context.Context, id uint64) (*Role, error) {
	var r Role
	err := s.db.Tx(ctx, func(tx *gorm.DB) error { return tx.Where("id = ?", id).Take(&r).Error })
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &r, err
}

// CreateRole adds a user role to the context's tenant. A multi-tenant role
// (master only) is copied, linked, into every subtenant that has no role of
// that name, by one statement; its audit event says how many.
func (s *Store) CreateRole(ctx context.Context, n NewRole) (*Role, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	if n.Multitenant {
		if err := requireMaster(ctx, FeatureRoles, LevelFull); err != nil {
			return nil, err
		}
	}
	if err := requireLevel(ctx, FeatureRoles, LevelFull); err != nil {
		return nil, err
	}
	if raisesMasterOnly(Permissions{}, n.Permissions) {
		if err := s.db.Tx(ctx, func(tx *gorm.DB) error { return masterOnlyRaised(tx, ctx, Permissions{}, n.Permissions) }); err != nil {
			return nil, err
		}
	}
	if err := checkLevels(ctx, Permissions{}, n.Permissions); err != nil {
		return nil, s.recordDeniedHere(ctx, err, Event{Action: ActionRoleCreate, TargetType: "role", TargetID: n.Name})
	}
	now := s.now()
	r := &Role{Name: n.Name, Description: n.Description, Permissions: n.Permissions.cleaned(), Multitenant: n.Multitenant, Version: 1, CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.roleNameClash(tx, r.Name, 0); err != nil {
			return err
		}
		if err := tx.Create(r).Error; err != nil {
			if isUniqueViolation(err) {
				return &ValidationError{Fields: map[string]string{"name": "A role with this name exists."}}
			}
			return err
		}
		changes := append(permissionChanges(Permissions{}, r.Permissions), change{"name", "", r.Name})
		groups, err := s.newRoleGroupLevels(tx, r, n.GroupLevels)
		if err != nil {
			return err
		}
		details := changeDetails(append(changes, groups...)...)
		if r.Multitenant {
			var copies int64
			err := s.db.Across(tx, "copy a new template into every subtenant", func(tx *gorm.DB) error {
				res := tx.Exec(`
INSERT INTO roles (tenant_id, name, name_skeleton, description, permissions, multitenant, template_id, linked, version, created_at, updated_at)
SELECT t.id, ?, ?, ?, ?, FALSE, ?, TRUE, 1, ?, ?
FROM tenants t
WHERE NOT t.is_master AND NOT EXISTS (SELECT 1 FROM roles o WHERE o.tenant_id = t.id AND (lower(o.name) = lower(?) OR o.name_skeleton = ?))`,
					r.Name, r.NameSkeleton, r.Description, r.Permissions, r.ID, now, now, r.Name, r.NameSkeleton)
				if res.Error != nil {
					return res.Error
				}
				copies = res.RowsAffected
				_, err := s.recordTemplateCopies(tx, r)
				return err
			})
			if err != nil {
				return err
			}
			details = jsonDetails(map[string]any{"template": true, "copies": copies, "changes": json.RawMessage(details)})
		}
		return s.record(tx, r.TenantID, Event{Action: ActionRoleCreate, TargetType: "role", TargetID: r.Name, Outcome: OutcomeSuccess, Details: details})
	})
	if err != nil {
		return nil, s.recordDeniedHere(ctx, err, Event{Action: ActionRoleCreate, TargetType: "role", TargetID: n.Name})
	}
	return r, nil
}

// masterOnlyRaised refuses, in a subtenant, a role raising a master-only
// feature above what it held (none for a new role), whatever the tenant
// role caps: the tenants are not a subtenant's to grant. The system (the
// command line) is not refused, as no delegation check refuses it. The
// tenant is read only when such a feature is raised.
func masterOnlyRaised(tx *gorm.DB, ctx context.Context, before, after Permissions) error {
	if a, ok := ActorFrom(ctx); (ok && a.System) || !raisesMasterOnly(before, after) {
		return nil
	}
	id, _ := TenantFrom(ctx)
	var t Tenant
	if err := tx.Select("id", "is_master").Where("id = ?", id).Take(&t).Error; err != nil {
		return err
	}
	if t.IsMaster {
		return nil
	}
	fields := map[string]string{}
	for _, f := range Features {
		if f.MasterOnly() && after.Level(f) > before.Level(f) {
			fields[PermissionField(f)] = f.Label() + " is for the master tenant only: a subtenant's role cannot grant it."
		}
	}
	return &ValidationError{Fields: fields}
}

func raisesMasterOnly(before, after Permissions) bool {
	for _, f := range Features {
		if f.MasterOnly() && after.Level(f) > before.Level(f) {
			return true
		}
	}
	return false
}

// RoleChanges is what editing a role may change.
type RoleChanges struct {
	Name        string
	Description string
	Permissions Permissions
}

// RoleUpdate says what an edit did beyond the role itself.
type RoleUpdate struct {
	Detached   bool  // a linked copy stopped following its template
	Propagated int64 // linked copies a template's edit rewrote
}

// UpdateRole edits one of the context tenant's roles at version, the one the
// editor read. Editing a linked copy detaches it for good. Editing a template
// rewrites every still-linked copy with one statement; a new name that a
// subtenant holding a linked copy already uses for another role is refused,
// naming how many.
func (s *Store) UpdateRole(ctx context.Context, id uint64, version int, ch RoleChanges) (*Role, RoleUpdate, error) {
	n := NewRole{Name: ch.Name, Description: ch.Description}
	if err := n.validate(); err != nil {
		return nil, RoleUpdate{}, err
	}
	ch.Name, ch.Description, ch.Permissions = n.Name, n.Description, ch.Permissions.cleaned()
	var (
		r   Role
		out RoleUpdate
	)
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return err
		}
		if r.Version != version {
			return ErrConflict
		}
		if r.Multitenant {
			if err := requireMaster(ctx, FeatureRoles, LevelFull); err != nil {
				return err
			}
		}
		if err := s.checkRoleTouch(tx, ctx, &r, "edit"); err != nil {
			return err
		}
		if err := masterOnlyRaised(tx, ctx, r.Permissions, ch.Permissions); err != nil {
			return err
		}
		if err := checkLevels(ctx, r.Permissions, ch.Permissions); err != nil {
			return err
		}
		if err := s.groupsKeepWithin(tx, &r, ch.Permissions.Level(FeatureResources)); err != nil {
			return err
		}
		if err := s.keepAdminsForRole(tx, &r, ch.Permissions); err != nil {
			return err
		}
		if r.Name != ch.Name {
			if err := s.roleNameClash(tx, ch.Name, r.ID); err != nil {
				return err
			}
		}
		before := r
		updates := map[string]any{"name": ch.Name, "name_skeleton": nameSkeleton(ch.Name), "description": ch.Description, "permissions": ch.Permissions,
			"updated_at": s.now(), "version": gorm.Expr("version + 1")}
		if r.Linked {
			updates["linked"] = false
			out.Detached = true
		}
		res := tx.Model(&Role{}).Where("id = ? AND version = ?", id, version).Updates(updates)
		if res.Error != nil {
			if isUniqueViolation(res.Error) {
				return &ValidationError{Fields: map[string]string{"name": "A role with this name exists."}}
			}
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		r.Name, r.Description, r.Permissions, r.Version, r.Linked = ch.Name, ch.Description, ch.Permissions, version+1, false
		changes := append([]change{{"name", before.Name, r.Name}, {"description", before.Description, r.Description}},
			permissionChanges(before.Permissions, r.Permissions)...)
		if out.Detached {
			changes = append(changes, change{"linked", true, false})
		}
		if r.Multitenant {
			err := s.db.Across(tx, "rewrite a template's linked copies", func(tx *gorm.DB) error {
				n, err := s.propagate(tx, &r)
				out.Propagated = n
				if err != nil {
					return err
				}
				_, err = s.recordTemplatePropagated(tx, &before, &r)
				return err
			})
			if err != nil {
				return err
			}
			changes = append(changes, change{"linked_copies_rewritten", nil, out.Propagated})
		}
		return s.record(tx, r.TenantID, Event{Action: ActionRoleUpdate, TargetType: "role", TargetID: r.Name, Outcome: OutcomeSuccess, Details: changeDetails(changes...)})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, out, ErrNotFound
	}
	if err != nil {
		return nil, RoleUpdate{}, s.recordDeniedHere(ctx, err, Event{Action: ActionRoleUpdate, TargetType: "role", TargetID: r.Name})
	}
	return &r, out, nil
}

// propagate rewrites every linked copy of template t in one statement, after
// checking in one more that no subtenant holding a linked copy has another
// role of t's name.
func (s *Store) propagate(tx *gorm.DB, t *Role) (int64, error) {
	// Only a tenant holding a linked copy is renamed; one without (it never
	// got a copy, or detached or deleted it) keeps its own names.
	var clashes int64
	skeleton := nameSkeleton(t.Name)
	err := tx.Raw(`SELECT count(*) FROM roles o WHERE (lower(o.name) = lower(?) OR o.name_skeleton = ?) AND o.tenant_id <> ?
		AND NOT (o.template_id IS NOT NULL AND o.template_id = ? AND o.linked)
		AND EXISTS (SELECT 1 FROM roles c WHERE c.tenant_id = o.tenant_id AND c.template_id = ? AND c.linked)`,
		t.Name, skeleton, t.TenantID, t.ID, t.ID).Scan(&clashes).Error
	if err != nil {
		return 0, err
	}
	if clashes > 0 {
		return 0, &ValidationError{Fields: map[string]string{"name": fmt.Sprintf(
			"%d subtenant(s) already have another role named %q; choose another name.", clashes, t.Name)}}
	}
	res := tx.Exec(`UPDATE roles SET name = ?, name_skeleton = ?, description = ?, permissions = ?, version = version + 1, updated_at = ?
		WHERE template_id = ? AND linked`, t.Name, skeleton, t.Description, t.Permissions, s.now(), t.ID)
	return res.RowsAffected, res.Error
}

// DeleteRole removes one of the context tenant's roles, if no user holds it.
// A template's copies stay in their tenants as their own roles.
func (s *Store) DeleteRole(ctx context.Context, id uint64) error {
	var r Role
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return err
		}
		if err := s.checkRoleTouch(tx, ctx, &r, "delete"); err != nil {
			return err
		}
		var held int64
		if err := tx.Model(&User{}).Where("role_id = ?", id).Count(&held).Error; err != nil {
			return err
		}
		if held > 0 {
			return &ValidationError{Fields: map[string]string{"role": fmt.Sprintf("%d user(s) have this role; give them another role first.", held)}}
		}
		if r.Multitenant {
			if err := requireMaster(ctx, FeatureRoles, LevelFull); err != nil {
				return err
			}
			if err := s.db.Across(tx, "release a deleted template's copies", func(tx *gorm.DB) error {
				if _, err := s.recordTemplateReleased(tx, &r); err != nil {
					return err
				}
				return tx.Exec("UPDATE roles SET template_id = NULL, linked = FALSE WHERE template_id = ?", r.ID).Error
			}); err != nil {
				return err
			}
		}
		if err := tx.Delete(&Role{}, r.ID).Error; err != nil {
			return err
		}
		return s.record(tx, r.TenantID, Event{Action: ActionRoleDelete, TargetType: "role", TargetID: r.Name, Outcome: OutcomeSuccess,
			Details: changeDetails(append(permissionChanges(r.Permissions, Permissions{}), change{"name", r.Name, ""})...)})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return s.recordDeniedHere(ctx, err, Event{Action: ActionRoleDelete, TargetType: "role", TargetID: r.Name})
}

// checkRoleTouch refuses editing or deleting (what) role r to whoever holds
// it (a climb, or a lock-out: another admin does it) and to whoever holds
// less than it gives in its tenant.
func (s *Store) checkRoleTouch(tx *gorm.DB, ctx context.Context, r *Role, what string) error {
	if err := requireLevel(ctx, FeatureRoles, LevelFull); err != nil {
		return err
	}
	field := ""
	if what == "delete" {
		field = "role"
	}
	if holds(ctx, r) {
		return denied(field, "You hold this role, so you cannot "+what+" it: another administrator does it.")
	}
	var t Tenant
	if err := tx.Where("id = ?", r.TenantID).Take(&t).Error; err != nil {
		return err
	}
	cap, capped, err := capOf(tx, &t)
	if err != nil {
		return err
	}
	return checkTouch(ctx, field, givesIn(r.Permissions, cap, capped), what)
}

// RoleImpact previews an edit of one of the context tenant's roles: how many
// users hold it, how many of them would gain or lose an effective right with
// perms, and, for a template, how many linked copies (and their holders) follow
// and how many of those holders' effective rights change under their own
// tenants' caps.
type RoleImpact struct {
	Holders       int64
	Changed       int64 // holders whose effective rights would change
	LinkedCopies  int64
	CopyHolders   int64
	CopyChanged   int64 // holders of linked copies whose effective rights would change
	ChangedLevels []LevelChange
}

// LevelChange is one feature whose level an edit changes.
type LevelChange struct {
	Feature       Feature
	Before, After Level
}

// LevelChanges lists, in catalogue order, the features whose level differs
// between before and after.
func LevelChanges(before, after Permissions) []LevelChange {
	var out []LevelChange
	for _, f := range Features {
		if before.Level(f) != after.Level(f) {
			out = append(out, LevelChange{f, before.Level(f), after.Level(f)})
		}
	}
	return out
}

// PreviewRole computes the RoleImpact of giving role id the permissions perms.
func (s *Store) PreviewRole(ctx context.Context, id uint64, perms Permissions) (RoleImpact, error) {
	var im RoleImpact
	var r Role
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return err
		}
		return tx.Model(&User{}).Where("role_id = ?", id).Count(&im.Holders).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return im, ErrNotFound
	}
	if err != nil {
		return im, err
	}
	perms = perms.cleaned()
	im.ChangedLevels = LevelChanges(r.Permissions, perms)
	capped, cap, err := s.tenantCap(ctx, r.TenantID)
	if err != nil {
		return im, err
	}
	if !capped || !equalPermissions(r.Permissions.Capped(cap), perms.Capped(cap)) {
		im.Changed = im.Holders
	}
	if !capped && len(im.ChangedLevels) == 0 {
		im.Changed = 0
	}
	if !r.Multitenant {
		return im, nil
	}
	// The copies' holders, grouped by their tenant's cap: few distinct caps,
	// whatever the number of users. A tenant without a tenant role caps at
	// nothing, so its holders never change.
	var groups []struct {
		Permissions Permissions `gorm:"type:text"`
		N           int64
	}
	err = s.db.Tx(AcrossTenants(ctx, "count a template's linked copies and their holders"), func(tx *gorm.DB) error {
		if err := tx.Model(&Role{}).Where("template_id = ? AND linked", id).Count(&im.LinkedCopies).Error; err != nil {
			return err
		}
		return tx.Model(&User{}).Select("tenant_roles.permissions AS permissions, count(*) AS n").
			Joins("JOIN roles ON roles.tenant_id = users.tenant_id AND roles.id = users.role_id").
			Joins("JOIN tenants ON tenants.id = users.tenant_id").
			Joins("LEFT JOIN tenant_roles ON tenant_roles.id = tenants.tenant_role_id").
			Where("roles.template_id = ? AND roles.linked", id).Group("tenant_roles.permissions").Scan(&groups).Error
	})
	for _, g := range groups {
		im.CopyHolders += g.N
		if !equalPermissions(r.Permissions.Capped(g.Permissions), perms.Capped(g.Permissions)) {
			im.CopyChanged += g.N
		}
	}
	return im, err
}

func equalPermissions(a, b Permissions) bool {
	for _, f := range Features {
		if a.Level(f) != b.Level(f) {
			return false
		}
	}
	return true
}

// tenantCap is the cap tenant id's users are under: none for the master.
func (s *Store) tenantCap(ctx context.Context, tenantID uint64) (capped bool, cap Permissions, err error) {
	db := s.db.Registry(ctx)
	var t Tenant
	if err := db.Where("id = ?", tenantID).Take(&t).Error; err != nil {
		return false, nil, err
	}
	cap, capped, err = capOf(db, &t)
	return capped, cap, err
}

// seedTemplates copies every master template, linked, into tenant t (which
// may already have roles; a template whose name it uses is skipped) in one
// statement. tx must be across tenants.
func (s *Store) seedTemplates(tx *gorm.DB, tenantID uint64) error {
	now := s.now()
	return tx.Exec(`
INSERT INTO roles (tenant_id, name, name_skeleton, description, permissions, multitenant, template_id, linked, version, created_at, updated_at)
SELECT ?, m.name, m.name_skeleton, m.description, m.permissions, FALSE, m.id, TRUE, 1, ?, ?
FROM roles m JOIN tenants mt ON mt.id = m.tenant_id AND mt.is_master
WHERE m.multitenant AND NOT EXISTS (SELECT 1 FROM roles o WHERE o.tenant_id = ? AND (lower(o.name) = lower(m.name) OR o.name_skeleton = m.name_skeleton))`,
		tenantID, now, now, tenantID).Error
}
