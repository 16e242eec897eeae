package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// GroupInput is what creating or editing a resource group takes.
type GroupInput struct {
	Name, Description string
}

func (in *GroupInput) check() error {
	in.Name, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	f := fieldErrors{}
	f.text("name", in.Name, "Enter a name.", 200)
	f.text("description", in.Description, "", 2000)
	return f.err()
}

// groupNameClash refuses a name another group of the tenant has, whatever its case.
func groupNameClash(tx *gorm.DB, name string, except uint64) error {
	var n int64
	if err := tx.Model(&ResourceGroup{}).Where("lower(name) = lower(?) AND id <> ?", name, except).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return &ValidationError{Fields: map[string]string{"name": "A group with this name exists."}}
	}
	return nil
}

// GroupRow is one line of the group list: the group and how many resources it holds.
type GroupRow struct {
	ResourceGroup
	Resources int64
}

// ResourceGroups lists the context tenant's groups the actor may see, by
// name, each with its resources.
func (s *Store) ResourceGroups(ctx context.Context) ([]GroupRow, error) {
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return nil, err
	}
	var rows []GroupRow
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		acc, err := s.resourceAccessHere(tx)
		if err != nil {
			return err
		}
		var groups []ResourceGroup
		if err := tx.Scopes(acc.readableGroups).Order("lower(name), id").Find(&groups).Error; err != nil {
			return err
		}
		var counts []struct {
			GroupID uint64
			N       int64
		}
		if err := tx.Model(&Resource{}).Select("group_id, count(*) AS n").Where("group_id IS NOT NULL").Group("group_id").Scan(&counts).Error; err != nil {
			return err
		}
		n := map[uint64]int64{}
		for _, c := range counts {
			n[c.GroupID] = c.N
		}
		for _, g := range groups {
			rows = append(rows, GroupRow{ResourceGroup: g, Resources: n[g.ID]})
		}
		return nil
	})
	return rows, err
}

// readGroup reads one of the tenant's groups the actor may see at level l.
func readGroup(tx *gorm.DB, acc resourceAccess, id uint64, l Level) (*ResourceGroup, error) {
	var g ResourceGroup
	if err := tx.Where("id = ?", id).Take(&g).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	have := acc.level(&g.ID)
	switch {
	case have < LevelRead:
		return nil, ErrNotFound
	case have < l:
		return nil, fmt.Errorf("%w: resources: %s needed on group %d", ErrForbidden, l, id)
	}
	return &g, nil
}

// ResourceGroup is one of the context tenant's groups, with its resources,
// if the actor may see it.
func (s *Store) ResourceGroup(ctx context.Context, id uint64) (*GroupRow, error) {
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return nil, err
	}
	var row GroupRow
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		acc, err := s.resourceAccessHere(tx)
		if err != nil {
			return err
		}
		g, err := readGroup(tx, acc, id, LevelRead)
		if err != nil {
			return err
		}
		row.ResourceGroup = *g
		return tx.Model(&Resource{}).Where("group_id = ?", id).Count(&row.Resources).Error
	})
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// CreateResourceGroup adds a group to the context tenant; it needs resources: full.
func (s *Store) CreateResourceGroup(ctx context.Context, in GroupInput) (*ResourceGroup, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	if err := requireLevel(ctx, FeatureResources, LevelFull); err != nil {
		return nil, err
	}
	now := s.now()
	g := &ResourceGroup{Name: in.Name, Description: in.Description, Version: 1, CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := groupNameClash(tx, g.Name, 0); err != nil {
			return err
		}
		if err := tx.Create(g).Error; err != nil {
			if isUniqueViolation(err) {
				return &ValidationError{Fields: map[string]string{"name": "A group with this name exists."}}
			}
			return err
		}
		return s.record(tx, g.TenantID, Event{Action: ActionGroupCreate, TargetType: "resource_group", TargetID: g.Name, Outcome: OutcomeSuccess,
			Details: changeDetails(change{"name", "", g.Name}, change{"description", "", g.Description})})
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// UpdateResourceGroup edits one of the tenant's groups at version.
func (s *Store) UpdateResourceGroup(ctx context.Context, id uint64, version int, in GroupInput) (*ResourceGroup, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return nil, err
	}
	var g *ResourceGroup
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		acc, err := s.resourceAccessHere(tx)
		if err != nil {
			return err
		}
		if g, err = readGroup(tx, acc, id, LevelFull); err != nil {
			return err
		}
		if g.Version != version {
			return ErrConflict
		}
		if err := groupNameClash(tx, in.Name, id); err != nil {
			return err
		}
		before := *g
		res := tx.Model(&ResourceGroup{}).Where("id = ? AND version = ?", id, version).
			Updates(map[string]any{"name": in.Name, "description": in.Description, "updated_at": s.now(), "version": gorm.Expr("version + 1")})
		if res.Error != nil {
			if isUniqueViolation(res.Error) {
				return &ValidationError{Fields: map[string]string{"name": "A group with this name exists."}}
			}
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		g.Name, g.Description, g.Version = in.Name, in.Description, version+1
		return s.record(tx, g.TenantID, Event{Action: ActionGroupUpdate, TargetType: "resource_group", TargetID: g.Name, Outcome: OutcomeSuccess,
			Details: changeDetails(change{"name", before.Name, g.Name}, change{"description", before.Description, g.Description})})
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// What becomes of a deleted group's resources.
const (
	GroupFateUngroup = "ungroup" // they stay, in no group
	GroupFateMove    = "move"    // they move to another group
	GroupFateDelete  = "delete"  // they are deleted with it
)

// DeleteResourceGroup deletes one of the tenant's groups and, in the same
// transaction and by one statement, ungroups, moves (to group to) or deletes
// its resources.
func (s *Store) DeleteResourceGroup(ctx context.Context, id uint64, fate string, to uint64) (int64, error) {
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		acc, err := s.resourceAccessHere(tx)
		if err != nil {
			return err
		}
		g, err := readGroup(tx, acc, id, LevelFull)
		if err != nil {
			return err
		}
		var res *gorm.DB
		details := map[string]any{"name": g.Name, "resources": fate}
		switch fate {
		case GroupFateUngroup:
			res = tx.Model(&Resource{}).Where("group_id = ?", id).Updates(map[string]any{"group_id": nil, "updated_at": s.now(), "version": gorm.Expr("version + 1")})
		case GroupFateMove:
			dest, err := readGroup(tx, acc, to, LevelRead)
			if err != nil || to == id || acc.level(&dest.ID) < LevelFull {
				if err != nil && !errors.Is(err, ErrNotFound) {
					return err
				}
				return &ValidationError{Fields: map[string]string{"to": "Choose another group of this tenant."}}
			}
			details["to"] = dest.Name
			res = tx.Model(&Resource{}).Where("group_id = ?", id).Updates(map[string]any{"group_id": to, "updated_at": s.now(), "version": gorm.Expr("version + 1")})
		case GroupFateDelete:
			res = tx.Where("group_id = ?", id).Delete(&Resource{})
		default:
			return &ValidationError{Fields: map[string]string{"fate": "Choose what becomes of the group's resources."}}
		}
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		details["count"] = n
		if err := tx.Where("group_id = ?", id).Delete(&RoleGroupLevel{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&ResourceGroup{}, id).Error; err != nil {
			return err
		}
		return s.record(tx, g.TenantID, Event{Action: ActionGroupDelete, TargetType: "resource_group", TargetID: g.Name, Outcome: OutcomeSuccess, Details: jsonDetails(details)})
	})
	return n, err
}
