package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// kindKey is the key of a resource kind the routes' ":key" can name, made
// ("network") if there is none.
func (c *console) kindKey() string {
	c.t.Helper()
	ctx := storetest.System(context.Background())
	if _, err := c.store.ResourceKindByKey(ctx, "network"); errors.Is(err, models.ErrNotFound) {
		if _, err := c.store.CreateResourceKind(ctx, models.KindInput{Key: "network", Label: "Network",
			Attributes: []models.KindAttribute{{Name: "cidr", Label: "CIDR", Type: models.AttributeText, Required: true}}}); err != nil {
			c.t.Fatal(err)
		}
	} else if err != nil {
		c.t.Fatal(err)
	}
	return "network"
}

// kindsNow is every kind's key and version, to show a refused request changed nothing.
func (c *console) kindsNow() string {
	c.t.Helper()
	kinds, err := c.store.ResourceKinds(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for _, k := range kinds {
		out = append(out, k.Key+"@"+strconv.Itoa(k.Version)+":"+k.Label)
	}
	return strings.Join(out, " ")
}

// kindPosts are a form for each of the kinds' POST routes that would change something.
func kindPosts(csrf string) map[string]url.Values {
	return map[string]url.Values{
		"/resource-kinds/new":            {"_csrf": {csrf}, "key": {"device"}, "label": {"Device"}},
		"/resource-kinds/network/edit":   {"_csrf": {csrf}, "version": {"1"}, "key": {"network"}, "label": {"Taken"}},
		"/resource-kinds/network/delete": {"_csrf": {csrf}},
	}
}

var kindPages = []string{"/resource-kinds", "/resource-kinds/new", "/resource-kinds/network/edit", "/resource-kinds/network/delete"}

func TestASubtenantsSessionGetsNoKindsPage(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.kindKey()
		before := c.kindsNow()
		admin := c.browser()
		admin.signedIn("acme.localhost", "admin@acme.example")
		csrf := admin.csrfOf("acme.localhost")
		for _, p := range kindPages {
			if res := admin.get("acme.localhost", p); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s on acme's host: %d, want 404", p, res.StatusCode)
			}
		}
		cookie := admin.sessionCookie("acme.localhost")
		for p, form := range kindPosts(csrf) {
			if res := admin.post("acme.localhost", p, form); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s on acme's host: %d, want 404", p, res.StatusCode)
			}
			// acme's cookie sent to the master's host is nobody there.
			res := c.browser().post("localhost", p, form, "Cookie", cookie.Name+"="+cookie.Value)
			refused(t, "POST "+p+" on the master's host with acme's session", res)
		}
		if d := doc(t, admin.get("acme.localhost", "/")); d.Find(`[data-testid="nav"] a[href="/resource-kinds"]`).Length() != 0 {
			t.Error("acme's admin is shown the kinds link")
		}
		if after := c.kindsNow(); after != before {
			t.Errorf("kinds went from %q to %q", before, after)
		}
	})
}

func TestAMasterUserBelowResourcesFullReadsKindsButCannotChangeThem(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.kindKey()
		before := c.kindsNow()
		c.limitedUser("master", "kindreader", models.Permissions{models.FeatureResources: models.LevelRead})
		reader := c.browser()
		reader.signedIn("localhost", "kindreader")
		res := reader.get("localhost", "/resource-kinds")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("the list for a reader: %d", res.StatusCode)
		}
		d := doc(t, res)
		if d.Find(`[data-testid="kind-row"][data-kind="network"]`).Length() != 1 {
			t.Error("the reader does not see the kind")
		}
		if n := d.Find(`[data-testid="kind-new"], [data-testid="kind-edit"], [data-testid="kind-delete"]`).Length(); n != 0 {
			t.Errorf("the reader is offered %d changes", n)
		}
		for _, p := range kindPages[1:] {
			if res := reader.get("localhost", p); res.StatusCode != http.StatusForbidden {
				t.Errorf("GET %s as a reader: %d, want 403", p, res.StatusCode)
			}
		}
		for p, form := range kindPosts(reader.csrfOf("localhost")) {
			if res := reader.post("localhost", p, form); res.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s as a reader: %d, want 403", p, res.StatusCode)
			}
		}
		if after := c.kindsNow(); after != before {
			t.Errorf("kinds went from %q to %q", before, after)
		}
	})
}

func TestKindFormsCarryTheCSRFTokenAndRefuseAPostWithout(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.kindKey()
		before := c.kindsNow()
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		for _, p := range kindPages[1:] {
			d := doc(t, root.get("localhost", p))
			if tok, _ := d.Find(`form[method="post"] input[name="_csrf"]`).Attr("value"); tok == "" {
				t.Errorf("%s: the form has no CSRF token", p)
			}
		}
		// A key no kind has is not found, on every route that names one.
		for _, p := range []string{"/resource-kinds/nope/edit", "/resource-kinds/nope/delete", "/resource-kinds/NETWORK/edit"} {
			if res := root.get("localhost", p); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
			}
			if res := root.post("localhost", p, url.Values{"_csrf": {root.csrfOf("localhost")}, "version": {"1"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", p, res.StatusCode)
			}
		}
		for p, form := range kindPosts("") {
			form.Del("_csrf")
			if res := root.post("localhost", p, form); res.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s without a token: %d, want 403", p, res.StatusCode)
			}
		}
		if after := c.kindsNow(); after != before {
			t.Errorf("kinds went from %q to %q", before, after)
		}
	})
}

