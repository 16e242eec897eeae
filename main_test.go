package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// instance is the landlord program run as its CLI and server would be, on one database.
type instance struct {
	t    *testing.T
	env  map[string]string
	port string
}

func newInstance(t *testing.T, dialect string) *instance {
	t.Helper()
	env := map[string]string{"LANDLORD_DATA_DIR": t.TempDir(), "LANDLORD_LOG_LEVEL": "warn"}
	if dialect == "postgres" {
		env["LANDLORD_DATABASE_URL"] = storetest.Schema(t)
	}
	return &instance{t: t, env: env}
}

func (in *instance) getenv(k string) string { return in.env[k] }

// cli runs one command and returns its standard output.
func (in *instance) cli(args ...string) string {
	in.t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, in.getenv, strings.NewReader(""), &out, &errOut); err != nil {
		in.t.Fatalf("landlord %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// serve starts `landlord serve` on a port the system picks and learns which
// from its "listening" log line: a port found free beforehand could be taken by
// someone else before the server binds it. It returns what serve has printed
// on standard output by then.
func (in *instance) serve() string {
	in.t.Helper()
	in.env["LANDLORD_ADDR"] = "127.0.0.1:0"
	in.env["LANDLORD_LOG_LEVEL"] = "info" // the level of the "listening" line
	logs, logw := io.Pipe()
	announced := listeningAddr(logs)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out syncBuffer
	go func() {
		err := run(ctx, []string{"serve"}, in.getenv, strings.NewReader(""), &out, logw)
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
			in.t.Fatal("landlord serve ended before listening")
		}
		_, in.port, _ = net.SplitHostPort(addr)
	case <-time.After(30 * time.Second):
		in.t.Fatal("landlord serve did not say where it listens within 30s")
	}
	return out.String()
}

// syncBuffer is a bytes.Buffer that a server goroutine writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// listeningAddr reads JSON log lines from r and sends the address of the first
// "listening" line, or "" if r ends without one. It reads r to the end, so
// whoever writes the log is never blocked.
func listeningAddr(r io.Reader) <-chan string {
	addr := make(chan string, 1)
	go func() {
		defer close(addr)
		sent := false
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if !sent && json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
				sent = true
			}
		}
		io.Copy(io.Discard, r) // a line too long for the scanner must not stall the writer
	}()
	return addr
}

func TestServeWithNoEnvironmentServesLoginFromEmbeddedDatabase(t *testing.T) {
	in := newInstance(t, "sqlite")
	in.serve()
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+in.port+"/login", nil)
	req.Host = "localhost:" + in.port
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/login: %d", res.StatusCode)
	}
	for _, f := range []string{"landlord.db", "session.key"} {
		if _, err := os.Stat(filepath.Join(in.env["LANDLORD_DATA_DIR"], f)); err != nil {
			t.Errorf("data dir lacks %s: %v", f, err)
		}
	}
	res, err = http.Get("http://127.0.0.1:" + in.port + "/readyz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("/readyz: %v %v", res, err)
	}
}

func TestTenantsCommandsPrintJSON(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			in := newInstance(t, d)
			in.cli("migrate")
			var created struct {
				ID        uint64 `json:"id"`
				Subdomain string `json:"subdomain"`
			}
			if err := json.Unmarshal([]byte(in.cli("tenants", "create", "--subdomain", "acme", "--name", "Acme Corp")), &created); err != nil || created.Subdomain != "acme" {
				t.Fatalf("create: %+v %v", created, err)
			}
			var list []struct {
				ID        uint64    `json:"id"`
				Subdomain string    `json:"subdomain"`
				Name      string    `json:"name"`
				Enabled   bool      `json:"enabled"`
				Created   time.Time `json:"created"`
			}
			if err := json.Unmarshal([]byte(in.cli("tenants", "list")), &list); err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 || list[0].Subdomain != "master" || list[1].Subdomain != "acme" || list[1].Name != "Acme Corp" || !list[1].Enabled || list[1].Created.IsZero() {
				t.Fatalf("list: %+v", list)
			}
		})
	}
}

func TestCLIRefusesBadInputWithAMessage(t *testing.T) {
	in := newInstance(t, "sqlite")
	cases := []struct {
		args []string
		want string // a fragment of the message that says what is wrong
	}{
		{[]string{"tenants", "create", "--subdomain", "Bad_Name", "--name", "X"}, "subdomain: Use lowercase letters"},
		{[]string{"tenants", "create", "--subdomain", "www", "--name", "X"}, `subdomain: "www" is reserved`},
		{[]string{"set-admin-password", "master", "not-an-email", "long enough password"}, "email: Enter an email address"},
		{[]string{"set-admin-password", "master", "a@example.com", "short"}, "password: Use at least 12 characters"},
		{[]string{"set-admin-password", "nosuch", "a@example.com", "long enough password"}, `tenant "nosuch": not found`},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"dev", "seed", "--tenants", "0"}, "tenants: Give between 1 and"},
		{[]string{"dev", "seed", "--tenants", "2", "--users", "lots"}, `invalid value "lots" for flag -users`},
		{[]string{"dev", "frobnicate"}, "usage: landlord dev seed"},
	}
	for _, tc := range cases {
		err := run(context.Background(), tc.args, in.getenv, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("landlord %v: error %v, want it to say %q", tc.args, err, tc.want)
		}
	}
	bad := map[string]string{"LANDLORD_ADDR": "nope"}
	const want = `LANDLORD_ADDR "nope": expected host:port`
	if err := run(context.Background(), []string{"serve"}, func(k string) string { return bad[k] }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("bad config: error %v, want it to say %q", err, want)
	}
}

