package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"landlord/models"
	"landlord/models/storetest"
)

// networkKind is the kind most tests start from.
var networkKind = models.KindInput{Key: "network", Label: "Network", Attributes: []models.KindAttribute{
	{Name: "cidr", Label: "CIDR", Type: models.AttributeText, Required: true},
	{Name: "vlan", Label: "VLAN", Type: models.AttributeNumber},
}}

// addKindResource inserts a resource of kind into tenant behind the store's back.
func addKindResource(t *testing.T, s *models.Store, tenant uint64, kind, name, attributes string) {
	t.Helper()
	now := time.Now().UTC()
	storetest.Exec(t, s, "INSERT INTO resources (tenant_id, kind, name, attributes, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
		tenant, kind, name, attributes, now, now)
}

// attributesOf reads a resource's stored attributes, by name, across tenants.
func attributesOf(t *testing.T, s *models.Store, name string) map[string]string {
	t.Helper()
	var r models.Resource
	err := s.TxForTest(models.AcrossTenants(storetest.System(context.Background()), "test: read a resource"), func(tx *gorm.DB) error {
		return tx.Where("name = ?", name).Take(&r).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(r.Attributes), &m); err != nil {
		t.Fatalf("%s's attributes %q: %v", name, r.Attributes, err)
	}
	return m
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	return ve.Fields
}

func TestResourceKindInputIsRefusedWithAMessageByField(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		text := func(name string) models.KindAttribute {
			return models.KindAttribute{Name: name, Type: models.AttributeText}
		}
		for _, tc := range []struct {
			name  string
			in    models.KindInput
			field string
			msg   string
		}{
			{"no key", models.KindInput{Label: "X"}, "key", "Enter a key."},
			{"upper-case key", models.KindInput{Key: "Network", Label: "X"}, "key", "lower-case letters"},
			{"key with a space", models.KindInput{Key: "my kind", Label: "X"}, "key", "lower-case letters"},
			{"long key", models.KindInput{Key: strings.Repeat("a", 41), Label: "X"}, "key", "1 to 40"},
			{"no label", models.KindInput{Key: "x"}, "label", "Enter a label."},
			{"attribute without a name", models.KindInput{Key: "x", Label: "X", Attributes: []models.KindAttribute{{Type: models.AttributeText}}}, "attr.1.name", "Enter a name."},
			{"attribute name not an identifier", models.KindInput{Key: "x", Label: "X", Attributes: []models.KindAttribute{text("Serial No")}}, "attr.1.name", "lower-case letter"},
			{"attribute name twice", models.KindInput{Key: "x", Label: "X", Attributes: []models.KindAttribute{text("serial"), text("serial")}}, "attr.2.name", "has this name"},
			{"unknown type", models.KindInput{Key: "x", Label: "X", Attributes: []models.KindAttribute{{Name: "a", Type: "date"}}}, "attr.1.type", "Choose text, number"},
			{"choice without choices", models.KindInput{Key: "x", Label: "X", Attributes: []models.KindAttribute{{Name: "a", Type: models.AttributeChoice}}}, "attr.1.choices", "at least one"},
			{"choice listed twice", models.KindInput{Key: "x", Label: "X", Attributes: []models.KindAttribute{{Name: "a", Type: models.AttributeChoice, Choices: []string{"aws", "gcp", "aws"}}}}, "attr.1.choices", "“aws” is listed twice"},
			{"number default not a number", models.KindInput{Key: "x", Label: "X", Attributes: []models.KindAttribute{{Name: "a", Type: models.AttributeNumber, Default: "ten"}}}, "attr.1.default", "Enter a number"},
			{"yes/no default", models.KindInput{Key: "x", Label: "X", Attributes: []models.KindAttribute{{Name: "a", Type: models.AttributeYesNo, Default: "maybe"}}}, "attr.1.default", "yes or no"},
			{"choice default not a choice", models.KindInput{Key: "x", Label: "X", Attributes: []models.KindAttribute{{Name: "a", Type: models.AttributeChoice, Choices: []string{"aws"}, Default: "ibm"}}}, "attr.1.default", "Choose one of aws"},
		} {
			_, err := w.s.CreateResourceKind(w.master, tc.in)
			if got := fieldsOf(t, err)[tc.field]; !strings.Contains(got, tc.msg) {
				t.Errorf("%s: %s says %q, want %q (all: %v)", tc.name, tc.field, got, tc.msg, fieldsOf(t, err))
			}
		}
		if kinds, err := w.s.ResourceKinds(w.master); err != nil || len(kinds) != 0 {
			t.Fatalf("refused kinds were stored: %v %v", kinds, err)
		}
		// A valid one is stored in its plain form: the default as CheckValues
		// stores it, no choices for what is not a choice.
		k, err := w.s.CreateResourceKind(w.master, models.KindInput{Key: " net-2 ", Label: "Net", Attributes: []models.KindAttribute{
			{Name: "managed", Type: models.AttributeYesNo, Default: "TRUE", Choices: []string{"stray"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if attrs, _ := k.KindAttributes(); k.Key != "net-2" || attrs[0].Default != "yes" || attrs[0].Choices != nil {
			t.Errorf("stored %q %+v", k.Key, attrs)
		}
		if _, err := w.s.CreateResourceKind(w.master, models.KindInput{Key: "net-2", Label: "Again"}); fieldsOf(t, err)["key"] != "A kind with this key exists." {
			t.Errorf("a second kind with one key: %v", err)
		}
	})
}

func TestAKindInUseIsNotDeletedAndKeepsItsKey(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		k, err := w.s.CreateResourceKind(w.master, networkKind)
		if err != nil {
			t.Fatal(err)
		}
		addKindResource(t, w.s, w.f.Acme.ID, "network", "office", `{"cidr":"10.0.0.0/8","vlan":""}`)
		addKindResource(t, w.s, w.f.Beta.ID, "network", "lab", `{"cidr":"10.1.0.0/16","vlan":"7"}`)
		// Counted in every tenant, though the master has none of its own.
		if n, err := w.s.ResourceKindUse(w.master, "network"); err != nil || n != 2 {
			t.Fatalf("in use by %d (%v), want 2", n, err)
		}
		if got := fieldsOf(t, w.s.DeleteResourceKind(w.master, "network"))["kind"]; !strings.Contains(got, "2 resources have this kind") {
			t.Errorf("delete in use: %q", got)
		}
		renamed := networkKind
		renamed.Key = "net"
		if _, err := w.s.UpdateResourceKind(w.master, "network", k.Version, renamed); !strings.Contains(fieldsOf(t, err)["key"], "its key cannot change") {
			t.Errorf("rename in use: %v", err)
		}
		if _, err := w.s.ResourceKindByKey(w.master, "network"); err != nil {
			t.Fatalf("the kind went: %v", err)
		}
		// A label still changes, at its version only.
		relabelled := networkKind
		relabelled.Label = "Networks"
		k2, err := w.s.UpdateResourceKind(w.master, "network", k.Version, relabelled)
		if err != nil || k2.Label != "Networks" {
			t.Fatalf("relabel: %+v %v", k2, err)
		}
		if _, err := w.s.UpdateResourceKind(w.master, "network", k.Version, relabelled); !errors.Is(err, models.ErrConflict) {
			t.Errorf("an edit at an old version: %v", err)
		}
		// Unused, it is renamed and deleted.
		storetest.Exec(t, w.s, "DELETE FROM resources")
		if _, err := w.s.UpdateResourceKind(w.master, "network", k2.Version, renamed); err != nil {
			t.Fatalf("rename unused: %v", err)
		}
		if err := w.s.DeleteResourceKind(w.master, "net"); err != nil {
			t.Fatalf("delete unused: %v", err)
		}
		if _, err := w.s.ResourceKindByKey(w.master, "net"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
	})
}

func TestARequiredAttributeNeedsADefaultThatEveryTenantsResourcesGet(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		k, err := w.s.CreateResourceKind(w.master, networkKind)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CreateResourceKind(w.master, models.KindInput{Key: "device", Label: "Device"}); err != nil {
			t.Fatal(err)
		}
		addKindResource(t, w.s, w.f.Acme.ID, "network", "office", `{"cidr":"10.0.0.0/8","vlan":""}`)
		addKindResource(t, w.s, w.f.Beta.ID, "network", "lab", `{"cidr":"10.1.0.0/16","vlan":"7"}`)
		addKindResource(t, w.s, w.f.Beta.ID, "device", "router", `{}`)

		// A new required attribute, and vlan made required, without defaults.
		in := networkKind
		in.Attributes = []models.KindAttribute{in.Attributes[0], {Name: "vlan", Label: "VLAN", Type: models.AttributeNumber, Required: true},
			{Name: "site", Label: "Site", Type: models.AttributeText, Required: true}}
		fields := fieldsOf(t, func() error { _, err := w.s.UpdateResourceKind(w.master, "network", k.Version, in); return err }())
		if !strings.Contains(fields["attr.2.default"], "2 resources have this kind") || !strings.Contains(fields["attr.3.default"], "give the default") {
			t.Fatalf("required without a default: %v", fields)
		}
		if a := attributesOf(t, w.s, "office"); a["site"] != "" {
			t.Fatalf("a refused edit wrote %v", a)
		}
		in.Attributes[1].Default, in.Attributes[2].Default = "1", "head office"
		saved, err := w.s.UpdateResourceKind(w.master, "network", k.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if got := attributesOf(t, w.s, "office"); got["site"] != "head office" || got["vlan"] != "1" || got["cidr"] != "10.0.0.0/8" {
			t.Errorf("acme's network: %v", got)
		}
		// beta's kept its own vlan; the other kind's resource is untouched.
		if got := attributesOf(t, w.s, "lab"); got["site"] != "head office" || got["vlan"] != "7" {
			t.Errorf("beta's network: %v", got)
		}
		if got := attributesOf(t, w.s, "router"); len(got) != 0 {
			t.Errorf("a device got %v", got)
		}
		// The master's log tells it, as JSON.
		evs := eventsOf(t, w.s, w.masterID)
		if evs[0].Action != models.ActionResourceKindUpdate || evs[0].TargetID != "network" {
			t.Fatalf("last master event: %+v", evs[0])
		}
		var details struct {
			Attributes struct{ Before, After []models.KindAttribute }
			Written    map[string]int64 `json:"defaults_written"`
		}
		if err := json.Unmarshal([]byte(evs[0].Details), &details); err != nil {
			t.Fatalf("details %q: %v", evs[0].Details, err)
		}
		if len(details.Attributes.Before) != 2 || len(details.Attributes.After) != 3 || details.Written["site"] != 2 || details.Written["vlan"] != 1 {
			t.Errorf("details %s", evs[0].Details)
		}
		// Now required, they need no default to stay so.
		in.Attributes[1].Default, in.Attributes[2].Default = "", ""
		if _, err := w.s.UpdateResourceKind(w.master, "network", saved.Version, in); err != nil {
			t.Errorf("an attribute already required: %v", err)
		}
	})
}

func TestOnlyAMasterUserWithResourcesFullChangesKinds(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		k, err := w.s.CreateResourceKind(w.master, networkKind)
		if err != nil {
			t.Fatal(err)
		}
		reader := models.WithActor(models.WithTenant(context.Background(), w.masterID), models.Actor{UserID: w.f.Root.ID, TenantID: w.masterID,
			Name: "reader", Master: true, Permissions: models.Permissions{models.FeatureResources: models.LevelRead}})
		for who, ctx := range map[string]context.Context{"acme's admin": w.acme, "a master reader": reader} {
			if _, err := w.s.CreateResourceKind(ctx, models.KindInput{Key: "device", Label: "Device"}); !errors.Is(err, models.ErrForbidden) {
				t.Errorf("%s created a kind: %v", who, err)
			}
			if _, err := w.s.UpdateResourceKind(ctx, "network", k.Version, models.KindInput{Key: "network", Label: "Mine"}); !errors.Is(err, models.ErrForbidden) {
				t.Errorf("%s edited a kind: %v", who, err)
			}
			if err := w.s.DeleteResourceKind(ctx, "network"); !errors.Is(err, models.ErrForbidden) {
				t.Errorf("%s deleted a kind: %v", who, err)
			}
		}
		// The reader lists them with their use; acme's admin reads the kinds
		// but not how every tenant uses them.
		if rows, err := w.s.ResourceKindRows(reader); err != nil || len(rows) != 1 {
			t.Errorf("the master reader's list: %v %v", rows, err)
		}
		if _, err := w.s.ResourceKindRows(w.acme); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("acme's admin counted every tenant's resources: %v", err)
		}
		if kinds, err := w.s.ResourceKinds(w.acme); err != nil || len(kinds) != 1 || kinds[0].Label != "Network" {
			t.Errorf("acme reads the kinds: %v %v", kinds, err)
		}
		evs := eventsOf(t, w.s, w.masterID)
		if evs[0].Action != models.ActionResourceKindCreate {
			t.Errorf("a refused change was logged as %s", evs[0].Action)
		}
		for _, tenant := range []uint64{w.f.Acme.ID, w.f.Beta.ID} {
			for _, e := range eventsOf(t, w.s, tenant) {
				if strings.HasPrefix(e.Action, "resource_kind.") {
					t.Errorf("tenant %d's log has %s", tenant, e.Action)
				}
			}
		}
	})
}

