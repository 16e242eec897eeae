package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

// uploadCheckpoints posts file to host's verify page as its form does, with
// csrf ("" for none) and, given, a cookie header instead of the jar's.
func (b *browser) uploadCheckpoints(host, csrf string, file []byte, cookie ...string) *http.Response {
	b.c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if csrf != "" {
		w.WriteField("_csrf", csrf)
	}
	part, _ := w.CreateFormFile("checkpoint", "checkpoints.jsonl")
	part.Write(file)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.at(host, "/audit/verify"), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if len(cookie) > 0 {
		req.Header.Set("Cookie", cookie[0])
	}
	return b.do(req)
}

func (c *console) checkpointLine(sub string) []byte {
	c.t.Helper()
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	cp, check, err := c.store.CheckpointAuditChain(context.Background(), tn)
	if err != nil || check.BrokenID != 0 {
		c.t.Fatalf("checkpoint of %s: %+v %v", sub, check, err)
	}
	b, _ := json.Marshal(cp)
	return append(b, '\n')
}

func TestAuditVerifyUploadChecksThisTenantsCheckpoints(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "nobody", models.Permissions{models.FeatureUsers: models.LevelRead})
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		csrf := admin.csrfOf("acme.localhost")
		acme, beta := c.checkpointLine("acme"), c.checkpointLine("beta")
		file := append(append([]byte{}, beta...), acme...)

		if d := doc(t, admin.get("acme.localhost", "/audit/verify")); d.Find(`form[data-testid="checkpoint-form"][enctype="multipart/form-data"] input[type="file"][name="checkpoint"]`).Length() != 1 {
			t.Fatal("the verify page has no upload form")
		}
		res := admin.uploadCheckpoints("acme.localhost", csrf, file)
		d := doc(t, res)
		rows := d.Find(`[data-testid="checkpoint-row"]`)
		if res.StatusCode != http.StatusOK || rows.Length() != 1 || rows.AttrOr("data-reached", "") != "true" ||
			!strings.Contains(d.Find(`[data-testid="checkpoint-others"]`).Text(), "1 line(s) of other tenants were ignored") {
			t.Fatalf("acme's and beta's lines on acme: %d, %d rows, %s", res.StatusCode, rows.Length(), d.Find("article").Text())
		}

		// Beta's file says nothing of acme's chain.
		d = doc(t, admin.uploadCheckpoints("acme.localhost", csrf, beta))
		if d.Find(`[data-status="no-checkpoint"]`).Length() != 1 || d.Find(`[data-testid="checkpoint-row"]`).Length() != 0 {
			t.Errorf("beta's file on acme: %s", d.Find("article").Text())
		}
		// A line changed after signing is reported.
		forged := bytes.Replace(acme, []byte(`"events":`), []byte(`"events":1`), 1)
		d = doc(t, admin.uploadCheckpoints("acme.localhost", csrf, forged))
		if row := d.Find(`[data-testid="checkpoint-row"]`); row.AttrOr("data-reached", "") != "false" || !strings.Contains(row.Text(), "signature does not match") {
			t.Errorf("a forged line: %s", d.Find("article").Text())
		}

		// The newest event gone and the head rolled back: the checkpoint is not reached.
		ctx := c.tenantCtx("acme")
		evs, err := c.store.AuditEvents(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Exec(t, c.store, "DELETE FROM audit_events WHERE id = ?", evs[0].ID)
		storetest.Exec(t, c.store, "UPDATE audit_chains SET head_id = ?, head_hash = ? WHERE tenant_id = ?", evs[1].ID, evs[1].Hash, evs[1].TenantID)
		d = doc(t, admin.uploadCheckpoints("acme.localhost", csrf, acme))
		if d.Find(`[data-status="intact"]`).Length() != 1 || d.Find(`[data-testid="checkpoint-row"][data-reached="false"]`).Length() != 1 {
			t.Errorf("after a rollback: %s", d.Find("article").Text())
		}

		// Who may not: below audit: read, another tenant's session, no CSRF token.
		nobody := c.browser()
		nobody.signedIn("acme.localhost", "nobody")
		if res := nobody.uploadCheckpoints("acme.localhost", nobody.csrfOf("acme.localhost"), acme); res.StatusCode != http.StatusForbidden {
			t.Errorf("below audit: read: %d, want 403", res.StatusCode)
		}
		betaAdmin := c.browser()
		betaAdmin.signedIn("beta.localhost", "admin@beta.example")
		cookie := betaAdmin.sessionCookie("beta.localhost")
		res = c.browser().uploadCheckpoints("acme.localhost", betaAdmin.csrfOf("beta.localhost"), beta, cookie.Name+"="+cookie.Value)
		if body := doc(t, res).Text(); res.StatusCode == http.StatusOK || strings.Contains(body, "Checkpoints") {
			t.Errorf("beta's session on acme's host: %d", res.StatusCode)
		}
		if res := admin.uploadCheckpoints("acme.localhost", "", acme); res.StatusCode != http.StatusForbidden {
			t.Errorf("no CSRF token: %d, want 403", res.StatusCode)
		}

		// The upload is bounded: past 256 KiB by the page, past 1 MiB by the server.
		big := bytes.Repeat([]byte(" "), 300<<10)
		res = admin.uploadCheckpoints("acme.localhost", csrf, big)
		if d := doc(t, res); res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(d.Find(`[data-testid="field-error"]`).Text(), "256 KiB") {
			t.Errorf("a 300 KiB file: %d", res.StatusCode)
		}
		if res := admin.uploadCheckpoints("acme.localhost", csrf, bytes.Repeat([]byte(" "), 2<<20)); res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a 2 MiB file: %d, want 413", res.StatusCode)
		}
	})
}
