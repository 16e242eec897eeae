package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Audit actions of the master's resource kinds.
const (
	ActionResourceKindCreate = "resource_kind.create"
	ActionResourceKindUpdate = "resource_kind.update"
	ActionResourceKindDelete = "resource_kind.delete"
)

// Limits of a kind.
const (
	maxKindKey        = 40
	maxKindLabel      = 100
	maxKindAttributes = 50
	maxAttributeName  = 40
	maxChoices        = 100
)

var (
	kindKeyPattern       = regexp.MustCompile(`^[a-z0-9-]+$`)
	attributeNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// AttributeTypes are the types a kind's attribute may have, in the order a
// form offers them.
var AttributeTypes = []string{AttributeText, AttributeNumber, AttributeYesNo, AttributeChoice}

// KindInput is a kind as a form gives it: its key, label and attributes in
// order. The messages of attribute i (from 1) are by "attr.<i>.<field>".
type KindInput struct {
	Key        string
	Label      string
	Attributes []KindAttribute
}

// ResourceKindRow is one line of the master's kinds page: a kind and how
// many resources of every tenant have it.
type ResourceKindRow struct {
	ResourceKind
	Resources int64
}

// ResourceKinds lists every kind by key. Every tenant uses the master's
// kinds, so every tenant may read them.
func (s *Store) ResourceKinds(ctx context.Context) ([]ResourceKind, error) {
	var kinds []ResourceKind
	err := s.db.Registry(ctx).Order("key").Find(&kinds).Error
	return kinds, err
}

// ResourceKindRows is the master's kinds page (resources: read): every kind
// with the number of resources, of any tenant, that have it.
func (s *Store) ResourceKindRows(ctx context.Context) ([]ResourceKindRow, error) {
	if err := requireMaster(ctx, FeatureResources, LevelRead); err != nil {
		return nil, err
	}
	var rows []ResourceKindRow
	err := s.db.Tx(AcrossTenants(ctx, "the master's resource kinds and their use"), func(tx *gorm.DB) error {
		return tx.Model(&ResourceKind{}).
			Select("resource_kinds.*, (SELECT count(*) FROM resources r WHERE r.kind = resource_kinds.key) AS resources").
			Order("resource_kinds.key").Scan(&rows).Error
	})
	return rows, err
}

// ResourceKindByKey returns the kind key names.
func (s *Store) ResourceKindByKey(ctx context.Context, key string) (*ResourceKind, error) {
	var k ResourceKind
	err := s.db.Registry(ctx).Where("key = ?", key).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &k, err
}

// ResourceKindUse counts the resources of every tenant that have kind key
// (master, resources: read): what its delete page tells.
func (s *Store) ResourceKindUse(ctx context.Context, key string) (int64, error) {
	if err := requireMaster(ctx, FeatureResources, LevelRead); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.Tx(AcrossTenants(ctx, "count a resource kind's resources"), func(tx *gorm.DB) error {
		var err error
		n, err = kindUse(tx, key)
		return err
	})
	return n, err
}

// kindUse counts the resources of kind key in every tenant; tx is across.
func kindUse(tx *gorm.DB, key string) (int64, error) {
	var n int64
	err := tx.Model(&Resource{}).Where("kind = ?", key).Count(&n).Error
	return n, err
}

// CreateResourceKind adds a kind (master, resources: full).
func (s *Store) CreateResourceKind(ctx context.Context, in KindInput) (*ResourceKind, error) {
	attrs, err := in.check()
	if err != nil {
		return nil, err
	}
	master, err := s.masterActing(ctx, FeatureResources, LevelFull)
	if err != nil {
		return nil, err
	}
	now := s.now()
	k := &ResourceKind{Key: in.Key, Label: in.Label, Attributes: attributesJSON(attrs), Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(AcrossTenants(ctx, "create a resource kind"), func(tx *gorm.DB) error {
		if err := tx.Create(k).Error; err != nil {
			if isUniqueViolation(err) {
				return &ValidationError{Fields: map[string]string{"key": "A kind with this key exists."}}
			}
			return err
		}
		return s.record(tx, master.ID, Event{Action: ActionResourceKindCreate, TargetType: "resource_kind", TargetID: k.Key, Outcome: OutcomeSuccess,
			Details: jsonDetails(map[string]any{"key": k.Key, "label": k.Label, "attributes": attrs})})
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// UpdateResourceKind edits kind key at version (master, resources: full).
// While resources have the kind its key stays, and an attribute that becomes
// required needs a default, which every resource of the kind that has no
// value for it gets, in every tenant, in the same transaction.
func (s *Store) UpdateResourceKind(ctx context.Context, key string, version int, in KindInput) (*ResourceKind, error) {
	attrs, err := in.check()
	if err != nil {
		return nil, err
	}
	master, err := s.masterActing(ctx, FeatureResources, LevelFull)
	if err != nil {
		return nil, err
	}
	var k ResourceKind
	err = s.db.Tx(AcrossTenants(ctx, "edit a resource kind"), func(tx *gorm.DB) error {
		if err := s.lockKind(tx, key, &k); err != nil {
			return err
		}
		if k.Version != version {
			return ErrConflict
		}
		before, err := k.KindAttributes()
		if err != nil {
			return err
		}
		used, err := kindUse(tx, k.Key)
		if err != nil {
			return err
		}
		f := fieldErrors{}
		if used > 0 && in.Key != k.Key {
			f.add("key", fmt.Sprintf("%s this kind: its key cannot change while they do.", resourcesHave(used)))
		}
		// Attributes that become required: new ones, or optional ones made so.
		var filled []KindAttribute
		for i, a := range attrs {
			if !a.Required {
				continue
			}
			j := slices.IndexFunc(before, func(b KindAttribute) bool { return b.Name == a.Name })
			if j >= 0 && before[j].Required {
				continue
			}
			if used > 0 && a.Default == "" {
				f.add(attrField(i, "default"), fmt.Sprintf("%s this kind: give the default they get.", resourcesHave(used)))
				continue
			}
			filled = append(filled, a)
		}
		if err := f.err(); err != nil {
			return err
		}
		res := tx.Model(&ResourceKind{}).Where("id = ? AND version = ?", k.ID, version).Updates(map[string]any{
			"key": in.Key, "label": in.Label, "attributes": attributesJSON(attrs), "updated_at": s.now(), "version": gorm.Expr("version + 1")})
		if res.Error != nil {
			if isUniqueViolation(res.Error) {
				return &ValidationError{Fields: map[string]string{"key": "A kind with this key exists."}}
			}
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		fills := map[string]int64{}
		if used > 0 {
			for _, a := range filled {
				n, err := s.fillDefault(tx, k.Key, a)
				if err != nil {
					return err
				}
				fills[a.Name] = n
			}
		}
		details := map[string]any{}
		if k.Key != in.Key {
			details["key"] = map[string]any{"before": k.Key, "after": in.Key}
		}
		if k.Label != in.Label {
			details["label"] = map[string]any{"before": k.Label, "after": in.Label}
		}
		if attributesJSON(before) != attributesJSON(attrs) {
			details["attributes"] = map[string]any{"before": before, "after": attrs}
		}
		if len(fills) > 0 {
			details["defaults_written"] = fills
		}
		k.Key, k.Label, k.Attributes, k.Version = in.Key, in.Label, attributesJSON(attrs), version+1
		return s.record(tx, master.ID, Event{Action: ActionResourceKindUpdate, TargetType: "resource_kind", TargetID: k.Key, Outcome: OutcomeSuccess,
			Details: jsonDetails(details)})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// DeleteResourceKind removes kind key, which no resource of any tenant may
// have (master, resources: full).
func (s *Store) DeleteResourceKind(ctx context.Context, key string) error {
	master, err := s.masterActing(ctx, FeatureResources, LevelFull)
	if err != nil {
		return err
	}
	err = s.db.Tx(AcrossTenants(ctx, "delete a resource kind"), func(tx *gorm.DB) error {
		var k ResourceKind
		if err := s.lockKind(tx, key, &k); err != nil {
			return err
		}
		used, err := kindUse(tx, k.Key)
		if err != nil {
			return err
		}
		if used > 0 {
			return &ValidationError{Fields: map[string]string{"kind": fmt.Sprintf("%s this kind: delete them or give them another kind first.",
				resourcesHave(used))}}
		}
		if err := tx.Where("id = ?", k.ID).Delete(&ResourceKind{}).Error; err != nil {
			return err
		}
		attrs, _ := k.KindAttributes()
		return s.record(tx, master.ID, Event{Action: ActionResourceKindDelete, TargetType: "resource_kind", TargetID: k.Key, Outcome: OutcomeSuccess,
			Details: jsonDetails(map[string]any{"key": k.Key, "label": k.Label, "attributes": attrs})})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// lockKind reads kind key into k, locked on PostgreSQL until tx ends, so an
// edit or delete counts its resources against the kind as it stands.
func (s *Store) lockKind(tx *gorm.DB, key string, k *ResourceKind) error {
	q := tx
	if s.postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q.Where("key = ?", key).Take(k).Error
}

// fillDefault writes a's default into every resource of kind key, of any
// tenant, that has no value for it, in one statement, and counts them.
func (s *Store) fillDefault(tx *gorm.DB, key string, a KindAttribute) (int64, error) {
	var res *gorm.DB
	now := s.now()
	if s.postgres {
		res = tx.Exec(`UPDATE resources SET attributes = jsonb_set(coalesce(nullif(attributes, ''), '{}')::jsonb, ARRAY[?::text], to_jsonb(?::text))::text,
	version = version + 1, updated_at = ?
WHERE kind = ? AND coalesce(coalesce(nullif(attributes, ''), '{}')::jsonb ->> ?, '') = ''`, a.Name, a.Default, now, key, a.Name)
	} else {
		// The name is an identifier (attributeNamePattern): it is a JSON path as it stands.
		path := "$." + a.Name
		res = tx.Exec(`UPDATE resources SET attributes = json_set(coalesce(nullif(attributes, ''), '{}'), ?, ?),
	version = version + 1, updated_at = ?
WHERE kind = ? AND coalesce(json_extract(coalesce(nullif(attributes, ''), '{}'), ?), '') = ''`, path, a.Default, now, key, path)
	}
	if res.Error != nil {
		return 0, fmt.Errorf("write %s's default into kind %s's resources: %w", a.Name, key, res.Error)
	}
	return res.RowsAffected, nil
}

// resourcesHave is how a message says how many resources have a kind.
func resourcesHave(n int64) string {
	if n == 1 {
		return "1 resource has"
	}
	return strconv.FormatInt(n, 10) + " resources have"
}

func attributesJSON(attrs []KindAttribute) string {
	if len(attrs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(attrs)
	return string(b)
}

// attrField is the form field of attribute i (from 0) of a kind.
func attrField(i int, field string) string {
	return "attr." + strconv.Itoa(i+1) + "." + field
}

// check trims and validates in, and returns its attributes as they are
// stored: choices only for a choice, defaults in CheckValues' form.
func (in *KindInput) check() ([]KindAttribute, error) {
	f := fieldErrors{}
	in.Key, in.Label = strings.TrimSpace(in.Key), strings.TrimSpace(in.Label)
	switch {
	case in.Key == "":
		f.add("key", "Enter a key.")
	case len(in.Key) > maxKindKey || !kindKeyPattern.MatchString(in.Key):
		f.add("key", fmt.Sprintf("Use 1 to %d lower-case letters, digits and “-”.", maxKindKey))
	}
	f.text("label", in.Label, "Enter a label.", maxKindLabel)
	if len(in.Attributes) > maxKindAttributes {
		f.add("attributes", fmt.Sprintf("A kind has at most %d attributes.", maxKindAttributes))
	}
	attrs := make([]KindAttribute, 0, len(in.Attributes))
	seen := map[string]bool{}
	for i, a := range in.Attributes {
		field := func(name string) string { return attrField(i, name) }
		a.Name, a.Label, a.Type, a.Default = strings.TrimSpace(a.Name), strings.TrimSpace(a.Label), strings.TrimSpace(a.Type), strings.TrimSpace(a.Default)
		nameOK := false
		switch {
		case a.Name == "":
			f.add(field("name"), "Enter a name.")
		case len(a.Name) > maxAttributeName || !attributeNamePattern.MatchString(a.Name):
			f.add(field("name"), fmt.Sprintf("Start with a lower-case letter; use up to %d lower-case letters, digits and “_”.", maxAttributeName))
		case seen[a.Name]:
			f.add(field("name"), "Another attribute of this kind has this name.")
		default:
			nameOK = true
		}
		seen[a.Name] = true
		f.text(field("label"), a.Label, "", maxKindLabel)
		if !slices.Contains(AttributeTypes, a.Type) {
			f.add(field("type"), "Choose text, number, yes/no or choice.")
		}
		var choices []string
		if a.Type == AttributeChoice {
			dup := map[string]bool{}
			for _, c := range a.Choices {
				c = strings.TrimSpace(c)
				if c == "" {
					continue
				}
				if dup[c] {
					f.add(field("choices"), fmt.Sprintf("“%s” is listed twice.", c))
				}
				dup[c] = true
				f.text(field("choices"), c, "", maxKindLabel)
				choices = append(choices, c)
			}
			switch {
			case len(choices) == 0:
				f.add(field("choices"), "Give at least one choice.")
			case len(choices) > maxChoices:
				f.add(field("choices"), fmt.Sprintf("Give at most %d choices.", maxChoices))
			}
		}
		a.Choices = choices
		if a.Default != "" && nameOK && f[field("type")] == "" && f[field("choices")] == "" {
			// The default must be a value of the attribute itself.
			plain := a
			plain.Required = false
			stored, errs := CheckValues([]KindAttribute{plain}, map[string]string{a.Name: a.Default})
			if msg := errs["attr."+a.Name]; msg != "" {
				f.add(field("default"), msg)
			} else {
				a.Default = stored[a.Name]
			}
		}
		attrs = append(attrs, a)
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return attrs, nil
}

// seedResourceKinds makes the demonstration kinds if there are none; tx is
// across tenants. It says how many it made.
func (s *Store) seedResourceKinds(tx *gorm.DB) (int64, error) {
	var n int64
	if err := tx.Model(&ResourceKind{}).Count(&n).Error; err != nil || n > 0 {
		return 0, err
	}
	now := s.now()
	kinds := []struct {
		key, label string
		attrs      []KindAttribute
	}{
		{"cloud", "Cloud account", []KindAttribute{
			{Name: "provider", Label: "Provider", Type: AttributeChoice, Required: true, Choices: []string{"aws", "azure", "gcp"}},
			{Name: "region", Label: "Region", Type: AttributeText}}},
		{"device", "Device", []KindAttribute{
			{Name: "serial", Label: "Serial number", Type: AttributeText, Required: true},
			{Name: "model", Label: "Model", Type: AttributeChoice, Choices: []string{"edge-100", "edge-200", "core-900"}}}},
		{"network", "Network", []KindAttribute{
			{Name: "cidr", Label: "CIDR", Type: AttributeText, Required: true},
			{Name: "vlan", Label: "VLAN", Type: AttributeNumber},
			{Name: "managed", Label: "Managed", Type: AttributeYesNo, Default: "no"}}},
	}
	for _, k := range kinds {
		if err := tx.Create(&ResourceKind{Key: k.key, Label: k.label, Attributes: attributesJSON(k.attrs), Version: 1, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
			return 0, fmt.Errorf("seed kind %s: %w", k.key, err)
		}
	}
	return int64(len(kinds)), nil
}
