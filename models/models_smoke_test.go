package models_test

import (
	"context"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

func TestMigrateCreatesMasterAndIsRepeatable(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			s := storetest.Open(t, d)
			ctx := context.Background()
			applied, err := s.Migrate(ctx)
			if err != nil || len(applied) != 0 {
				t.Fatalf("second migrate applied %v, err %v", applied, err)
			}
			m, err := s.MasterTenant(ctx)
			if err != nil || !m.IsMaster || !m.Enabled {
				t.Fatalf("master: %+v %v", m, err)
			}
			if _, err := s.SetAdminPassword(ctx, "master", "admin@example.com", "correct horse battery"); err != nil {
				t.Fatal(err)
			}
			u, err := s.Authenticate(ctx, m, "ADMIN@example.com", "correct horse battery")
			if err != nil {
				t.Fatal(err)
			}
			if u.Role == nil || u.Permissions().Level(models.FeatureTenants) != models.LevelFull {
				t.Fatalf("admin role not loaded: %+v", u.Role)
			}
			if _, err := s.Authenticate(ctx, m, "admin@example.com", "wrong password!!"); err != models.ErrInvalidCredentials {
				t.Fatalf("wrong password: %v", err)
			}
		})
	}
}
