package models_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// reasonWithTags is a reason a person may type: a flag emoji is written with
// tag characters, which %q escapes as \U000e0067, no escape JSON has.
const reasonWithTags = "Ticket \"42\" \U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F <urgent> from Glasgow"

// Every event's details are JSON (or empty), whatever a person typed into
// them: the audit page and the chain check read them back.
func TestAuditDetailsAreJSONWhateverAPersonTyped(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := newRoleWorld(t, d)
		// An impersonation started and refused with that reason, and ended
		// when acme turns impersonation off.
		if _, _, err := w.s.StartImpersonation(w.master, models.StartImpersonation{Subdomain: "acme", UserID: w.f.AcmeAdmin.ID,
			Reason: reasonWithTags, MasterSession: "s", Limit: time.Hour}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.s.StartImpersonation(w.master, models.StartImpersonation{Subdomain: "master", UserID: w.f.Root.ID,
			Reason: reasonWithTags, MasterSession: "s", Limit: time.Hour}); err == nil {
			t.Fatal("a master user was impersonated")
		}
		st, err := w.s.Settings(w.acme)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.s.SetImpersonationAllowed(w.acme, st.Version, false); err != nil {
			t.Fatal(err)
		}
		// Events whose details were text: a tenant disabled, an admin set from
		// the command line, a failed sign-in.
		if err := w.s.SetTenantEnabled(w.master, "beta", false); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.SetAdminPassword(storetest.System(context.Background()), "acme", w.f.AcmeAdmin.Email, storetest.Password); err != nil {
			t.Fatal(err)
		}
		acme, err := w.s.TenantBySubdomain(context.Background(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.LogIn(w.in(acme.ID), models.LoginAttempt{Host: acme, Login: "nobody", Password: "wrong password here"}); err == nil {
			t.Fatal("an unknown user signed in")
		}

		seen := map[string]map[string]any{}
		for _, tenant := range []uint64{w.masterID, w.f.Acme.ID} {
			for _, e := range eventsOf(t, w.s, tenant) {
				if e.Details == "" {
					continue
				}
				var m map[string]any
				if err := json.Unmarshal([]byte(e.Details), &m); err != nil {
					t.Errorf("%s: details %q are no JSON object: %v", e.Action, e.Details, err)
					continue
				}
				seen[e.Action] = m
			}
		}
		for action, want := range map[string]map[string]any{
			models.ActionImpersonationStart:   {"reason": reasonWithTags},
			models.ActionImpersonationRefused: {"reason": reasonWithTags, "refused": "Users of the master tenant cannot be impersonated."},
			models.ActionImpersonationEnd:     {"ended": "the tenant turned impersonation off"},
			models.ActionTenantDisable:        {"sessions_ended": float64(0)},
			models.ActionLoginFailed:          {"reason": "unknown user"},
			models.ActionUserPasswordReset:    {"via": "command line"},
		} {
			got, ok := seen[action]
			if !ok {
				t.Errorf("no %s event with details", action)
				continue
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: %s is %#v, want %#v", action, k, got[k], v)
				}
			}
		}
	})
}
