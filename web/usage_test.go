package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// The master's usage page and its CSV show a recorded day's counts by kind;
// a bad period is refused with a message by the field.
func TestUsagePageAndCSVShowARecordedDay(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme, _ := c.store.TenantBySubdomain(context.Background(), "acme")
		now := time.Now().UTC()
		storetest.Exec(t, c.store, "INSERT INTO resources (tenant_id, kind, name, created_at, updated_at) VALUES (?, 'network', 'n1', ?, ?), (?, 'device', 'd1', ?, ?)",
			acme.ID, now, now, acme.ID, now, now)
		ch := acme.Changes()
		ch.AccountNumber, ch.CustomerNumber, ch.Currency = "AC-1", "C-7", "CHF"
		if _, err := c.store.UpdateTenant(storetest.System(context.Background()), "acme", acme.Version, ch); err != nil {
			t.Fatal(err)
		}
		if _, err := c.store.SnapshotUsage(storetest.System(context.Background()), time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		d := doc(t, b.get("localhost", "/usage?day=2026-02-10"))
		row := d.Find(`[data-testid="usage-row"][data-subdomain="acme"]`)
		if row.Length() != 1 || strings.TrimSpace(row.Find(`[data-testid="usage-resources"]`).Text()) != "2" ||
			strings.TrimSpace(row.Find(`[data-testid="usage-users"]`).Text()) != "1" || !strings.Contains(row.Text(), "C-7") {
			t.Fatalf("acme's row: %q", row.Text())
		}
		if k := d.Find(`[data-testid="usage-kind"]`); k.Length() != 2 || k.First().Text() != "device" {
			t.Fatalf("kind columns: %q", k.Text())
		}
		if href := d.Find(`[data-testid="usage-csv"]`).AttrOr("href", ""); href != "/usage.csv?day=2026-02-10" {
			t.Fatalf("download link %q", href)
		}
		// The text a browser without a month picker sends: YYYY-MM in either field.
		m := doc(t, b.get("localhost", "/usage?day=2026-02"))
		if got := strings.TrimSpace(m.Find(`[data-testid="usage-period"]`).Text()); got != "Month 2026-02" {
			t.Fatalf("a month typed in the day field: %q", got)
		}
		res := b.get("localhost", "/usage?month=Feb")
		bad := doc(t, res)
		if res.StatusCode != http.StatusBadRequest || bad.Find(`[data-testid="field-error"]`).Length() != 1 ||
			bad.Find(`#field-month`).AttrOr("value", "") != "Feb" || bad.Find(`[data-testid="usage-table"]`).Length() != 0 {
			t.Fatalf("bad month: %d", res.StatusCode)
		}
		res = b.get("localhost", "/usage.csv?month=2026-02")
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil || res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %v %s", res.StatusCode, err, body)
		}
		if strings.Join(recs[0], ",") != "tenant,subdomain,currency,account_number,account_name,customer_number,day,live,users,resources_device,resources_network,resources" {
			t.Fatalf("header %v", recs[0])
		}
		found := false
		for _, r := range recs[1:] {
			if r[1] == "acme" {
				found = strings.Join(r[2:], ",") == "CHF,AC-1,,C-7,2026-02-10,false,1,1,1,2"
			}
		}
		if !found || len(recs) != 4 {
			t.Fatalf("csv rows %v", recs)
		}
	})
}

// Only the master's users with tenants: read get the report: a subtenant's
// admin finds no such page on its host, and a master user without the right
// is refused both the page and the download.
func TestUsageIsRefusedOutsideTheMastersTenantsRead(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		if _, err := c.store.SnapshotUsage(storetest.System(context.Background()), time.Now()); err != nil {
			t.Fatal(err)
		}
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		for _, path := range []string{"/usage", "/usage.csv", "/usage?day=" + time.Now().UTC().Format(time.DateOnly)} {
			if res := acme.get("acme.localhost", path); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
				t.Fatalf("acme's admin on %s: %d", path, res.StatusCode)
			} else if body, _ := io.ReadAll(res.Body); strings.Contains(string(body), "beta") {
				t.Fatalf("acme's admin on %s sees beta", path)
			}
		}
		c.limitedUser("master", "clerk", models.Permissions{models.FeatureUsers: models.LevelFull})
		clerk := c.browser()
		clerk.signedIn("localhost", "clerk")
		for _, path := range []string{"/usage", "/usage.csv?month=2026-01"} {
			if res := clerk.get("localhost", path); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
				t.Fatalf("a master user without tenants: read on %s: %d", path, res.StatusCode)
			}
		}
	})
}

// The tenant list shows each tenant's users and resources against its
// limits: a meter and "N of M" under a limit, "no limit" without one.
func TestTheTenantListShowsUsageMeters(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		acme, _ := c.store.TenantBySubdomain(context.Background(), "acme")
		ch := acme.Changes()
		ch.MaxUsers, ch.MaxResources = 50, 10
		if _, err := c.store.UpdateTenant(storetest.System(context.Background()), "acme", acme.Version, ch); err != nil {
			t.Fatal(err)
		}
		for i := range 11 {
			c.limitedUser("acme", fmt.Sprintf("user%02d", i), models.Permissions{})
		}
		b := c.browser()
		b.signedIn("localhost", "root@example.com")
		d := doc(t, b.get("localhost", "/tenants"))
		users := d.Find(`[data-subdomain="acme"] [data-testid="tenant-users"]`)
		if got := strings.TrimSpace(users.Find(`[data-testid="cell-meter-text"]`).Text()); got != "12 of 50" {
			t.Fatalf("acme's users: %q", got)
		}
		m := users.Find(`meter`)
		if m.AttrOr("value", "") != "12" || m.AttrOr("max", "") != "50" || m.AttrOr("aria-label", "") != "Users of Acme Corp" {
			t.Fatalf("acme's users meter: %v", m.Nodes)
		}
		if got := strings.TrimSpace(d.Find(`[data-subdomain="acme"] [data-testid="tenant-resources"]`).Text()); !strings.HasPrefix(got, "0 of 10") {
			t.Fatalf("acme's resources: %q", got)
		}
		beta := d.Find(`[data-subdomain="beta"] [data-testid="tenant-users"]`)
		if beta.Find("meter").Length() != 0 || strings.TrimSpace(beta.Text()) != "1 (no limit)" {
			t.Fatalf("beta's users: %q", beta.Text())
		}
	})
}