func TestTheKindFormKeepsWhatWasTypedAddsRowsAndSaysWhatIsWrongByField(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		csrf := root.csrfOf("localhost")
		if n := doc(t, root.get("localhost", "/resource-kinds/new")).Find(`[data-testid="kind-attribute"]`).Length(); n != 3 {
			t.Errorf("a new kind's form has %d attribute rows, want 3", n)
		}
		form := url.Values{"_csrf": {csrf}, "key": {"cloud"}, "label": {"Cloud account"}, "attr_rows": {"3"},
			"attr.1.name": {"provider"}, "attr.1.type": {"choice"}, "attr.1.choices": {"aws, azure, gcp"}, "attr.1.required": {"on"},
			"attr.2.type": {"text"},
			"attr.3.name": {"Region"}, "attr.3.type": {"text"}, "_action": {"more"}}
		res := root.post("localhost", "/resource-kinds/new", form)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("add more rows: %d", res.StatusCode)
		}
		d := doc(t, res)
		if n := d.Find(`[data-testid="kind-attribute"]`).Length(); n != 5 {
			t.Errorf("after adding rows: %d rows, want the 2 typed and 3 empty", n)
		}
		if v, _ := d.Find(`[name="attr.1.choices"]`).Attr("value"); v != "aws, azure, gcp" {
			t.Errorf("choices typed came back as %q", v)
		}
		if v, _ := d.Find(`[name="attr.2.name"]`).Attr("value"); v != "Region" {
			t.Errorf("the third row typed is now the second: %q", v)
		}
		if d.Find(`[name="attr.1.required"][checked]`).Length() != 1 || d.Find(`[name="attr.1.type"] option[selected]`).AttrOr("value", "") != "choice" {
			t.Error("the first row's type and required were lost")
		}
		if c.kindsNow() != "" {
			t.Fatal("adding rows saved the kind")
		}
		// Saved as it stands, the bad name is refused by its field.
		form.Del("_action")
		res = root.post("localhost", "/resource-kinds/new", form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a bad attribute name: %d", res.StatusCode)
		}
		d = doc(t, res)
		if msg := d.Find(`#error-attr\.2\.name`).Text(); !strings.Contains(msg, "lower-case letter") {
			t.Errorf("the second row's name says %q", msg)
		}
		if v, _ := d.Find(`[name="key"]`).Attr("value"); v != "cloud" {
			t.Errorf("the key typed came back as %q", v)
		}
		form.Set("attr.3.name", "region")
		res = root.post("localhost", "/resource-kinds/new", form)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/resource-kinds" {
			t.Fatalf("a good kind: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		d = doc(t, root.get("localhost", "/resource-kinds"))
		if f := d.Find(`[data-testid="flash"]`).Text(); !strings.Contains(f, "“cloud” created") {
			t.Errorf("flash %q", f)
		}
		if a := d.Find(`[data-kind="cloud"] [data-testid="kind-attributes"]`).Text(); !strings.Contains(a, "provider (choice, required)") || !strings.Contains(a, "region (text)") {
			t.Errorf("the list says %q", a)
		}
	})
}

func TestAKindInUseIsRefusedDeletionSayingByHowMany(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.kindKey()
		acme, _ := c.store.TenantBySubdomain(context.Background(), "acme")
		now := time.Now().UTC()
		storetest.Exec(t, c.store, "INSERT INTO resources (tenant_id, kind, name, attributes, version, created_at, updated_at) VALUES (?, 'network', 'office', '{}', 1, ?, ?)", acme.ID, now, now)
		root := c.browser()
		root.signedIn("localhost", "root@example.com")
		if n := doc(t, root.get("localhost", "/resource-kinds")).Find(`[data-kind="network"] [data-testid="kind-resources"]`).Text(); n != "1" {
			t.Errorf("the list counts %q resources", n)
		}
		d := doc(t, root.get("localhost", "/resource-kinds/network/edit"))
		if d.Find(`[name="key"][readonly]`).Length() != 1 {
			t.Error("the key of a kind in use is offered for change")
		}
		res := root.post("localhost", "/resource-kinds/network/delete", url.Values{"_csrf": {root.csrfOf("localhost")}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("delete in use: %d", res.StatusCode)
		}
		if msg := doc(t, res).Find(`[data-testid="form-error"]`).Text(); !strings.Contains(msg, "1 resource has this kind") {
			t.Errorf("the refusal says %q", msg)
		}
		if _, err := c.store.ResourceKindByKey(context.Background(), "network"); err != nil {
			t.Errorf("the kind went: %v", err)
		}
	})
}
