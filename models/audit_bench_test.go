package models_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// benchUsers numbers the users the benchmark creates, across its runs.
var benchUsers atomic.Int64

// BenchmarkAuditWrite is what the hash chain adds to writing an event: each
// sub-benchmark writes one event per transaction into one tenant, chained
// (lock the head, hash, insert, move the head) or as a bare insert.
// LANDLORD_TEST_DATABASE_URL selects PostgreSQL; run with -bench AuditWrite.
func BenchmarkAuditWrite(b *testing.B) {
	for _, d := range storetest.Dialects {
		s := storetest.Open(b, d)
		f := storetest.TwoTenants(b, s)
		ctx := context.Background()
		b.Run(d+"/chained", func(b *testing.B) {
			for b.Loop() {
				if err := s.RecordChainedForTest(ctx, f.Acme.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(d+"/unchained", func(b *testing.B) {
			for b.Loop() {
				if err := s.RecordUnchainedForTest(ctx, f.Acme.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
		// A whole create-user operation, chained, for scale: the user, its
		// password hash and its event.
		b.Run(d+"/create-user", func(b *testing.B) {
			actx := models.WithActor(models.WithTenant(ctx, f.Acme.ID), models.Actor{UserID: f.AcmeAdmin.ID, TenantID: f.Acme.ID, Name: "admin", Permissions: models.FullPermissions()})
			for b.Loop() {
				if _, err := s.CreateUser(actx, models.NewUser{Username: fmt.Sprintf("bench-%d", benchUsers.Add(1)), Password: "a long bench passphrase", RoleID: *f.AcmeAdmin.RoleID}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
