package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// A format the exports do not write is refused with the formats they do,
// instead of a CSV the person did not ask for; the named ones still work.
func TestUnknownExportFormatIsRefusedNamingTheFormats(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		b := c.browser()
		b.signedIn("acme.localhost", "admin@acme.example")
		for _, export := range []string{"/users/export", "/audit/export"} {
			for _, format := range []string{"json", "xml", "CSV", "jsonl "} {
				res := b.get("acme.localhost", export+"?format="+strings.ReplaceAll(format, " ", "%20"))
				if res.StatusCode != http.StatusBadRequest {
					t.Errorf("%s?format=%q: %d, want 400", export, format, res.StatusCode)
					continue
				}
				msg := doc(t, res).Find(`[data-testid="error-message"]`).Text()
				if !strings.Contains(msg, "csv") || !strings.Contains(msg, "jsonl") {
					t.Errorf("%s?format=%q: message %q names no formats", export, format, msg)
				}
			}
			for format, want := range map[string]string{"": "text/csv", "csv": "text/csv", "jsonl": "application/jsonl"} {
				res := b.get("acme.localhost", export+"?format="+format)
				if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || !strings.HasPrefix(ct, want) {
					t.Errorf("%s?format=%s: %d %s, want 200 %s", export, format, res.StatusCode, ct, want)
				}
			}
		}
	})
}