func TestKindChangesAreAuditedInTheMastersLog(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		if _, err := w.s.CreateResourceKind(w.master, networkKind); err != nil {
			t.Fatal(err)
		}
		if err := w.s.DeleteResourceKind(w.master, "network"); err != nil {
			t.Fatal(err)
		}
		evs := eventsOf(t, w.s, w.masterID)
		for i, want := range []string{models.ActionResourceKindDelete, models.ActionResourceKindCreate} {
			e := evs[i]
			var details struct {
				Key        string
				Attributes []models.KindAttribute
			}
			if e.Action != want || e.TargetType != "resource_kind" || e.TargetID != "network" || e.ActorName != "root" {
				t.Errorf("event %d: %+v", i, e)
			}
			if err := json.Unmarshal([]byte(e.Details), &details); err != nil || details.Key != "network" || len(details.Attributes) != 2 {
				t.Errorf("event %d details %q: %v", i, e.Details, err)
			}
		}
	})
}

func TestSeedMakesTheDemonstrationKindsOnce(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := seed(t, d, 2, 0)
		if w.res.Kinds != 3 {
			t.Errorf("seed made %d kinds", w.res.Kinds)
		}
		kinds, err := w.s.ResourceKinds(w.ctx)
		if err != nil || len(kinds) != 3 || kinds[0].Key != "cloud" || kinds[1].Key != "device" || kinds[2].Key != "network" {
			t.Fatalf("kinds %v %v", kinds, err)
		}
		attrs, _ := kinds[0].KindAttributes()
		if attrs[0].Name != "provider" || !attrs[0].Required || strings.Join(attrs[0].Choices, ",") != "aws,azure,gcp" {
			t.Errorf("cloud: %+v", attrs)
		}
		again, err := w.s.Seed(w.ctx, models.SeedOptions{Tenants: 1, Password: seedPassword, Force: true})
		if err != nil || again.Kinds != 0 {
			t.Errorf("a second seed made %d kinds (%v)", again.Kinds, err)
		}
	})
}