func (in *instance) url(host, path string) string {
	return fmt.Sprintf("http://%s:%s%s", host, in.port, path)
}

func TestAuditArchiveAndVerifyFromTheCommandLine(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			in := newInstance(t, d)
			in.cli("migrate")
			in.cli("tenants", "create", "--subdomain", "acme", "--name", "Acme Corp")
			dir := t.TempDir()
			tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
			out := in.cli("audit", "archive", "--before", tomorrow, "--tenant", "master", "--dir", dir)
			files, _ := filepath.Glob(filepath.Join(dir, "master-audit-through-*.jsonl"))
			if len(files) != 1 || !strings.Contains(out, "events through") {
				t.Fatalf("archive said %q and wrote %v", out, files)
			}
			body, _ := os.ReadFile(files[0])
			if !strings.Contains(string(body), `"action":"tenant.create"`) || !strings.Contains(string(body), `"chain_head"`) {
				t.Errorf("archive file: %s", body)
			}
			if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*")); len(leftovers) != 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
			if out := in.cli("audit", "verify"); !strings.Contains(out, "master: ") || !strings.Contains(out, "acme: ") || strings.Contains(out, "broken") {
				t.Errorf("verify after archiving: %q", out)
			}
			err := run(context.Background(), []string{"audit", "archive", "--before", "last week"}, in.getenv, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
				t.Errorf("a bad day: %v", err)
			}
		})
	}
}

// fails runs one command that must fail and returns its error and output.
func (in *instance) fails(args ...string) (string, string) {
	in.t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, in.getenv, strings.NewReader(""), &out, &bytes.Buffer{})
	if err == nil {
		in.t.Fatalf("landlord %s succeeded:\n%s", strings.Join(args, " "), out.String())
	}
	return err.Error(), out.String()
}

// exec runs SQL on the instance's database behind the program's back.
func (in *instance) exec(query string, args ...any) {
	in.t.Helper()
	opts := models.Options{PostgresURL: in.env["LANDLORD_DATABASE_URL"]}
	if opts.PostgresURL == "" {
		opts.SQLitePath = filepath.Join(in.env["LANDLORD_DATA_DIR"], "landlord.db")
	}
	storetest.ExecAt(in.t, opts, query, args...)
}

