package models_test

import (
	"testing"

	"landlord/models"
)

// A resource's attribute values are checked by the kind's types, each
// message by its field, and stored in one form.
func TestAResourcesValuesAreCheckedByTheirKind(t *testing.T) {
	attrs := []models.KindAttribute{
		{Name: "cidr", Label: "CIDR", Type: models.AttributeText, Required: true},
		{Name: "vlan", Label: "VLAN", Type: models.AttributeNumber},
		{Name: "managed", Label: "Managed", Type: models.AttributeYesNo},
		{Name: "tier", Label: "Tier", Type: models.AttributeChoice, Choices: []string{"gold", "silver"}},
	}
	got, errs := models.CheckValues(attrs, map[string]string{"cidr": " 10.0.0.0/8 ", "vlan": "042", "managed": "On", "tier": "gold", "extra": "dropped"})
	if errs != nil {
		t.Fatalf("good values refused: %v", errs)
	}
	want := map[string]string{"cidr": "10.0.0.0/8", "vlan": "42", "managed": "yes", "tier": "gold"}
	if len(got) != len(want) {
		t.Fatalf("stored %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s stored as %q, want %q", k, got[k], v)
		}
	}
	_, errs = models.CheckValues(attrs, map[string]string{"vlan": "ten", "managed": "maybe", "tier": "bronze"})
	for field, msg := range map[string]string{
		"attr.cidr": "Enter CIDR.", "attr.vlan": "Enter a number, like 42 or 2.5.",
		"attr.managed": "Choose yes or no.", "attr.tier": "Choose one of gold, silver.",
	} {
		if errs[field] != msg {
			t.Errorf("%s: %q, want %q", field, errs[field], msg)
		}
	}
	if _, errs = models.CheckValues(attrs, map[string]string{"cidr": "a\x00b"}); errs["attr.cidr"] == "" {
		t.Error("a control character was stored")
	}
}
