package tenancy_test

import (
	"context"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
	"landlord/models/tenancy"
)

// Request traffic keeps at most LANDLORD_DB_MAX_CONNS connections, and
// unset, four per CPU: a request beyond them waits for one in the server
// rather than in the database machine's run queue.
func TestTheRequestRolesPoolHoldsTheConnectionsItWasGiven(t *testing.T) {
	for _, tc := range []struct {
		given, want int
	}{{3, 3}, {0, tenancy.DefaultMaxConns()}} {
		s, err := models.Open(models.Options{PostgresURL: storetest.Schema(t), AuditKey: storetest.AuditKey, MaxConns: tc.given})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.UseRequestRole(ctx, "", "test request role password"); err != nil {
			t.Fatal(err)
		}
		if got := s.PoolStats().MaxOpenConnections; got != tc.want {
			t.Errorf("given %d connections, the request role's pool holds %d, want %d", tc.given, got, tc.want)
		}
		s.Close()
	}
}
