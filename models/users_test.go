package models_test

import (
	"context"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// serve tells a fresh install's operator to make the first admin while
// MasterHasAdmin is false: it must turn true with set-admin-password, and
// false again for every master user who could not sign in and administer.
func TestMasterHasAdminOnlyWhenAMasterAdminCanSignIn(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		s := storetest.Open(t, d)
		ctx := storetest.System(context.Background())
		has := func(want bool, when string) {
			t.Helper()
			got, err := s.MasterHasAdmin(ctx)
			if err != nil || got != want {
				t.Fatalf("%s: MasterHasAdmin = %v, %v; want %v", when, got, err, want)
			}
		}
		has(false, "fresh install")

		if _, err := s.CreateTenant(ctx, models.NewTenant{Subdomain: "acme", Name: "Acme Corp"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetAdminPassword(ctx, "acme", "admin@acme.example", storetest.Password); err != nil {
			t.Fatal(err)
		}
		has(false, "only a subtenant's admin")

		root, err := s.SetAdminPassword(ctx, models.MasterSubdomain, "root@example.com", storetest.Password)
		if err != nil {
			t.Fatal(err)
		}
		has(true, "after set-admin-password master")

		storetest.Exec(t, s, "UPDATE users SET enabled = ? WHERE id = ?", false, root.ID)
		has(false, "the master admin disabled")
		storetest.Exec(t, s, "UPDATE users SET enabled = ?, password_hash = '' WHERE id = ?", true, root.ID)
		has(false, "the master admin without a password (an external identity)")
		if _, err := s.SetAdminPassword(ctx, models.MasterSubdomain, "root@example.com", storetest.Password); err != nil {
			t.Fatal(err)
		}
		has(true, "the password set again")
		storetest.Exec(t, s, "UPDATE roles SET permissions = ? WHERE id = ?", `{"users":"full","roles":"read"}`, *root.RoleID)
		has(false, "the master admin's role short of full rights on roles")
	})
}
