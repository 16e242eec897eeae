package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"landlord/models"
)

// action is one POST of the console as a person makes it: the form read
// from page (on host, as who), the fields changed, and a word the message
// on the page it leads to must hold.
type action struct {
	route   string // the declared route, "POST /users/:id/edit"
	who     string // "root", "acme"
	host    string
	page    string // where the form is; its action is path
	path    string
	set     url.Values
	message string
}

// Routes whose message is checked elsewhere, and why.
var actionsCheckedElsewhere = map[string]string{
	"POST /login":                        "the dashboard it leads to is its answer; a failure re-renders the form (TestEveryLoginFailureLooksTheSame)",
	"POST /tenants/new":                  "a wizard: its last step's message is TestTheCreateWizardChecksEachStepKeepsWhatWasTypedAndCreatesOnce's",
	"POST /users/new":                    "a wizard: its last step's message is TestTheUserWizardChecksEachStepAndCreatesOnReview's",
	"POST /tenants/:subdomain/users/new": "the same wizard on the master's pages",
	"POST /roles/new":                    "a wizard: its last step's message is TestTheRoleWizardWalksItsStepsKeepsWhatWasTypedAndCreatesOnce's",
	"POST /tenant-roles/new":             "a wizard: its last step's message is TestTheTenantRoleWizardWalksItsStepsKeepsWhatWasTypedAndCreatesAtTheEnd's",
}

