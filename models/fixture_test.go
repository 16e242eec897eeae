package models_test

import (
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// world is the two-tenant fixture the session and handoff tests start from:
// acme's admin first among aUsers.
type world struct {
	s      *models.Store
	a      *models.Tenant
	aRole  uint64 // acme's Administrator role
	aUsers []models.User
}

func setup(t *testing.T, dialect string) *world {
	t.Helper()
	s := storetest.Open(t, dialect)
	f := storetest.TwoTenants(t, s)
	return &world{s: s, a: f.Acme, aRole: *f.AcmeAdmin.RoleID, aUsers: []models.User{*f.AcmeAdmin}}
}
