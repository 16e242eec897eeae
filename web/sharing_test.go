package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models"
	"landlord/models/storetest"
)

// resourceNamed is the id of tenant sub's resource name, made (private, of
// kind network) behind the store's back when there is none.
func (c *console) resourceNamed(sub, name string) uint64 {
	c.t.Helper()
	tn, err := c.store.TenantBySubdomain(context.Background(), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	find := func() uint64 {
		var id uint64
		storetest.Scan(c.t, c.store, &id, "SELECT coalesce(max(id), 0) FROM resources WHERE tenant_id = ? AND name = ?", tn.ID, name)
		return id
	}
	if id := find(); id != 0 {
		return id
	}
	storetest.Exec(c.t, c.store, `INSERT INTO resources (tenant_id, kind, name, attributes, visibility, version, created_at, updated_at)
		VALUES (?, 'network', ?, '{}', 'private', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, tn.ID, name)
	return find()
}

// visibilityOf is resource id's stored visibility and version.
func (c *console) visibilityOf(id uint64) string {
	c.t.Helper()
	var r models.Resource
	storetest.Scan(c.t, c.store, &r, "SELECT * FROM resources WHERE id = ?", id)
	return fmt.Sprintf("%s v%d %s", r.Visibility, r.Version, r.Name)
}

// masterUser signs in a new master user whose role grants perms.
func (c *console) masterUser(name string, perms models.Permissions) *browser {
	c.t.Helper()
	c.limitedUser("master", name, perms)
	b := c.browser()
	b.signedIn("localhost", name)
	return b
}

func TestTheSharingRoutesRefuseSubtenantsWeakerMastersAndOtherTenantsIDs(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		shared := c.resourceNamed("master", "shared-net")
		acmeOwn := c.resourceNamed("acme", "acme-net")
		standard := c.tenantRoleNamed("Standard")
		sharingPath := fmt.Sprintf("/resources/%d/sharing", shared)
		rolePath := fmt.Sprintf("/tenant-roles/%d/resources", standard)
		before := c.visibilityOf(shared)

		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		tok := acme.csrfOf("acme.localhost")
		assign := url.Values{"_csrf": {tok}, "visibility": {"assigned"}, "tenant": {"acme"}, "_action": {"save"}}
		for _, res := range []*http.Response{
			acme.get("acme.localhost", sharingPath), acme.get("acme.localhost", "/sharing"),
			acme.post("acme.localhost", sharingPath, assign),
			acme.post("acme.localhost", rolePath, url.Values{"_csrf": {tok}, "scope": {"all"}, "_action": {"save"}}),
		} {
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("acme's admin on %s: %d, want 404", res.Request.URL.Path, res.StatusCode)
			}
		}
		// acme's cookie sent to the master's host is no session there.
		cookie := acme.sessionCookie("acme.localhost")
		refused(t, "acme's session on the master's sharing page", c.browser().call(http.MethodGet, "localhost", sharingPath, "", "Cookie", cookie.Name+"="+cookie.Value))

		// A master user with resources: read sees the page, without its
		// buttons, and may not save; one with tenants: read may not change a
		// tenant role's master resources.
		resRead := models.FullPermissions()
		resRead[models.FeatureResources] = models.LevelRead
		reader := c.masterUser("reader", resRead)
		d := doc(t, reader.get("localhost", sharingPath))
		if d.Find(`[data-testid="resource-sharing"]`).Length() != 1 || d.Find(`[data-testid="save"]`).Length() != 0 {
			t.Errorf("the reader's sharing page: %d pages, %d save buttons", d.Find(`[data-testid="resource-sharing"]`).Length(), d.Find(`[data-testid="save"]`).Length())
		}
		rtok := reader.csrfOf("localhost")
		if res := reader.post("localhost", sharingPath, url.Values{"_csrf": {rtok}, "visibility": {"public"}, "_action": {"save"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("the reader saves: %d", res.StatusCode)
		}
		tenantsRead := models.FullPermissions()
		tenantsRead[models.FeatureTenants] = models.LevelRead
		tr := c.masterUser("tenant-reader", tenantsRead)
		if res := tr.post("localhost", rolePath, url.Values{"_csrf": {tr.csrfOf("localhost")}, "scope": {"all"}, "_action": {"save"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("tenants: read saves a tenant role's master resources: %d", res.StatusCode)
		}

		// The master's admin and a subtenant's resource id: not found.
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		rootTok := root.csrfOf("localhost")
		acmePath := fmt.Sprintf("/resources/%d/sharing", acmeOwn)
		acmeBefore := c.visibilityOf(acmeOwn)
		for _, res := range []*http.Response{root.get("localhost", acmePath),
			root.post("localhost", acmePath, url.Values{"_csrf": {rootTok}, "visibility": {"assigned"}, "tenant": {"beta"}, "_action": {"save"}}),
			root.post("localhost", acmePath, url.Values{"_csrf": {rootTok}, "visibility": {"public"}, "_action": {"preview"}}),
			root.get("localhost", "/resources/99999999/sharing"), root.get("localhost", "/resources/x/sharing")} {
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("the master on %s (%s): %d, want 404", res.Request.URL.Path, res.Request.Method, res.StatusCode)
			}
		}
		// Granting acme's resource to a tenant role is refused by its field.
		res := root.post("localhost", rolePath, url.Values{"_csrf": {rootTok}, "scope": {"chosen"}, "resource": {fmt.Sprint(acmeOwn)}, "_action": {"save"}})
		if res.StatusCode != http.StatusUnprocessableEntity || doc(t, res).Find(`#error-resources`).Length() != 1 {
			t.Errorf("granting acme's resource: %d", res.StatusCode)
		}
		if got := c.visibilityOf(shared); got != before {
			t.Errorf("the shared resource after the refusals: %s, was %s", got, before)
		}
		if got := c.visibilityOf(acmeOwn); got != acmeBefore {
			t.Errorf("acme's resource after the refusals: %s, was %s", got, acmeBefore)
		}
		if ids, _ := c.store.TenantRoleResourceIDs(storetest.System(context.Background()), standard); len(ids) != 0 {
			t.Errorf("Standard's grants after the refusals: %v", ids)
		}
	})
}

