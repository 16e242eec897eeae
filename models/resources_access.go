package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// A role gives resources at its own level (Permissions[resources]) and, per
// group, at a level that overrides it (role_group_levels); a subtenant's
// tenant role caps both, and while impersonated, so does the impersonator.
// Whoever has none on a group does not see it, nor its resources.

// resourceAccess is the actor's resources level on ungrouped resources
// (def) and on the groups their role overrides (over).
type resourceAccess struct {
	all  bool
	def  Level
	over map[uint64]Level
}

// level is the actor's level on a resource in group g (nil: none).
func (a resourceAccess) level(g *uint64) Level {
	if a.all {
		return LevelFull
	}
	if g != nil {
		if l, ok := a.over[*g]; ok {
			return l
		}
	}
	return a.def
}

// groupIDs are the overridden groups whose level is (seen) or is not at
// least read.
func (a resourceAccess) groupIDs(seen bool) []uint64 {
	var ids []uint64
	for id, l := range a.over {
		if (l >= LevelRead) == seen {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// readable confines a query of resources to those the actor may read.
func (a resourceAccess) readable(db *gorm.DB) *gorm.DB {
	if a.all {
		return db
	}
	if a.def >= LevelRead {
		if hidden := a.groupIDs(false); len(hidden) > 0 {
			return db.Where("(resources.group_id IS NULL OR resources.group_id NOT IN ?)", hidden)
		}
		return db
	}
	if seen := a.groupIDs(true); len(seen) > 0 {
		return db.Where("resources.group_id IN ?", seen)
	}
	return db.Where("1 = 0")
}

// readableGroups confines a query of groups to those the actor may see.
func (a resourceAccess) readableGroups(db *gorm.DB) *gorm.DB {
	if a.all {
		return db
	}
	if a.def >= LevelRead {
		if hidden := a.groupIDs(false); len(hidden) > 0 {
			return db.Where("resource_groups.id NOT IN ?", hidden)
		}
		return db
	}
	if seen := a.groupIDs(true); len(seen) > 0 {
		return db.Where("resource_groups.id IN ?", seen)
	}
	return db.Where("1 = 0")
}

// resourceAccessHere is resourceAccess in the context's tenant.
func (s *Store) resourceAccessHere(tx *gorm.DB) (resourceAccess, error) {
	id, ok := TenantFrom(tx.Statement.Context)
	if !ok {
		return resourceAccess{}, ErrNoTenant
	}
	var t Tenant
	if err := tx.Where("id = ?", id).Take(&t).Error; err != nil {
		return resourceAccess{}, err
	}
	return s.resourceAccess(tx, &t)
}

// resourceAccess reads the context actor's levels on tenant t's resources.
func (s *Store) resourceAccess(tx *gorm.DB, t *Tenant) (resourceAccess, error) {
	a, all, err := holder(tx.Statement.Context)
	if err != nil || all {
		return resourceAccess{all: all}, err
	}
	acc := resourceAccess{def: a.Permissions.Level(FeatureResources), over: map[uint64]Level{}}
	if a.RoleID == 0 || a.TenantID != t.ID {
		return acc, nil
	}
	levels, err := roleGroupLevels(tx, a.RoleID)
	if err != nil {
		return acc, err
	}
	cap, capped, err := capOf(tx, t)
	if err != nil {
		return acc, err
	}
	for g, l := range levels {
		if capped {
			l = min(l, cap.Level(FeatureResources))
		}
		if a.Impersonator != nil {
			l = min(l, a.Impersonator.Permissions.Level(FeatureResources))
		}
		acc.over[g] = l
	}
	return acc, nil
}

// roleGroupLevels are the group levels role id sets, by group.
func roleGroupLevels(tx *gorm.DB, role uint64) (map[uint64]Level, error) {
	var rows []RoleGroupLevel
	if err := tx.Where("role_id = ?", role).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uint64]Level, len(rows))
	for _, r := range rows {
		l, err := ParseLevel(r.Level)
		if err != nil {
			return nil, fmt.Errorf("role %d, group %d: %w", role, r.GroupID, err)
		}
		out[r.GroupID] = l
	}
	return out, nil
}

// GroupLevelField is the form field of a group's level in a role's group access.
func GroupLevelField(group uint64) string { return fmt.Sprintf("group.%d", group) }

// groupsKeepWithin refuses raising role r's own resources level to def
// where a group r sets nothing for would then get more than the context's
// actor holds on it.
func (s *Store) groupsKeepWithin(tx *gorm.DB, r *Role, def Level) error {
	if def <= r.Permissions.Level(FeatureResources) {
		return nil
	}
	set, err := roleGroupLevels(tx, r.ID)
	if err != nil {
		return err
	}
	beyond, err := s.groupsBeyond(tx, def, set, nil)
	if err != nil || len(beyond) == 0 {
		return err
	}
	msgs := make([]string, 0, len(beyond))
	for _, m := range beyond {
		msgs = append(msgs, m)
	}
	sort.Strings(msgs)
	return &ValidationError{Fields: map[string]string{PermissionField(FeatureResources): strings.Join(msgs, " ") +
		" Give that group its own level on the role's group access page first."}, Denied: true}
}

// groupsBeyond says, by group field, where a role whose own resources level
// is def and whose own group levels are set would give more than the
// context's actor holds on that group: a group the role sets nothing for
// takes the role's level, and the actor may hold less there than their own
// level. only, if not nil, limits the check to those groups.
func (s *Store) groupsBeyond(tx *gorm.DB, def Level, set map[uint64]Level, only map[uint64]bool) (map[string]string, error) {
	acc, err := s.resourceAccessHere(tx)
	if err != nil || acc.all {
		return nil, err
	}
	var groups []ResourceGroup
	if err := tx.Order("id").Find(&groups).Error; err != nil {
		return nil, err
	}
	f := map[string]string{}
	for _, g := range groups {
		if only != nil && !only[g.ID] {
			continue
		}
		l, ok := set[g.ID]
		if !ok {
			l = def
		}
		if most := acc.level(&g.ID); l > most {
			f[GroupLevelField(g.ID)] = fmt.Sprintf("You hold resources %s on %s; the role would give %s there. Set it to at most %s.", most, g.Name, l, most)
		}
	}
	return f, nil
}

// RoleGroupLevelRow is one group in a role's group access: the level the
// role sets for it (Set false: the role's own resources level applies).
type RoleGroupLevelRow struct {
	Group ResourceGroup
	Set   bool
	Level Level
}

// RoleGroupAccess lists the context tenant's groups with the level role id
// sets for each, and the role.
func (s *Store) RoleGroupAccess(ctx context.Context, id uint64) (*Role, []RoleGroupLevelRow, error) {
	if err := requireLevel(ctx, FeatureRoles, LevelRead); err != nil {
		return nil, nil, err
	}
	var (
		r    Role
		rows []RoleGroupLevelRow
	)
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return err
		}
		levels, err := roleGroupLevels(tx, r.ID)
		if err != nil {
			return err
		}
		var groups []ResourceGroup
		if err := tx.Order("lower(name), id").Find(&groups).Error; err != nil {
			return err
		}
		for _, g := range groups {
			l, set := levels[g.ID]
			rows = append(rows, RoleGroupLevelRow{Group: g, Set: set, Level: l})
		}
		return nil
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ErrNotFound
	}
	return &r, rows, err
}

