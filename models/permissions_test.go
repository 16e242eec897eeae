package models_test

import (
	"testing"

	"landlord/models"
)

func TestScannedPermissionsAreTheCallersOwn(t *testing.T) {
	text := `{"users":"full","audit":"read"}`
	var a, b, c models.Permissions
	for _, p := range []*models.Permissions{&a, &b} { // the first decodes, the second is remembered
		if err := p.Scan(text); err != nil {
			t.Fatal(err)
		}
		(*p)[models.FeatureUsers] = models.LevelNone // a caller changing its copy
	}
	if err := c.Scan(text); err != nil {
		t.Fatal(err)
	}
	if c.Level(models.FeatureUsers) != models.LevelFull || b.Level(models.FeatureAudit) != models.LevelRead || b.Level(models.FeatureTenants) != models.LevelNone {
		t.Fatalf("the second read of the same text: %v", b)
	}
	var bad models.Permissions
	if err := bad.Scan(`{"users":"root"}`); err == nil {
		t.Fatal("an unknown level was accepted")
	}
}
