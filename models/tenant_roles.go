package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// TenantRole is the master's cap on a subtenant: per feature, the most any of
// the tenant's users may be given. Every subtenant has one.
type TenantRole struct {
	ID          uint64 `gorm:"primaryKey"`
	Name        string
	Description string
	Permissions Permissions `gorm:"type:text"`
	// AllMasterResources grants the tenants holding it every public master
	// resource, later ones included.
	AllMasterResources bool
	// NameSkeleton is Name's confusable skeleton (nameSkeleton), set on create.
	NameSkeleton string `json:"-"`
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TenantRoleRow is one line of the tenant roles page.
type TenantRoleRow struct {
	TenantRole
	Tenants int64
}

// TenantRoles lists every tenant role by name with the number of tenants
// holding each. Everyone may read tenant roles (a subtenant's admins see
// their cap); this list is for the master's roles page.
func (s *Store) TenantRoles(ctx context.Context) ([]TenantRoleRow, error) {
	var rows []TenantRoleRow
	err := s.db.Tx(AcrossTenants(ctx, "the master's tenant roles"), func(tx *gorm.DB) error {
		if err := requireMaster(ctx, FeatureRoles, LevelRead); err != nil {
			return err
		}
		return tx.Model(&TenantRole{}).
			Select("tenant_roles.*, (SELECT count(*) FROM tenants t WHERE t.tenant_role_id = tenant_roles.id) AS tenants").
			Order("lower(tenant_roles.name), tenant_roles.id").Scan(&rows).Error
	})
	return rows, err
}

// TenantRole returns one tenant role.
func (s *Store) TenantRole(ctx context.Context, id uint64) (*TenantRole, error) {
	var tr TenantRole
	err := s.db.Registry(ctx).Where("id = ?", id).Take(&tr).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &tr, err
}

// CreateTenantRole adds a tenant role (master, roles: full).
func (s *Store) CreateTenantRole(ctx context.Context, n NewRole) (*TenantRole, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	master, err := s.masterActing(ctx, FeatureRoles, LevelFull)
	if err != nil {
		return nil, err
	}
	if err := checkLevels(ctx, Permissions{}, n.Permissions); err != nil {
		return nil, s.recordDeniedHere(ctx, err, Event{Action: ActionTenantRoleCreate, TargetType: "tenant_role", TargetID: n.Name})
	}
	now := s.now()
	tr := &TenantRole{Name: n.Name, Description: n.Description, Permissions: n.Permissions.cleaned(), Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(AcrossTenants(ctx, "create a tenant role"), func(tx *gorm.DB) error {
		if err := lookAlikeRole(tx, &TenantRole{}, "tenant role", tr.Name, 0); err != nil {
			return err
		}
		if err := tx.Create(tr).Error; err != nil {
			if isUniqueViolation(err) {
				return &ValidationError{Fields: map[string]string{"name": "A tenant role with this name exists."}}
			}
			return err
		}
		return s.record(tx, master.ID, Event{Action: ActionTenantRoleCreate, TargetType: "tenant_role", TargetID: tr.Name, Outcome: OutcomeSuccess,
			Details: changeDetails(append(permissionChanges(Permissions{}, tr.Permissions), change{"name", "", tr.Name})...)})
	})
	if err != nil {
		return nil, err
	}
	return tr, nil
}

// UpdateTenantRole edits a tenant role at version. Its tenants' users get the
// new cap on their very next request: the session check reads it.
func (s *Store) UpdateTenantRole(ctx context.Context, id uint64, version int, ch RoleChanges) (*TenantRole, error) {
	n := NewRole{Name: ch.Name, Description: ch.Description}
	if err := n.validate(); err != nil {
		return nil, err
	}
	master, err := s.masterActing(ctx, FeatureRoles, LevelFull)
	if err != nil {
		return nil, err
	}
	var tr TenantRole
	err = s.db.Tx(AcrossTenants(ctx, "edit a tenant role"), func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&tr).Error; err != nil {
			return err
		}
		if tr.Version != version {
			return ErrConflict
		}
		if err := checkLevels(ctx, tr.Permissions, ch.Permissions); err != nil {
			return err
		}
		if err := s.keepAdminsForCap(tx, id, ch.Permissions.cleaned()); err != nil {
			return err
		}
		if tr.Name != n.Name {
			if err := lookAlikeRole(tx, &TenantRole{}, "tenant role", n.Name, tr.ID); err != nil {
				return err
			}
		}
		before := tr
		res := tx.Model(&TenantRole{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"name": n.Name, "name_skeleton": nameSkeleton(n.Name), "description": n.Description, "permissions": ch.Permissions.cleaned(),
			"updated_at": s.now(), "version": gorm.Expr("version + 1")})
		if res.Error != nil {
			if isUniqueViolation(res.Error) {
				return &ValidationError{Fields: map[string]string{"name": "A tenant role with this name exists."}}
			}
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		tr.Name, tr.Description, tr.Permissions, tr.Version = n.Name, n.Description, ch.Permissions.cleaned(), version+1
		if len(permissionChanges(before.Permissions, tr.Permissions)) > 0 {
			if _, err := s.recordCapChange(tx, &before, &tr); err != nil {
				return err
			}
		}
		return s.record(tx, master.ID, Event{Action: ActionTenantRoleUpdate, TargetType: "tenant_role", TargetID: tr.Name, Outcome: OutcomeSuccess,
			Details: changeDetails(append([]change{{"name", before.Name, tr.Name}, {"description", before.Description, tr.Description}},
				permissionChanges(before.Permissions, tr.Permissions)...)...)})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, s.recordDeniedHere(ctx, err, Event{Action: ActionTenantRoleUpdate, TargetType: "tenant_role", TargetID: tr.Name})
	}
	return &tr, nil
}

// DeleteTenantRole removes a tenant role no tenant holds, unless it is the
// last one: a new tenant must get one.
func (s *Store) DeleteTenantRole(ctx context.Context, id uint64) error {
	master, err := s.masterActing(ctx, FeatureRoles, LevelFull)
	if err != nil {
		return err
	}
	err = s.db.Tx(AcrossTenants(ctx, "delete a tenant role"), func(tx *gorm.DB) error {
		var tr TenantRole
		q := tx
		if s.postgres {
			// Locked before counting its tenants: a create or edit giving a
			// tenant this role locks it too (tenantRoleFor), so one waits.
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Where("id = ?", id).Take(&tr).Error; err != nil {
			return err
		}
		var held int64
		if err := tx.Model(&Tenant{}).Where("tenant_role_id = ?", id).Count(&held).Error; err != nil {
			return err
		}
		if held > 0 {
			return &ValidationError{Fields: map[string]string{"role": fmt.Sprintf("%d tenant(s) have this tenant role; give them another first.", held)}}
		}
		// New tenants get the first tenant role there is: keep one.
		var all int64
		if err := tx.Model(&TenantRole{}).Count(&all).Error; err != nil {
			return err
		}
		if all <= 1 {
			return &ValidationError{Fields: map[string]string{"role": "This is the only tenant role, which new tenants get; create another before deleting it."}}
		}
		if err := tx.Delete(&TenantRole{}, id).Error; err != nil {
			return err
		}
		return s.record(tx, master.ID, Event{Action: ActionTenantRoleDelete, TargetType: "tenant_role", TargetID: tr.Name, Outcome: OutcomeSuccess,
			Details: changeDetails(append(permissionChanges(tr.Permissions, Permissions{}), change{"name", tr.Name, ""})...)})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// PreviewTenantRole counts the tenants holding tenant role id and the users
// whose effective rights would change if its cap became perms.
func (s *Store) PreviewTenantRole(ctx context.Context, id uint64, perms Permissions) (tenants, changed int64, err error) {
	if err := requireMaster(ctx, FeatureRoles, LevelRead); err != nil {
		return 0, 0, err
	}
	tr, err := s.TenantRole(ctx, id)
	if err != nil {
		return 0, 0, err
	}
	perms = perms.cleaned()
	// Users are grouped by their role's stored permissions: few distinct
	// texts, whatever the number of users.
	var groups []struct {
		Permissions Permissions `gorm:"type:text"`
		N           int64
	}
	err = s.db.Tx(AcrossTenants(ctx, "preview a tenant role's edit"), func(tx *gorm.DB) error {
		if err := tx.Model(&Tenant{}).Where("tenant_role_id = ?", id).Count(&tenants).Error; err != nil {
			return err
		}
		return tx.Model(&User{}).Select("roles.permissions AS permissions, count(*) AS n").
			Joins("JOIN roles ON roles.tenant_id = users.tenant_id AND roles.id = users.role_id").
			Joins("JOIN tenants ON tenants.id = users.tenant_id").
			Where("tenants.tenant_role_id = ?", id).Group("roles.permissions").Scan(&groups).Error
	})
	for _, g := range groups {
		if !equalPermissions(g.Permissions.Capped(tr.Permissions), g.Permissions.Capped(perms)) {
			changed += g.N
		}
	}
	return tenants, changed, err
}

// defaultTenantRole is the tenant role a tenant created without naming one
// gets: the first one made (the install's "Standard").
func (s *Store) defaultTenantRole(tx *gorm.DB) (uint64, error) {
	var tr TenantRole
	if err := tx.Order("id").Take(&tr).Error; err != nil {
		return 0, fmt.Errorf("no tenant role to give the tenant: %w", err)
	}
	return tr.ID, nil
}

// CheckTenantRoleDetails checks a new tenant role's name and description,
// and that no tenant role has the name (or one that looks like it): a
// create wizard's first step. The commit checks again.
func (s *Store) CheckTenantRoleDetails(ctx context.Context, n NewRole) error {
	if _, err := s.masterActing(ctx, FeatureRoles, LevelFull); err != nil {
		return err
	}
	if err := n.validate(); err != nil {
		return err
	}
	return s.db.Tx(AcrossTenants(ctx, "check a new tenant role's name"), func(tx *gorm.DB) error {
		return lookAlikeRole(tx, &TenantRole{}, "tenant role", n.Name, 0)
	})
}

// CheckTenantRoleCaps checks that ctx's actor may create a tenant role
// capping at perms: nobody gives more than they hold.
func (s *Store) CheckTenantRoleCaps(ctx context.Context, perms Permissions) error {
	if _, err := s.masterActing(ctx, FeatureRoles, LevelFull); err != nil {
		return err
	}
	if err := checkLevels(ctx, Permissions{}, perms); err != nil {
		return s.recordDeniedHere(ctx, err, Event{Action: ActionTenantRoleCreate, TargetType: "tenant_role"})
	}
	return nil
}

// MayGrantMasterResources says whether ctx's actor may choose what a tenant
// role grants of the master's resources (tenants: full and resources: full,
// as SetTenantRoleResources needs).
func MayGrantMasterResources(ctx context.Context) bool {
	return requireMaster(ctx, FeatureTenants, LevelFull) == nil && requireMaster(ctx, FeatureResources, LevelFull) == nil
}

// checkNewTenantRoleGrants checks, in tx, that ctx's actor may give a new
// tenant role capping at perms all public master resources (all) or the
// public ones ids: SetTenantRoleResources's rules.
func (s *Store) checkNewTenantRoleGrants(ctx context.Context, tx *gorm.DB, masterID uint64, perms Permissions, all bool, ids []uint64) error {
	if !all && len(ids) == 0 {
		return nil
	}
	if !MayGrantMasterResources(ctx) {
		return denied("resources", "Granting master resources needs tenants: full and resources: full.")
	}
	if err := checkTouch(ctx, "resources", perms.cleaned(), "change"); err != nil {
		return err
	}
	if all {
		return nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	ok, err := s.tenantRoleSees(tx, masterID, false, ids)
	if err != nil {
		return err
	}
	if len(ok) != len(ids) {
		return &ValidationError{Fields: map[string]string{"resources": "Only the master's public resources can be granted; choose among those listed."}}
	}
	return nil
}

// TenantRoleDraft is what a new tenant role would grant of the master's
// resources, and how many subtenants there are that could be moved to it.
type TenantRoleDraft struct {
	Resources  []string // the names of the public master resources chosen
	Subtenants int64
}

// CheckTenantRoleGrants checks a new tenant role's master resources (all,
// or the public ones ids) under its caps perms, and says what it would
// grant: a create wizard's resources step and its review.
func (s *Store) CheckTenantRoleGrants(ctx context.Context, perms Permissions, all bool, ids []uint64) (TenantRoleDraft, error) {
	var d TenantRoleDraft
	master, err := s.masterActing(ctx, FeatureRoles, LevelFull)
	if err != nil {
		return d, err
	}
	if err := checkLevels(ctx, Permissions{}, perms); err != nil {
		return d, err
	}
	err = s.db.Tx(AcrossTenants(ctx, "check a new tenant role's master resources"), func(tx *gorm.DB) error {
		if err := s.checkNewTenantRoleGrants(ctx, tx, master.ID, perms, all, ids); err != nil {
			return err
		}
		if err := tx.Model(&Tenant{}).Where("NOT is_master").Count(&d.Subtenants).Error; err != nil {
			return err
		}
		if all || len(ids) == 0 {
			return nil
		}
		cond, arg := s.idSet("id", ids)
		return tx.Model(&Resource{}).Where("tenant_id = ? AND visibility = ?", master.ID, VisibilityPublic).Where(cond, arg).
			Order("lower(name), id").Pluck("name", &d.Resources).Error
	})
	return d, err
}

// CreateTenantRoleWithResources adds a tenant role capping at n's
// permissions that grants all public master resources, later ones included
// (all), or the public ones ids, in one transaction: CreateTenantRole's
// rules, then SetTenantRoleResources's, each audited as they are.
func (s *Store) CreateTenantRoleWithResources(ctx context.Context, n NewRole, all bool, ids []uint64) (*TenantRole, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	master, err := s.masterActing(ctx, FeatureRoles, LevelFull)
	if err != nil {
		return nil, err
	}
	if err := checkLevels(ctx, Permissions{}, n.Permissions); err != nil {
		return nil, s.recordDeniedHere(ctx, err, Event{Action: ActionTenantRoleCreate, TargetType: "tenant_role", TargetID: n.Name})
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if all {
		ids = nil
	}
	now := s.now()
	tr := &TenantRole{Name: n.Name, Description: n.Description, Permissions: n.Permissions.cleaned(), AllMasterResources: all, Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(AcrossTenants(ctx, "create a tenant role"), func(tx *gorm.DB) error {
		if err := s.checkNewTenantRoleGrants(ctx, tx, master.ID, tr.Permissions, all, ids); err != nil {
			return err
		}
		if err := lookAlikeRole(tx, &TenantRole{}, "tenant role", tr.Name, 0); err != nil {
			return err
		}
		if err := tx.Create(tr).Error; err != nil {
			if isUniqueViolation(err) {
				return &ValidationError{Fields: map[string]string{"name": "A tenant role with this name exists."}}
			}
			return err
		}
		if err := s.record(tx, master.ID, Event{Action: ActionTenantRoleCreate, TargetType: "tenant_role", TargetID: tr.Name, Outcome: OutcomeSuccess,
			Details: changeDetails(append(permissionChanges(Permissions{}, tr.Permissions), change{"name", "", tr.Name})...)}); err != nil {
			return err
		}
		if !all && len(ids) == 0 {
			return nil
		}
		var names []string
		if len(ids) > 0 {
			cond, arg := s.idSet("id", ids)
			if err := tx.Exec(`INSERT INTO tenant_role_resources (tenant_role_id, resource_id)
SELECT ?, id FROM resources WHERE tenant_id = ? AND visibility = ? AND `+cond, tr.ID, master.ID, VisibilityPublic, arg).Error; err != nil {
				return err
			}
			cond, arg = s.idSet("id", ids[:min(len(ids), 100)])
			if err := tx.Model(&Resource{}).Where(cond, arg).Order("lower(name)").Pluck("name", &names).Error; err != nil {
				return err
			}
		}
		if names == nil {
			names = []string{}
		}
		granted := len(ids)
		if all {
			seen, err := s.tenantRoleSees(tx, master.ID, true, nil)
			if err != nil {
				return err
			}
			granted = len(seen)
		}
		// No tenant holds it yet: only the master's log tells it.
		details := jsonDetails(map[string]any{"all_master_resources": map[string]bool{"before": false, "after": all},
			"gained": names, "lost": []string{}, "resources_gained": granted, "resources_lost": 0})
		return s.record(tx, master.ID, Event{Action: ActionTenantRoleResources, TargetType: "tenant_role", TargetID: tr.Name, Outcome: OutcomeSuccess, Details: details})
	})
	if err != nil {
		return nil, s.recordDeniedHere(ctx, err, Event{Action: ActionTenantRoleCreate, TargetType: "tenant_role", TargetID: tr.Name})
	}
	return tr, nil
}
