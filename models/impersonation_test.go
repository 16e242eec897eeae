package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

func TestNoImpersonationFromInsideOne(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		inside := models.WithActor(models.WithTenant(context.Background(), w.masterID), models.Actor{UserID: w.f.Root.ID, TenantID: w.masterID,
			Name: "root", Master: true, Permissions: models.FullPermissions(), Impersonator: &models.Actor{UserID: 99, Name: "other", Master: true}, ImpersonationID: 1})
		_, _, err := w.s.StartImpersonation(inside, models.StartImpersonation{Subdomain: "acme", UserID: w.f.AcmeAdmin.ID, Reason: "nested", MasterSession: "s", Limit: time.Minute})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Fields[""], "impersonating someone already") {
			t.Fatalf("nested impersonation: %v", err)
		}
		// A subtenant's own admin, whatever their rights, is not a master user.
		if _, _, err := w.s.StartImpersonation(w.acme, models.StartImpersonation{Subdomain: "beta", UserID: w.f.BetaAdmin.ID, Reason: "sideways", Limit: time.Minute}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a subtenant admin impersonated: %v", err)
		}
		// And a user id of another tenant is no user of the one named.
		if _, _, err := w.s.StartImpersonation(w.master, models.StartImpersonation{Subdomain: "acme", UserID: w.f.BetaAdmin.ID, Reason: "guess", Limit: time.Minute}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("beta's user through acme: %v", err)
		}
	})
}