// SetRoleGroupLevels sets, for role id of the context tenant, the level it
// gives on each group named in levels (nil: the role's own level applies).
// Nobody sets a group's level above what they hold on that group, unless it
// was already that high; nobody changes a role they hold or one that gives
// more than they hold.
func (s *Store) SetRoleGroupLevels(ctx context.Context, id uint64, levels map[uint64]*Level) error {
	if err := requireLevel(ctx, FeatureRoles, LevelFull); err != nil {
		return err
	}
	var r Role
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return err
		}
		if err := s.checkRoleTouch(tx, ctx, &r, "edit"); err != nil {
			return err
		}
		acc, err := s.resourceAccessHere(tx)
		if err != nil {
			return err
		}
		before, err := roleGroupLevels(tx, r.ID)
		if err != nil {
			return err
		}
		ids := make([]uint64, 0, len(levels))
		for g := range levels {
			ids = append(ids, g)
		}
		var n int64
		if err := tx.Model(&ResourceGroup{}).Where("id IN ?", ids).Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(ids) {
			return ErrNotFound
		}
		f := map[string]string{}
		var changes []change
		for _, g := range ids {
			l := levels[g]
			old, had := before[g]
			if l != nil && *l > acc.level(&g) && (!had || *l > old) {
				f[GroupLevelField(g)] = fmt.Sprintf("You hold resources %s on this group, so you can set it to at most %s.", acc.level(&g), acc.level(&g))
			}
			// Back to the role's own level, which may be more than the
			// actor holds on this group.
			if def := r.Permissions.Level(FeatureResources); l == nil && had && def > old && def > acc.level(&g) {
				f[GroupLevelField(g)] = fmt.Sprintf("The role gives resources %s, more than the %s you hold on this group: set it to at most %s.", def, acc.level(&g), acc.level(&g))
			}
			oldText, newText := "role default", "role default"
			if had {
				oldText = old.String()
			}
			if l != nil {
				newText = l.String()
			}
			changes = append(changes, change{fmt.Sprintf("group.%d", g), oldText, newText})
		}
		if len(f) > 0 {
			return &ValidationError{Fields: f, Denied: true}
		}
		for _, g := range ids {
			if err := tx.Where("role_id = ? AND group_id = ?", r.ID, g).Delete(&RoleGroupLevel{}).Error; err != nil {
				return err
			}
			if l := levels[g]; l != nil {
				if err := tx.Create(&RoleGroupLevel{RoleID: r.ID, GroupID: g, Level: l.String()}).Error; err != nil {
					return err
				}
			}
		}
		return s.record(tx, r.TenantID, Event{Action: ActionRoleGroupLevelsSave, TargetType: "role", TargetID: r.Name, Outcome: OutcomeSuccess, Details: changeDetails(changes...)})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return s.recordDeniedHere(ctx, err, Event{Action: ActionRoleGroupLevelsSave, TargetType: "role", TargetID: r.Name})
}