// Every POST of the console ends on a page that says what it did: this
// walks them all, as a person would, and fails for a POST route it does not
// know (a new action must say what it did too).
func TestEveryConsoleActionSaysWhatItDid(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		c.limitedUser("acme", "carol", models.Permissions{models.FeatureUsers: models.LevelRead})
		c.limitedUser("acme", "dave", models.Permissions{models.FeatureUsers: models.LevelRead})
		c.limitedUser("acme", "erin", models.Permissions{models.FeatureUsers: models.LevelRead})
		c.limitedUser("acme", "frank", models.Permissions{models.FeatureUsers: models.LevelRead})
		c.limitedUser("acme", "alice", models.Permissions{models.FeatureUsers: models.LevelRead})
		carol, dave, erin, frank := itoa(c.userNamed("acme", "carol")), itoa(c.userNamed("acme", "dave")), itoa(c.userNamed("acme", "erin")), itoa(c.userNamed("acme", "frank"))
		spare := itoa(c.newRole("acme", "Spare", models.Permissions{models.FeatureUsers: models.LevelRead}))
		tr, err := c.store.CreateTenantRole(c.inTenant("master"), models.NewRole{Name: "Bronze", Permissions: models.Permissions{models.FeatureUsers: models.LevelRead}})
		if err != nil {
			t.Fatal(err)
		}
		bronze := itoa(tr.ID)
		shared := itoa(c.resourceNamed("master", "shared-net"))
		if _, err := c.store.CreateTenant(c.inTenant("master"), models.NewTenant{Subdomain: "gamma", Name: "Gamma"}); err != nil {
			t.Fatal(err)
		}
		kind := c.kindKey()
		core, oldCore := itoa(c.resourceNamed("acme", "core")), itoa(c.resourceNamed("acme", "old-core"))
		groupIn := func(name string) string {
			g, err := c.store.CreateResourceGroup(c.inTenant("acme"), models.GroupInput{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			return itoa(g.ID)
		}
		lab, oldLab := groupIn("Lab"), groupIn("Old lab")
		pw := url.Values{"password": {"a fresh long passphrase"}, "password_confirm": {"a fresh long passphrase"}}

		actions := []action{
			{"POST /tenants/:subdomain/edit", "root", "localhost", "/tenants/acme/edit", "/tenants/acme/edit", url.Values{"name": {"Acme Corp."}}, "saved"},
			{"POST /tenants/:subdomain/disable", "root", "localhost", "/tenants/gamma/disable", "/tenants/gamma/disable", nil, "disabled"},
			{"POST /tenants/:subdomain/enable", "root", "localhost", "/tenants/gamma", "/tenants/gamma/enable", nil, "enabled"},
			{"POST /tenants/:subdomain/delete", "root", "localhost", "/tenants/gamma/delete", "/tenants/gamma/delete", url.Values{"confirm": {"gamma"}}, "deleted"},
			{"POST /roles/:id/edit", "acme", "acme.localhost", "/roles/" + spare + "/edit", "/roles/" + spare + "/edit", url.Values{"description": {"Spare, described."}}, "saved"},
			{"POST /roles/:id/groups", "acme", "acme.localhost", "/roles/" + spare + "/groups", "/roles/" + spare + "/groups", url.Values{"group." + lab: {"read"}}, "Group access"},
			{"POST /resources/new", "acme", "acme.localhost", "/resources/new?kind=" + kind, "/resources/new", url.Values{"name": {"edge"}, "attr.cidr": {"10.1.0.0/16"}, "group": {lab}}, "created"},
			{"POST /resources/:id/edit", "acme", "acme.localhost", "/resources/" + core + "/edit", "/resources/" + core + "/edit", url.Values{"description": {"The core network."}, "attr.cidr": {"10.0.0.0/8"}}, "saved"},
			{"POST /resources/:id/delete", "acme", "acme.localhost", "/resources/" + oldCore + "/delete", "/resources/" + oldCore + "/delete", nil, "deleted"},
			{"POST /resource-groups/new", "acme", "acme.localhost", "/resource-groups/new", "/resource-groups/new", url.Values{"name": {"Edge"}}, "created"},
			{"POST /resource-groups/:id/edit", "acme", "acme.localhost", "/resource-groups/" + lab + "/edit", "/resource-groups/" + lab + "/edit", url.Values{"description": {"The lab."}}, "saved"},
			{"POST /resource-groups/:id/delete", "acme", "acme.localhost", "/resource-groups/" + oldLab + "/delete", "/resource-groups/" + oldLab + "/delete", url.Values{"fate": {"ungroup"}}, "deleted"},
			{"POST /roles/:id/delete", "acme", "acme.localhost", "/roles/" + spare + "/delete", "/roles/" + spare + "/delete", nil, "deleted"},
			{"POST /tenant-roles/:id/edit", "root", "localhost", "/tenant-roles/" + bronze + "/edit", "/tenant-roles/" + bronze + "/edit", url.Values{"description": {"Bronze, described."}}, "saved"},
			{"POST /tenant-roles/:id/resources", "root", "localhost", "/tenant-roles/" + bronze + "/edit", "/tenant-roles/" + bronze + "/resources", url.Values{"scope": {"all"}}, "Master resources saved"},
			{"POST /resources/:id/sharing", "root", "localhost", "/resources/" + shared + "/sharing", "/resources/" + shared + "/sharing", url.Values{"visibility": {"public"}}, "Sharing saved"},
			{"POST /tenant-roles/:id/delete", "root", "localhost", "/tenant-roles/" + bronze + "/delete", "/tenant-roles/" + bronze + "/delete", nil, "deleted"},
			{"POST /resource-kinds/new", "root", "localhost", "/resource-kinds/new", "/resource-kinds/new", url.Values{"key": {"cloud"}, "label": {"Cloud"}}, "created"},
			{"POST /resource-kinds/:key/edit", "root", "localhost", "/resource-kinds/" + kind + "/edit", "/resource-kinds/" + kind + "/edit", url.Values{"label": {"Networks"}}, "saved"},
			{"POST /resource-kinds/:key/delete", "root", "localhost", "/resource-kinds/cloud/delete", "/resource-kinds/cloud/delete", nil, "deleted"},
			{"POST /settings", "acme", "acme.localhost", "/settings", "/settings", nil, "saved"},
			{"POST /users/:id/edit", "acme", "acme.localhost", "/users/" + carol + "/edit", "/users/" + carol + "/edit", url.Values{"first_name": {"Carol"}}, "saved"},
			{"POST /users/:id/disable", "acme", "acme.localhost", "/users/" + carol, "/users/" + carol + "/disable", nil, "disabled"},
			{"POST /users/:id/enable", "acme", "acme.localhost", "/users/" + carol, "/users/" + carol + "/enable", nil, "enabled"},
			{"POST /users/:id/password", "acme", "acme.localhost", "/users/" + carol + "/password", "/users/" + carol + "/password", pw, "assword"},
			{"POST /users/:id/delete", "acme", "acme.localhost", "/users/" + dave + "/delete", "/users/" + dave + "/delete", url.Values{"confirm": {"dave"}}, "deleted"},
			{"POST /tenants/:subdomain/users/:id/edit", "root", "localhost", "/tenants/acme/users/" + erin + "/edit", "/tenants/acme/users/" + erin + "/edit", url.Values{"first_name": {"Erin"}}, "saved"},
			{"POST /tenants/:subdomain/users/:id/disable", "root", "localhost", "/tenants/acme/users/" + erin, "/tenants/acme/users/" + erin + "/disable", nil, "disabled"},
			{"POST /tenants/:subdomain/users/:id/enable", "root", "localhost", "/tenants/acme/users/" + erin, "/tenants/acme/users/" + erin + "/enable", nil, "enabled"},
			{"POST /tenants/:subdomain/users/:id/password", "root", "localhost", "/tenants/acme/users/" + erin + "/password", "/tenants/acme/users/" + erin + "/password", pw, "assword"},
			{"POST /tenants/:subdomain/users/:id/delete", "root", "localhost", "/tenants/acme/users/" + frank + "/delete", "/tenants/acme/users/" + frank + "/delete", url.Values{"confirm": {"frank"}}, "deleted"},
			{"POST /logout", "acme", "acme.localhost", "/", "/logout", nil, "signed out"},
		}
		browsers := map[string]*browser{"root": c.browser(), "acme": c.browser()}
		browsers["root"].signedIn("localhost", "root@example.com")
		browsers["acme"].signedIn("acme.localhost", "admin@acme.example")
		walked := map[string]bool{}
		for _, a := range actions {
			walked[a.route] = true
			b := browsers[a.who]
			d, _ := b.open(a.host, a.page)
			form := formOf(d, `form[action="`+a.path+`"]`)
			if form.Get("_csrf") == "" {
				t.Errorf("%s: no form posting to %s on %s", a.route, a.path, a.page)
				continue
			}
			for k, v := range a.set {
				form[k] = v
			}
			res := b.post(a.host, a.path, form)
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || loc == "" {
				t.Errorf("%s: %d, want 303 (%s)", a.route, res.StatusCode, doc(t, res).Find(`[data-testid="form-error"], .field-error`).Text())
				continue
			}
			if got := flashes(t, b.get(a.host, loc)); !strings.Contains(got, a.message) {
				t.Errorf("%s: the page it leads to (%s) says %q, want %q", a.route, loc, got, a.message)
			}
		}

		// Impersonation: its start says so on the tenant's host, its end back
		// on the master console (TestEndingAnImpersonationSaysSoBackOnTheMasterConsole).
		walked["POST /tenants/:subdomain/users/:id/impersonate"] = true
		im := c.impersonate("acme", c.userNamed("acme", "alice"))
		if got := flashes(t, im.master.get("acme.localhost", "/")); !strings.Contains(got, "You are impersonating alice") {
			t.Errorf("after starting the impersonation: %q", got)
		}
		walked["POST /impersonation/end"] = true
		res := im.master.post("acme.localhost", "/impersonation/end", url.Values{"_csrf": {im.master.csrfOf("acme.localhost")}})
		if loc, _ := url.Parse(res.Header.Get("Location")); res.StatusCode != http.StatusSeeOther ||
			!strings.Contains(flashes(t, im.master.get("localhost", loc.RequestURI())), "has ended") {
			t.Errorf("after ending the impersonation: %d %s", res.StatusCode, loc)
		}

		// The master ends a running one from the dashboard: the dashboard says so.
		walked["POST /impersonations/:id/end"] = true
		c.impersonate("acme", c.userNamed("acme", "alice"))
		root := browsers["root"]
		row := root.mustSeeDashboard("localhost").Find(`[data-testid="running-impersonation"]`)
		res = root.post("localhost", row.Find("form").AttrOr("action", ""), url.Values{"_csrf": {root.csrfOf("localhost")}})
		if got := flashes(t, root.get("localhost", res.Header.Get("Location"))); res.StatusCode != http.StatusSeeOther || !strings.Contains(got, "The impersonation has ended.") {
			t.Errorf("ending an impersonation from the dashboard: %d %q", res.StatusCode, got)
		}

		// The checkpoint check shows its result at once, with its summary.
		walked["POST /audit/verify"] = true
		res = root.uploadCheckpoints("localhost", root.csrfOf("localhost"), c.checkpointLine("master"))
		if got := flashes(t, res); res.StatusCode != http.StatusOK || !strings.Contains(got, "1 of 1 checkpoints reached") {
			t.Errorf("checking a checkpoint: %d %q", res.StatusCode, got)
		}

		routes, _ := c.server.RegisteredRoutes()
		for _, r := range routes {
			name := r.Method + " " + r.Path
			if r.Method != http.MethodPost || walked[name] {
				continue
			}
			if _, ok := actionsCheckedElsewhere[name]; !ok {
				t.Errorf("%s: no case says what it tells the person", name)
			}
		}
	})
}
