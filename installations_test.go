package main

import (
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"landlord/models/storetest"
	"landlord/models/tenancy"
)

// TestTwoInstallationsOnOneClusterStartTogetherAndStayApart runs two
// installations on one PostgreSQL cluster, each in a database of its own,
// both servers started at once on empty databases. A request role shared by
// the two would race on ALTER ROLE (the advisory lock around it is per
// database), take the second one's password (under password authentication
// locking the first out), and hold grants in both databases. Each has a
// role of its own instead: both start, both serve a signed-in request, and
// neither's role can read the other's tables.
func TestTwoInstallationsOnOneClusterStartTogetherAndStayApart(t *testing.T) {
	ins := []*instance{newInstance(t, "sqlite"), newInstance(t, "sqlite")}
	for _, in := range ins {
		in.env["LANDLORD_DATABASE_URL"] = storetest.Database(t)
		in.env["LANDLORD_ADDR"] = "127.0.0.1:0"
		in.env["LANDLORD_LOG_LEVEL"] = "info"
	}
	// Both at once: migrations, the role's login and the listener.
	var wg sync.WaitGroup
	errs := make([]string, len(ins))
	for i, in := range ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = in.serveAsync()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != "" {
			t.Fatalf("installation %d: %s", i, err)
		}
	}

	admin, err := sql.Open("pgx", os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	roles := make([]string, len(ins))
	for i, in := range ins {
		// The role the server runs as, seen by PostgreSQL.
		u, _ := url.Parse(in.env["LANDLORD_DATABASE_URL"])
		database := strings.TrimPrefix(u.Path, "/")
		if err := admin.QueryRow("SELECT usename FROM pg_stat_activity WHERE datname = $1 AND application_name = 'landlord' LIMIT 1", database).Scan(&roles[i]); err != nil {
			t.Fatalf("installation %d: no connection of its request traffic: %v", i, err)
		}
		if want := tenancy.RoleName(database, "public"); roles[i] != want {
			t.Errorf("installation %d runs as %s, want %s", i, roles[i], want)
		}
		sub := []string{"alpha", "bravo"}[i]
		in.cli("set-admin-password", "master", "root@example.com", "correct horse battery staple")
		in.cli("tenants", "create", "--subdomain", sub, "--name", sub+" Corp")
	}
	if roles[0] == roles[1] {
		t.Fatalf("both installations run as %s", roles[0])
	}
	for i, in := range ins {
		page := in.signedInGet(t, "root@example.com", "correct horse battery staple", "/tenants")
		own, other := []string{"alpha", "bravo"}[i], []string{"alpha", "bravo"}[1-i]
		if !strings.Contains(page, own+" Corp") || strings.Contains(page, other+" Corp") {
			t.Errorf("installation %d's tenant list: has its own tenant %v, the other's %v", i, strings.Contains(page, own+" Corp"), strings.Contains(page, other+" Corp"))
		}
	}

	// Each role holds its own password and its own grants only.
	var passwords int
	if err := admin.QueryRow("SELECT count(DISTINCT rolpassword) FROM pg_authid WHERE rolname = ANY($1) AND rolcanlogin", roles).Scan(&passwords); err != nil || passwords != 2 {
		t.Errorf("the two request roles have %d passwords of their own (%v), want 2", passwords, err)
	}
	for i, in := range ins {
		db, err := sql.Open("pgx", in.env["LANDLORD_DATABASE_URL"])
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		read := func(role string) error {
			tx, err := db.Begin()
			if err != nil {
				return err
			}
			defer tx.Rollback()
			if _, err := tx.Exec("SET LOCAL ROLE " + role); err != nil {
				return err
			}
			var n int
			return tx.QueryRow("SELECT count(*) FROM tenants").Scan(&n)
		}
		if err := read(roles[i]); err != nil {
			t.Errorf("installation %d's own role cannot read its tenants: %v", i, err)
		}
		if err := read(roles[1-i]); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("installation %d's role reads installation %d's tenants: %v", 1-i, i, err)
		}
	}
}

// serveAsync starts `landlord serve` as serve does, for starting several at
// once: it returns what went wrong instead of failing the test from a
// goroutine of its own.
func (in *instance) serveAsync() string {
	logs, logw := io.Pipe()
	announced := listeningAddr(logs)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve"}, in.getenv, strings.NewReader(""), io.Discard, logw)
		logw.Close()
		done <- err
	}()
	in.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			in.t.Errorf("serve ended with %v", err)
		}
	})
	select {
	case addr := <-announced:
		if addr == "" {
			return "landlord serve ended before listening: " + errText(<-done)
		}
		_, in.port, _ = net.SplitHostPort(addr)
		return ""
	case <-time.After(60 * time.Second):
		return "landlord serve did not say where it listens within 60s"
	}
}

func errText(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signedInGet signs in on the master's host through the login form and
// returns the body of path, which must answer 200.
func (in *instance) signedInGet(t *testing.T, username, password, path string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) (int, string) {
		res, err := c.Get(in.url("localhost", path))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	_, form := get("/login")
	m := csrfField.FindStringSubmatch(form)
	if m == nil {
		t.Fatal("the login form carries no CSRF token")
	}
	res, err := c.PostForm(in.url("localhost", "/login"), url.Values{"username": {username}, "password": {password}, "_csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
		t.Fatalf("sign in: %d at %s", res.StatusCode, res.Request.URL.Path)
	}
	status, body := get(path)
	if status != http.StatusOK {
		t.Fatalf("%s signed in: %d", path, status)
	}
	return body
}