// GroupLevelRule is a user's level on one group and the rule that set it.
type GroupLevelRule struct {
	Group ResourceGroup
	Level Level
	Rule  string // "role default", "group override" or "tenant role cap"
}

// UserGroupLevels is, for each of the context tenant's groups, the level
// user u (role loaded, rightsOf applied: Cap, Capped) gets on it, and why.
func (s *Store) UserGroupLevels(ctx context.Context, u *User) ([]GroupLevelRule, error) {
	if err := requireLevel(ctx, FeatureUsers, LevelRead); err != nil {
		return nil, err
	}
	var out []GroupLevelRule
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var groups []ResourceGroup
		if err := tx.Order("lower(name), id").Find(&groups).Error; err != nil {
			return err
		}
		levels := map[uint64]Level{}
		if u.RoleID != nil {
			var err error
			if levels, err = roleGroupLevels(tx, *u.RoleID); err != nil {
				return err
			}
		}
		var def Level
		if u.Role != nil {
			def = u.Role.Permissions.Level(FeatureResources)
		}
		for _, g := range groups {
			rule := GroupLevelRule{Group: g, Level: def, Rule: "role default"}
			if l, ok := levels[g.ID]; ok {
				rule.Level, rule.Rule = l, "group override"
			}
			if u.Capped && u.Cap.Level(FeatureResources) < rule.Level {
				rule.Level, rule.Rule = u.Cap.Level(FeatureResources), "tenant role cap"
			}
			out = append(out, rule)
		}
		return nil
	})
	return out, err
}
