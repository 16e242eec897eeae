package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Audit actions of resources and their groups.
const (
	ActionResourceCreate      = "resource.create"
	ActionResourceUpdate      = "resource.update"
	ActionResourceDelete      = "resource.delete"
	ActionGroupCreate         = "resource_group.create"
	ActionGroupUpdate         = "resource_group.update"
	ActionGroupDelete         = "resource_group.delete"
	ActionRoleGroupLevelsSave = "role.group_levels"
)

// ResourceInput is what creating or editing a resource takes.
type ResourceInput struct {
	Kind        string
	Name        string
	Description string
	GroupID     uint64 // 0: no group
	Values      map[string]string
}

// ResourceLimitMessage is the refusal of a resource beyond tenant t's limit.
func ResourceLimitMessage(t *Tenant) string {
	return fmt.Sprintf("%s's limit of %d resources is reached: delete a resource first, or ask for a higher limit.", t.Subdomain, t.MaxResources)
}

// kindByKey reads, in a resource's transaction, one of the master's kinds, which
// every tenant may read.
func kindByKey(tx *gorm.DB, key string) (*ResourceKind, error) {
	var k ResourceKind
	err := tx.Where("key = ?", key).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &k, err
}

// lockResources takes the context tenant's usage row for update (on SQLite
// the one writer already serialises), so concurrent creates cannot pass the
// resource limit together, and returns the tenant and its resource count.
func (s *Store) lockResources(tx *gorm.DB) (*Tenant, int64, error) {
	id, ok := TenantFrom(tx.Statement.Context)
	if !ok {
		return nil, 0, ErrNoTenant
	}
	var usage TenantUsage
	q := tx.Where("tenant_id = ?", id)
	if s.postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&usage).Error; err != nil {
		return nil, 0, fmt.Errorf("resource lock of tenant %d: %w", id, err)
	}
	var t Tenant
	if err := tx.Where("id = ?", id).Take(&t).Error; err != nil {
		return nil, 0, err
	}
	return &t, usage.Resources, nil
}

// check validates in against its kind (read in tx) and the tenant's groups,
// returning the stored attribute values as JSON.
func (in *ResourceInput) check(tx *gorm.DB, acc resourceAccess) (string, error) {
	in.Name, in.Description, in.Kind = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description), strings.TrimSpace(in.Kind)
	f := fieldErrors{}
	f.text("name", in.Name, "Enter a name.", 200)
	f.text("description", in.Description, "", 2000)
	var attrs []KindAttribute
	k, err := kindByKey(tx, in.Kind)
	switch {
	case errors.Is(err, ErrNotFound):
		f.add("kind", "Choose one of the kinds.")
	case err != nil:
		return "", err
	default:
		if attrs, err = k.KindAttributes(); err != nil {
			return "", err
		}
	}
	stored, bad := CheckValues(attrs, in.Values)
	maps.Copy(f, bad)
	if in.GroupID != 0 {
		var g ResourceGroup
		err := tx.Where("id = ?", in.GroupID).Take(&g).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && acc.level(&in.GroupID) < LevelFull) {
			f.add("group", "Choose one of this tenant's groups.")
		} else if err != nil {
			return "", err
		}
	}
	if err := f.err(); err != nil {
		return "", err
	}
	b, err := json.Marshal(stored)
	return string(b), err
}

// resourceNameClash refuses a name another resource of the kind has in the
// tenant, whatever its case.
func resourceNameClash(tx *gorm.DB, kind, name string, except uint64) error {
	var n int64
	if err := tx.Model(&Resource{}).Where("kind = ? AND lower(name) = lower(?) AND id <> ?", kind, name, except).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return &ValidationError{Fields: map[string]string{"name": "A resource of this kind with this name exists."}}
	}
	return nil
}

func optionalID(id uint64) *uint64 {
	if id == 0 {
		return nil
	}
	return &id
}