func TestTheMasterPreviewsThenSavesASharingAndATenantRolesMasterResources(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		shared := c.resourceNamed("master", "shared-net")
		public := c.resourceNamed("master", "public-db")
		c.resourceNamed("acme", "acme-secret-router")
		standard := c.tenantRoleNamed("Standard")
		path := fmt.Sprintf("/resources/%d/sharing", shared)
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		tok := root.csrfOf("localhost")

		// The master's list links each resource to its sharing page.
		d := doc(t, root.get("localhost", "/sharing"))
		if href := d.Find(`[data-resource="shared-net"] [data-testid="sharing-link"]`).AttrOr("href", ""); href != path {
			t.Errorf("the list's link: %q", href)
		}
		// The picker's search is a GET.
		d = doc(t, root.get("localhost", path+"?q=bet"))
		if n := d.Find(`[data-testid="tenant-choice"]`).Length(); n != 1 || d.Find(`[data-tenant="beta"]`).Length() != 1 {
			t.Errorf("the picker searched for bet lists %d", n)
		}
		// Assigned to nobody: the form again, with the choice and the message.
		res := root.post("localhost", path, url.Values{"_csrf": {tok}, "visibility": {"assigned"}, "_action": {"save"}})
		d = doc(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || d.Find(`#error-tenants`).Length() != 1 || d.Find(`[data-testid="visibility-assigned"][checked]`).Length() != 1 {
			t.Errorf("assigned to nobody: %d", res.StatusCode)
		}
		// Preview: counts, nothing saved.
		form := url.Values{"_csrf": {tok}, "visibility": {"assigned"}, "tenant": {"acme", "beta"}, "_action": {"preview"}}
		res = root.post("localhost", path, form)
		d = doc(t, res)
		if got := strings.TrimSpace(d.Find(`[data-testid="preview-counts"]`).Text()); res.StatusCode != http.StatusOK || got != "2 tenants gain it, 0 tenants lose it." {
			t.Errorf("preview: %d %q", res.StatusCode, got)
		}
		if d.Find(`[data-tenant="acme"] input[checked]`).Length() != 1 {
			t.Error("the preview lost the person's choice")
		}
		if got := c.visibilityOf(shared); !strings.HasPrefix(got, "private v1") {
			t.Errorf("the preview saved: %s", got)
		}
		form.Set("_action", "save")
		if res := root.post("localhost", path, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		d = doc(t, root.get("localhost", path))
		if d.Find(`[data-testid="flash"]`).Length() == 0 || d.Find(`[data-testid="seer-row"]`).Length() != 2 {
			t.Errorf("after saving: %d flashes, %d seers", d.Find(`[data-testid="flash"]`).Length(), d.Find(`[data-testid="seer-row"]`).Length())
		}

		// The tenant role's section lists public resources only.
		if _, err := c.store.SetResourceVisibility(storetest.System(context.Background()), public, models.VisibilityPublic, nil); err != nil {
			t.Fatal(err)
		}
		edit := fmt.Sprintf("/tenant-roles/%d/edit", standard)
		d = doc(t, root.get("localhost", edit))
		var listed []string
		d.Find(`[data-testid="resource-choice"]`).Each(func(_ int, s *goquery.Selection) { listed = append(listed, s.AttrOr("data-resource", "")) })
		if strings.Join(listed, ",") != "public-db" {
			t.Errorf("the tenant role's choices: %v", listed)
		}
		if n := doc(t, root.get("localhost", edit+"?resource_q=nomatch")).Find(`[data-testid="resource-choice"]`).Length(); n != 0 {
			t.Errorf("a search for nomatch lists %d", n)
		}
		rform := url.Values{"_csrf": {tok}, "scope": {"chosen"}, "resource": {fmt.Sprint(public)}, "_action": {"preview"}}
		d = doc(t, root.post("localhost", fmt.Sprintf("/tenant-roles/%d/resources", standard), rform))
		if got := strings.TrimSpace(d.Find(`[data-testid="master-resources"] [data-testid="preview-counts"]`).Text()); got != "2 tenants gain it, 0 tenants lose it." {
			t.Errorf("the tenant role's preview: %q", got)
		}
		rform.Set("_action", "save")
		if res := root.post("localhost", fmt.Sprintf("/tenant-roles/%d/resources", standard), rform); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving the tenant role's resources: %d", res.StatusCode)
		}
		if ids, _ := c.store.TenantRoleResourceIDs(storetest.System(context.Background()), standard); len(ids) != 1 || ids[0] != public {
			t.Errorf("Standard's grants: %v", ids)
		}

		// The tenant's page counts its resources by kind, and names none.
		d = doc(t, root.get("localhost", "/tenants/acme"))
		if got := d.Find(`[data-testid="kind-count"][data-kind="network"] td`).Last().Text(); got != "1" {
			t.Errorf("acme's networks: %q", got)
		}
		if html, _ := d.Html(); strings.Contains(html, "acme-secret-router") {
			t.Error("the tenant's page names its resource")
		}
	})
}

func TestTheMastersResourcePageLinksToItsSharingAndASubtenantsDoesNot(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		m := c.resourceNamed("master", "shared-net")
		a := c.resourceNamed("acme", "acme-net")
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		d := doc(t, root.get("localhost", fmt.Sprintf("/resources/%d", m)))
		if href := d.Find(`[data-testid="resource-sharing-link"]`).AttrOr("href", ""); href != fmt.Sprintf("/resources/%d/sharing", m) {
			t.Errorf("the master's resource page links to %q", href)
		}
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		if n := doc(t, acme.get("acme.localhost", fmt.Sprintf("/resources/%d", a))).Find(`[data-testid="resource-sharing-link"]`).Length(); n != 0 {
			t.Errorf("acme's resource page links to sharing %d times", n)
		}
	})
}