func TestAuditCheckpointsFromTheCommandLineCatchARollback(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			in := newInstance(t, d)
			in.cli("tenants", "create", "--subdomain", "acme", "--name", "Acme Corp")
			in.cli("set-admin-password", "acme", "admin@acme.example", "a long enough password")
			in.cli("set-admin-password", "acme", "other@acme.example", "a long enough password")
			out := in.cli("audit", "checkpoint")
			var cps []models.AuditCheckpoint
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				var cp models.AuditCheckpoint
				if err := json.Unmarshal([]byte(line), &cp); err != nil || cp.Signature == "" {
					t.Fatalf("checkpoint line %q: %v", line, err)
				}
				cps = append(cps, cp)
			}
			if len(cps) != 2 || cps[0].Tenant != "master" || cps[1].Tenant != "acme" || cps[1].HeadID == 0 || cps[1].Events < 2 {
				t.Fatalf("checkpoints: %+v", cps)
			}
			file := filepath.Join(t.TempDir(), "checkpoints.jsonl")
			if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
				t.Fatal(err)
			}
			if out := in.cli("audit", "verify", "--checkpoint", file); strings.Count(out, "chain holds; 1 checkpoint(s) checked") != 2 {
				t.Fatalf("verify against fresh checkpoints: %q", out)
			}
			if out := in.cli("audit", "verify", "--tenant", "acme", "--checkpoint", file); !strings.Contains(out, "1 line(s) of other tenants not checked") {
				t.Errorf("one tenant's verify: %q", out)
			}

			// The newest event deleted and the head rolled back: the chain
			// alone holds, the checkpoint does not.
			in.exec("DELETE FROM audit_events WHERE id = ?", cps[1].HeadID)
			in.exec(`UPDATE audit_chains SET head_id = (SELECT max(id) FROM audit_events WHERE tenant_id = ?),
				head_hash = (SELECT hash FROM audit_events WHERE tenant_id = ? ORDER BY id DESC LIMIT 1) WHERE tenant_id = ?`, cps[1].TenantID, cps[1].TenantID, cps[1].TenantID)
			if out := in.cli("audit", "verify"); strings.Contains(out, "broken") {
				t.Fatalf("plain verify after the rollback: %q", out)
			}
			msg, out := in.fails("audit", "verify", "--checkpoint", file)
			if !strings.Contains(msg, "acme") || !strings.Contains(msg, "no longer in the chain") || !strings.Contains(out, "master: 1 events, chain holds") {
				t.Errorf("verify --checkpoint after the rollback: %v\n%s", msg, out)
			}

			// A forged line: the rolled-back head, re-signed by nobody.
			forged := cps[1]
			forged.HeadID--
			b, _ := json.Marshal(forged)
			if err := os.WriteFile(file, append(b, '\n'), 0o600); err != nil {
				t.Fatal(err)
			}
			if msg, _ := in.fails("audit", "verify", "--tenant", "acme", "--checkpoint", file); !strings.Contains(msg, "acme: checkpoint on line 1") || !strings.Contains(msg, "signature does not match") {
				t.Errorf("a forged line: %v", msg)
			}

			// Lines of a tenant that is gone: forged ones are told as forged,
			// genuine ones as a tenant no longer there.
			ghost := cps[0]
			ghost.TenantID = 999
			b, _ = json.Marshal(ghost)
			if err := os.WriteFile(file, append(b, '\n'), 0o600); err != nil {
				t.Fatal(err)
			}
			if msg, _ := in.fails("audit", "verify", "--checkpoint", file); !strings.Contains(msg, "line 1 (tenant \"master\"): its signature does not match") {
				t.Errorf("a line of tenant 999: %v", msg)
			}
			in.cli("tenants", "create", "--subdomain", "gone", "--name", "Gone")
			in.cli("set-admin-password", "gone", "admin@gone.example", "a long enough password")
			gone := in.cli("audit", "checkpoint", "--tenant", "gone")
			if err := os.WriteFile(file, []byte(gone), 0o600); err != nil {
				t.Fatal(err)
			}
			in.exec("DELETE FROM tenants WHERE subdomain = 'gone'")
			if msg, _ := in.fails("audit", "verify", "--checkpoint", file); !strings.Contains(msg, "gone: checkpoint on line 1 names tenant id") || !strings.Contains(msg, "no longer in the database") {
				t.Errorf("a line of a deleted tenant: %v", msg)
			}

			// A broken chain gets no checkpoint line, and the command fails.
			in.exec("UPDATE audit_events SET details = 'nothing happened' WHERE tenant_id = ?", cps[1].TenantID)
			if msg, out := in.fails("audit", "checkpoint"); !strings.Contains(msg, "acme (broken at event") || strings.Contains(out, `"tenant":"acme"`) {
				t.Errorf("checkpoint of a broken chain: %v\n%s", msg, out)
			}
		})
	}
}

func TestDevSeedFillsAnEmptyInstallAndRefusesOneWithTenants(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			in := newInstance(t, d)
			out := in.cli("dev", "seed", "--tenants", "3", "--users", "10")
			if !strings.Contains(out, "seeded 3 tenants (t00001 to t00003), 10 users") || !strings.Contains(out, "password: ") {
				t.Fatalf("seed said %q", out)
			}
			var list []struct{ Subdomain string }
			if err := json.Unmarshal([]byte(in.cli("tenants", "list")), &list); err != nil || len(list) != 4 || list[3].Subdomain != "t00003" {
				t.Fatalf("list: %+v %v", list, err)
			}
			err := run(context.Background(), []string{"dev", "seed", "--tenants", "2", "--users", "2"}, in.getenv, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), "already holds tenants") || !strings.Contains(err.Error(), "--force") {
				t.Fatalf("second seed: %v", err)
			}
			out = in.cli("dev", "seed", "--tenants", "2", "--users", "2", "--password", "chosen horse battery", "--force")
			if !strings.Contains(out, "(t00004 to t00005)") || !strings.Contains(out, "password: chosen horse battery") {
				t.Fatalf("forced seed said %q", out)
			}
		})
	}
}

// The server keeps no connection of the database URL's own role once it is
// up: pg_stat_activity shows only the request role under its name, and
// /readyz and the pages answer through that role.
func TestServeOnPostgreSQLHoldsNoConnectionOfTheOwner(t *testing.T) {
	in := newInstance(t, "postgres")
	b := make([]byte, 6)
	rand.Read(b)
	name := "landlord-serve-test-" + hex.EncodeToString(b)
	u, err := url.Parse(in.env["LANDLORD_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	in.env["LANDLORD_DATABASE_URL"] = u.String()
	in.serve()

	for _, path := range []string{"/readyz", "/login"} {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+in.port+path, nil)
		req.Host = "localhost:" + in.port
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
	}
	admin, err := sql.Open("pgx", os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var request, owner int
		err := admin.QueryRow(`SELECT count(*) FILTER (WHERE usename = $2), count(*) FILTER (WHERE usename <> $2)
			FROM pg_stat_activity WHERE application_name = $1`, name, models.AppRole).Scan(&request, &owner)
		if err != nil {
			t.Fatal(err)
		}
		if owner == 0 {
			if request == 0 {
				t.Fatal("no connection of the request role under the server's name either: the query sees nothing")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the running server holds %d connections of the owner", owner)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