// CreateResource adds a resource to the context's tenant, within its
// resource limit (tenants.max_resources, 0 for none) checked under the
// tenant's usage lock. It needs resources: full on the group it goes in.
func (s *Store) CreateResource(ctx context.Context, in ResourceInput) (*Resource, error) {
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return nil, err
	}
	now := s.now()
	var r Resource
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		t, count, err := s.lockResources(tx)
		if err != nil {
			return err
		}
		acc, err := s.resourceAccess(tx, t)
		if err != nil {
			return err
		}
		if acc.level(optionalID(in.GroupID)) < LevelFull {
			if in.GroupID == 0 {
				return fmt.Errorf("%w: resources: full needed", ErrForbidden)
			}
		}
		attrs, err := in.check(tx, acc)
		if err != nil {
			return err
		}
		if t.MaxResources > 0 && count >= int64(t.MaxResources) {
			return &ValidationError{Fields: map[string]string{"": ResourceLimitMessage(t)}}
		}
		if err := resourceNameClash(tx, in.Kind, in.Name, 0); err != nil {
			return err
		}
		r = Resource{Kind: in.Kind, Name: in.Name, Description: in.Description, Attributes: attrs, GroupID: optionalID(in.GroupID),
			Visibility: VisibilityPrivate, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&r).Error; err != nil {
			if isUniqueViolation(err) {
				return &ValidationError{Fields: map[string]string{"name": "A resource of this kind with this name exists."}}
			}
			return err
		}
		return s.record(tx, t.ID, Event{Action: ActionResourceCreate, TargetType: "resource", TargetID: fmt.Sprint(r.ID), Outcome: OutcomeSuccess,
			Details: jsonDetails(map[string]any{"kind": r.Kind, "name": r.Name, "description": r.Description, "group": r.GroupID, "attributes": json.RawMessage(r.Attributes)})})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// readResource reads one of the tenant's resources the actor may see at
// level l: one they may not see is not found, one they see but may not
// change is forbidden.
func readResource(tx *gorm.DB, acc resourceAccess, id uint64, l Level) (*Resource, error) {
	var r Resource
	if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	have := acc.level(r.GroupID)
	switch {
	case have < LevelRead:
		return nil, ErrNotFound
	case have < l:
		return nil, fmt.Errorf("%w: resources: %s needed", ErrForbidden, l)
	}
	return &r, nil
}

// ResourceByID is one of the context tenant's resources, if the actor may
// read it (its group's level); otherwise ErrNotFound.
func (s *Store) ResourceByID(ctx context.Context, id uint64) (*Resource, Level, error) {
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return nil, LevelNone, err
	}
	var (
		r   *Resource
		lvl Level
	)
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		acc, err := s.resourceAccessHere(tx)
		if err != nil {
			return err
		}
		r, err = readResource(tx, acc, id, LevelRead)
		if err == nil {
			lvl = acc.level(r.GroupID)
		}
		return err
	})
	return r, lvl, err
}

// UpdateResource edits one of the tenant's resources at version, the one the
// editor read; its kind stays.
func (s *Store) UpdateResource(ctx context.Context, id uint64, version int, in ResourceInput) (*Resource, error) {
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return nil, err
	}
	var r *Resource
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		acc, err := s.resourceAccessHere(tx)
		if err != nil {
			return err
		}
		if r, err = readResource(tx, acc, id, LevelFull); err != nil {
			return err
		}
		if r.Version != version {
			return ErrConflict
		}
		in.Kind = r.Kind
		attrs, err := in.check(tx, acc)
		if err != nil {
			return err
		}
		if err := resourceNameClash(tx, r.Kind, in.Name, r.ID); err != nil {
			return err
		}
		before := *r
		res := tx.Model(&Resource{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"name": in.Name, "description": in.Description, "attributes": attrs, "group_id": optionalID(in.GroupID),
			"updated_at": s.now(), "version": gorm.Expr("version + 1")})
		if res.Error != nil {
			if isUniqueViolation(res.Error) {
				return &ValidationError{Fields: map[string]string{"name": "A resource of this kind with this name exists."}}
			}
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		r.Name, r.Description, r.Attributes, r.GroupID, r.Version = in.Name, in.Description, attrs, optionalID(in.GroupID), version+1
		tid, _ := TenantFrom(ctx)
		return s.record(tx, tid, Event{Action: ActionResourceUpdate, TargetType: "resource", TargetID: fmt.Sprint(r.ID), Outcome: OutcomeSuccess,
			Details: changeDetails(change{"name", before.Name, r.Name}, change{"description", before.Description, r.Description},
				change{"attributes", before.Attributes, r.Attributes}, change{"group", groupText(before.GroupID), groupText(r.GroupID)})})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func groupText(id *uint64) string {
	if id == nil {
		return ""
	}
	return fmt.Sprint(*id)
}

// DeleteResource removes one of the tenant's resources.
func (s *Store) DeleteResource(ctx context.Context, id uint64) error {
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		acc, err := s.resourceAccessHere(tx)
		if err != nil {
			return err
		}
		r, err := readResource(tx, acc, id, LevelFull)
		if err != nil {
			return err
		}
		if err := tx.Delete(&Resource{}, r.ID).Error; err != nil {
			return err
		}
		tid, _ := TenantFrom(ctx)
		return s.record(tx, tid, Event{Action: ActionResourceDelete, TargetType: "resource", TargetID: fmt.Sprint(r.ID), Outcome: OutcomeSuccess,
			Details: jsonDetails(map[string]any{"kind": r.Kind, "name": r.Name, "group": r.GroupID})})
	})
}
