package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
	"landlord/models/storetest"
)

// sharedWorld gives the master five resources: shared-pub, public and
// granted by Standard (acme's and beta's tenant role); shared-asg, assigned
// to acme; beta-asg, assigned to beta; m-public, public and granted by no
// tenant role; m-private. acme owns acme-net in its group Lab and
// acme-x00..acme-x48: 50 own resources, 52 listed.
func (c *console) sharedWorld() map[string]uint64 {
	c.t.Helper()
	c.seedKinds()
	ids := map[string]uint64{}
	for _, n := range []string{"shared-pub", "shared-asg", "beta-asg", "m-public", "m-private"} {
		ids[n] = c.resourceNamed("master", n)
	}
	m := c.inTenant("master")
	for n, vis := range map[string][]string{"shared-pub": {"public"}, "m-public": {"public"}, "shared-asg": {"assigned", "acme"}, "beta-asg": {"assigned", "beta"}} {
		if _, err := c.store.SetResourceVisibility(m, ids[n], vis[0], vis[1:]); err != nil {
			c.t.Fatal(err)
		}
	}
	if _, err := c.store.SetTenantRoleResources(m, c.tenantRoleNamed("Standard"), false, []uint64{ids["shared-pub"]}); err != nil {
		c.t.Fatal(err)
	}
	lab := c.groupIn("acme", "Lab")
	acmeNet := c.resourceIn("acme", "acme-net")
	storetest.Exec(c.t, c.store, "UPDATE resources SET group_id = ? WHERE id = ?", lab.ID, acmeNet.ID)
	ids["acme-net"], ids["lab"] = acmeNet.ID, lab.ID
	acme, _ := c.store.TenantBySubdomain(c.inTenant("acme"), "acme")
	for i := range 49 {
		storetest.Exec(c.t, c.store, `INSERT INTO resources (tenant_id, kind, name, attributes, visibility, version, created_at, updated_at)
			VALUES (?, 'network', ?, '{"cidr":"10.0.0.0/8"}', 'private', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, acme.ID, fmt.Sprintf("acme-x%02d", i))
	}
	ids["beta-net"] = c.resourceIn("beta", "beta-net").ID
	return ids
}

// listedRows is the list page's rows as name, or name* for one marked as the master's.
func listedRows(d *goquery.Document) []string {
	var out []string
	d.Find(`[data-testid="resource-row"]`).Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("data-name", "")
		shared := s.AttrOr("data-shared", "") == models.MasterSubdomain
		if shared != (s.Find(`[data-testid="shared-badge"]`).Length() == 1) {
			name += "(badge?)"
		}
		if shared {
			name += "*"
		}
		out = append(out, name)
	})
	return out
}

func TestASubtenantsResourceListShowsWhatTheMasterSharesBesideItsOwn(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		ids := c.sharedWorld()
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		list := func(path string) ([]string, string) {
			t.Helper()
			res := acme.get("acme.localhost", path)
			status(t, path, res, http.StatusOK)
			d := doc(t, res)
			return listedRows(d), strings.TrimSpace(d.Find(`[data-testid="pager-range"]`).Text())
		}
		rows, _ := list("/resources")
		if len(rows) != 50 || rows[0] != "acme-net" || strings.Contains(strings.Join(rows, ","), "*") {
			t.Errorf("page 1: %v", rows)
		}
		rows, pages := list("/resources?page=2")
		if strings.Join(rows, ",") != "shared-asg*,shared-pub*" || !strings.Contains(pages, "52") {
			t.Errorf("page 2: %v (%s)", rows, pages)
		}
		rows, _ = list("/resources?q=shared")
		if strings.Join(rows, ",") != "shared-asg*,shared-pub*" {
			t.Errorf("searched: %v", rows)
		}
		rows, _ = list("/resources?kind=network&q=-&sort=name&dir=desc")
		if len(rows) != 50 || rows[0] != "shared-pub*" || rows[1] != "shared-asg*" {
			t.Errorf("networks by name descending: %v", rows[:3])
		}
		rows, pages = list("/resources?kind=device")
		if len(rows) != 0 {
			t.Errorf("devices: %v (%s)", rows, pages)
		}
		rows, _ = list("/resources?group=" + id(ids["lab"]))
		if strings.Join(rows, ",") != "acme-net" {
			t.Errorf("group Lab: own only, got %v", rows)
		}
		rows, _ = list("/resources?group=none&q=shared")
		if len(rows) != 0 {
			t.Errorf("no group: own only, got %v", rows)
		}
		// The exports carry the shared rows, marked.
		res := acme.get("acme.localhost", "/resources/export?q=shared&format=csv")
		status(t, "CSV export", res, http.StatusOK)
		body := readAll(t, res)
		if !strings.Contains(body, ",shared_by\n") || strings.Count(body, ",master\n") != 2 || strings.Count(body, "\n") != 3 {
			t.Errorf("CSV export:\n%s", body)
		}
		res = acme.get("acme.localhost", "/resources/export?format=jsonl")
		status(t, "JSON lines export", res, http.StatusOK)
		var shared []string
		lines := strings.Split(strings.TrimSpace(readAll(t, res)), "\n")
		for _, l := range lines {
			var r struct {
				Name     string `json:"name"`
				SharedBy string `json:"shared_by"`
			}
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatal(err)
			}
			if r.SharedBy != "" {
				shared = append(shared, r.Name+"/"+r.SharedBy)
			}
		}
		if len(lines) != 52 || strings.Join(shared, ",") != "shared-asg/master,shared-pub/master" {
			t.Errorf("JSON lines: %d lines, shared %v", len(lines), shared)
		}
		// beta sees its own and Standard's grant, not acme's assignment; the master its own only.
		beta := c.browser()
		beta.signedIn("beta.localhost", "admin@beta.example")
		if got := strings.Join(listedRows(doc(t, beta.get("beta.localhost", "/resources"))), ","); got != "beta-asg*,beta-net,shared-pub*" {
			t.Errorf("beta's list: %s", got)
		}
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		if got := strings.Join(listedRows(doc(t, root.get("localhost", "/resources"))), ","); got != "beta-asg,m-private,m-public,shared-asg,shared-pub" {
			t.Errorf("the master's list: %s", got)
		}
	})
}

func TestASharedResourceIsReadOnlyInTheTenantItIsSharedWith(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		ids := c.sharedWorld()
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		path := "/resources/" + id(ids["shared-pub"])
		res := acme.get("acme.localhost", path)
		status(t, "a shared resource's page", res, http.StatusOK)
		d := doc(t, res)
		if d.Find(`[data-testid="resource-shared"]`).Length() != 1 || d.Find(`[data-testid="resource-edit"], [data-testid="resource-delete"], [data-testid="resource-sharing-link"]`).Length() != 0 {
			t.Error("a shared resource's page is not marked read-only, or offers to change it")
		}
		if own := doc(t, acme.get("acme.localhost", "/resources/"+id(ids["acme-net"]))); own.Find(`[data-testid="resource-shared"]`).Length() != 0 || own.Find(`[data-testid="resource-edit"]`).Length() != 1 {
			t.Error("acme's own resource is marked shared, or not editable")
		}
		for _, n := range []string{"m-private", "m-public", "beta-asg", "beta-net"} {
			status(t, "acme on "+n, acme.get("acme.localhost", "/resources/"+id(ids[n])), http.StatusNotFound)
		}
		before := c.visibilityOf(ids["shared-pub"]) + c.visibilityOf(ids["shared-asg"])
		tok := acme.csrfOf("acme.localhost")
		for _, n := range []string{"shared-pub", "shared-asg"} {
			p := "/resources/" + id(ids[n])
			for _, res := range []*http.Response{
				acme.get("acme.localhost", p+"/edit"), acme.get("acme.localhost", p+"/delete"),
				acme.post("acme.localhost", p+"/edit", url.Values{"_csrf": {tok}, "version": {"1"}, "name": {"taken"}, "attr.cidr": {"10.9.0.0/16"}}),
				acme.post("acme.localhost", p+"/delete", url.Values{"_csrf": {tok}}),
			} {
				if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s: %d, want 403 or 404", res.Request.Method, res.Request.URL.Path, res.StatusCode)
				}
			}
		}
		if after := c.visibilityOf(ids["shared-pub"]) + c.visibilityOf(ids["shared-asg"]); after != before {
			t.Errorf("shared resources changed: %s, were %s", after, before)
		}
	})
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
