package handlers_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"landlord/handlers"
)

func TestWizardStateComesBackWhole(t *testing.T) {
	w := handlers.NewWizard([]byte(strings.Repeat("s", 32)))
	typed := url.Values{"name": {"Acme Corp"}, "subdomain": {"acme"}, "password": {"a secret passphrase"}}
	sealed, err := w.Seal("session-1", typed)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "secret") || strings.Contains(sealed, "acme") {
		t.Fatal("the sealed state shows what was typed")
	}
	got, err := w.Open("session-1", sealed)
	if err != nil {
		t.Fatal(err)
	}
	if got.Encode() != typed.Encode() {
		t.Fatalf("got %v, want %v", got, typed)
	}
}

func TestWizardStateIsRefusedWhenAlteredOrFromAnotherSession(t *testing.T) {
	w := handlers.NewWizard([]byte(strings.Repeat("s", 32)))
	sealed, _ := w.Seal("session-1", url.Values{"subdomain": {"acme"}})
	for name, c := range map[string]struct{ session, sealed string }{
		"another session": {"session-2", sealed},
		"altered":         {"session-1", sealed[:len(sealed)-4] + "AAAA"},
		"another key":     {"session-1", mustSeal(t, handlers.NewWizard([]byte(strings.Repeat("x", 32))), "session-1")},
	} {
		if _, err := w.Open(c.session, c.sealed); !errors.Is(err, handlers.ErrWizardState) {
			t.Errorf("%s: %v, want ErrWizardState", name, err)
		}
	}
	if v, err := w.Open("session-1", ""); err != nil || len(v) != 0 {
		t.Fatalf("no state yet: %v %v", v, err)
	}
}

func mustSeal(t *testing.T, w *handlers.Wizard, session string) string {
	t.Helper()
	s, err := w.Seal(session, url.Values{"subdomain": {"acme"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
