package models

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"gorm.io/gorm"
)

// Creating a user role step by step: each step of the form runs, without
// writing, the checks CreateRole runs again at the end.

// CheckRoleDetails checks a new role's name and description, and that the
// name is free in the context tenant (at this moment: CreateRole checks it
// again under the lock).
func (s *Store) CheckRoleDetails(ctx context.Context, n NewRole) error {
	if err := requireLevel(ctx, FeatureRoles, LevelFull); err != nil {
		return err
	}
	if n.Multitenant {
		if err := requireMaster(ctx, FeatureRoles, LevelFull); err != nil {
			return err
		}
	}
	if err := n.validate(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var other Role
		err := tx.Select("name").Where("lower(name) = lower(?)", n.Name).Take(&other).Error
		if err == nil {
			return &ValidationError{Fields: map[string]string{"name": "A role with this name exists."}}
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		return lookAlikeRole(tx, &Role{}, "role", n.Name, 0)
	})
}

// CheckRoleLevels checks that the context's actor may give a new role
// (named name) the levels perms: none above their own, and in a subtenant
// none of the master-only features. A climb refused is recorded, as
// CreateRole records it.
func (s *Store) CheckRoleLevels(ctx context.Context, name string, perms Permissions) error {
	if err := requireLevel(ctx, FeatureRoles, LevelFull); err != nil {
		return err
	}
	if raisesMasterOnly(Permissions{}, perms) {
		if err := s.db.Tx(ctx, func(tx *gorm.DB) error { return masterOnlyRaised(tx, ctx, Permissions{}, perms) }); err != nil {
			return err
		}
	}
	err := checkLevels(ctx, Permissions{}, perms)
	return s.recordDeniedHere(ctx, err, Event{Action: ActionRoleCreate, TargetType: "role", TargetID: name})
}

// RoleGroupChoice is one of the context tenant's resource groups as a new
// role's form offers it: Most is the highest level the actor may give there
// (what they hold on it).
type RoleGroupChoice struct {
	Group ResourceGroup
	Most  Level
}

// NewRoleGroups lists the context tenant's resource groups with the most
// the actor may give a new role on each.
func (s *Store) NewRoleGroups(ctx context.Context) ([]RoleGroupChoice, error) {
	if err := requireLevel(ctx, FeatureRoles, LevelFull); err != nil {
		return nil, err
	}
	var out []RoleGroupChoice
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		acc, err := s.resourceAccessHere(tx)
		if err != nil {
			return err
		}
		var groups []ResourceGroup
		if err := tx.Order("lower(name), id").Find(&groups).Error; err != nil {
			return err
		}
		for _, g := range groups {
			out = append(out, RoleGroupChoice{Group: g, Most: acc.level(&g.ID)})
		}
		return nil
	})
	return out, err
}

// CheckRoleGroupLevels checks that the context's actor may give a new role
// (named name) the group levels levels: each group is the tenant's, and no level is above
// what the actor holds on that group.
func (s *Store) CheckRoleGroupLevels(ctx context.Context, name string, def Level, levels map[uint64]Level) error {
	if err := requireLevel(ctx, FeatureRoles, LevelFull); err != nil {
		return err
	}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		_, err := s.checkGroupLevels(tx, def, levels)
		return err
	})
	return s.recordDeniedHere(ctx, err, Event{Action: ActionRoleCreate, TargetType: "role", TargetID: name})
}

// checkGroupLevels refuses group levels on groups that are not the context
// tenant's (not found), and a role (own resources level def) that would
// give more than the actor holds on any group, by a level set there or by
// its own where none is (denied); it returns the set groups' ids in order.
func (s *Store) checkGroupLevels(tx *gorm.DB, def Level, levels map[uint64]Level) ([]uint64, error) {
	ids := make([]uint64, 0, len(levels))
	for g := range levels {
		ids = append(ids, g)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	beyond, err := s.groupsBeyond(tx, def, levels, nil)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		if len(beyond) > 0 {
			return nil, &ValidationError{Fields: beyond, Denied: true}
		}
		return nil, nil
	}
	var n int64
	if err := tx.Model(&ResourceGroup{}).Where("id IN ?", ids).Count(&n).Error; err != nil {
		return nil, err
	}
	if int(n) != len(ids) {
		return nil, ErrNotFound
	}
	acc, err := s.resourceAccessHere(tx)
	if err != nil {
		return nil, err
	}
	f := beyond
	for _, g := range ids {
		if most := acc.level(&g); levels[g] > most {
			f[GroupLevelField(g)] = fmt.Sprintf("You hold resources %s on this group, so you can set it to at most %s.", most, most)
		}
	}
	if len(f) > 0 {
		return nil, &ValidationError{Fields: f, Denied: true}
	}
	return ids, nil
}

// newRoleGroupLevels writes new role r's group levels, checked, in tx, and
// returns them as changes for the audit event.
func (s *Store) newRoleGroupLevels(tx *gorm.DB, r *Role, levels map[uint64]Level) ([]change, error) {
	ids, err := s.checkGroupLevels(tx, r.Permissions.Level(FeatureResources), levels)
	if err != nil {
		return nil, err
	}
	var changes []change
	for _, g := range ids {
		if err := tx.Create(&RoleGroupLevel{RoleID: r.ID, GroupID: g, Level: levels[g].String()}).Error; err != nil {
			return nil, err
		}
		changes = append(changes, change{GroupLevelField(g), "role default", levels[g].String()})
	}
	return changes, nil
}

// TemplateCopies is how many subtenants would receive, linked, a copy of a
// new master template named name: those without a role of that name or one
// that looks like it.
func (s *Store) TemplateCopies(ctx context.Context, name string) (int64, error) {
	if err := requireMaster(ctx, FeatureRoles, LevelFull); err != nil {
		return 0, err
	}
	skeleton := nameSkeleton(name)
	var n int64
	err := s.db.Tx(AcrossTenants(ctx, "count the subtenants a new template is copied into"), func(tx *gorm.DB) error {
		return tx.Model(&Tenant{}).Where("NOT is_master AND NOT EXISTS (SELECT 1 FROM roles o WHERE o.tenant_id = tenants.id AND (lower(o.name) = lower(?) OR o.name_skeleton = ?))", name, skeleton).Count(&n).Error
	})
	return n, err
}

// NewRoleCap is the cap the context tenant's roles are under (capped false
// in the master).
func (s *Store) NewRoleCap(ctx context.Context) (capped bool, cap Permissions, err error) {
	id, ok := TenantFrom(ctx)
	if !ok {
		return false, nil, ErrNoTenant
	}
	return s.tenantCap(ctx, id)
}
