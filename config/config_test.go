package config

import (
	"bytes"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env turns a map into a getenv function.
func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadGivesDefaultsForEmptyEnvironment(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Addr", c.Addr, ":8080"},
		{"Port", c.Port(), "8080"},
		{"BaseDomain", c.BaseDomain, "localhost"},
		{"DatabaseURL", c.DatabaseURL, ""},
		{"UsesSQLite", c.UsesSQLite(), true},
		{"DataDir", c.DataDir, "./data"},
		{"SQLitePath", c.SQLitePath(), filepath.Join("data", "landlord.db")},
		{"SessionSecret", len(c.SessionSecret), 0},
		{"LogLevel", c.LogLevel, slog.LevelInfo},
		{"TrustedProxies", len(c.TrustedProxies), 0},
		{"ImpersonationLimit", c.ImpersonationLimit, 30 * time.Minute},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestLoadAcceptsGoodValues(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(Config) bool
	}{
		{"addr with host", map[string]string{"LANDLORD_ADDR": "127.0.0.1:9000"}, func(c Config) bool { return c.Addr == "127.0.0.1:9000" && c.Port() == "9000" }},
		{"addr with IPv6 host", map[string]string{"LANDLORD_ADDR": "[::1]:443"}, func(c Config) bool { return c.Port() == "443" }},
		{"addr with port 0", map[string]string{"LANDLORD_ADDR": ":0"}, func(c Config) bool { return c.Port() == "0" }},
		{"addr with port 65535", map[string]string{"LANDLORD_ADDR": ":65535"}, func(c Config) bool { return c.Port() == "65535" }},
		{"postgres URL", map[string]string{"LANDLORD_DATABASE_URL": "postgres://app:pw@db:5432/landlord?sslmode=disable"}, func(c Config) bool { return !c.UsesSQLite() }},
		{"postgresql URL", map[string]string{"LANDLORD_DATABASE_URL": "postgresql://db/landlord"}, func(c Config) bool { return !c.UsesSQLite() }},
		{"postgres URL over a Unix socket", map[string]string{"LANDLORD_DATABASE_URL": "postgres:///landlord?host=/run/postgresql"}, func(c Config) bool { return !c.UsesSQLite() }},
		{"data dir", map[string]string{"LANDLORD_DATA_DIR": "/var/lib/landlord"}, func(c Config) bool {
			return c.SQLitePath() == filepath.Join("/var/lib/landlord", "landlord.db")
		}},
		{"session secret of 32 bytes", map[string]string{"LANDLORD_SESSION_SECRET": strings.Repeat("s", 32)}, func(c Config) bool { return string(c.SessionSecret) == strings.Repeat("s", 32) }},
		{"log level debug", map[string]string{"LANDLORD_LOG_LEVEL": "debug"}, func(c Config) bool { return c.LogLevel == slog.LevelDebug }},
		{"log level WARN", map[string]string{"LANDLORD_LOG_LEVEL": "WARN"}, func(c Config) bool { return c.LogLevel == slog.LevelWarn }},
		{"log level error", map[string]string{"LANDLORD_LOG_LEVEL": "error"}, func(c Config) bool { return c.LogLevel == slog.LevelError }},
		{"impersonation of 5 minutes", map[string]string{"LANDLORD_IMPERSONATION_MINUTES": "5"}, func(c Config) bool { return c.ImpersonationLimit == 5*time.Minute }},
		{"12 database connections", map[string]string{"LANDLORD_DATABASE_URL": "postgres://db/landlord", "LANDLORD_DB_MAX_CONNS": "12"}, func(c Config) bool { return c.DBMaxConns == 12 }},
		{"database connections unset", map[string]string{"LANDLORD_DATABASE_URL": "postgres://db/landlord"}, func(c Config) bool { return c.DBMaxConns == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env))
			if err != nil {
				t.Fatalf("env %v: %v", tt.env, err)
			}
			if !tt.check(c) {
				t.Fatalf("env %v: got %+v", tt.env, c)
			}
		})
	}
}

func TestLoadReadsTrustedProxies(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"10.0.0.0/8", []string{"10.0.0.0/8"}},
		{"192.0.2.7", []string{"192.0.2.7/32"}},
		{"2001:db8::1", []string{"2001:db8::1/128"}},
		{" 10.0.0.0/8 , 2001:db8::/32,198.51.100.1, ", []string{"10.0.0.0/8", "2001:db8::/32", "198.51.100.1/32"}},
		{"10.1.2.3/8", []string{"10.0.0.0/8"}}, // the range the address is in
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := Load(env(map[string]string{"LANDLORD_TRUSTED_PROXIES": tt.in}))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range c.TrustedProxies {
				got = append(got, r.String())
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("TrustedProxies = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoadNormalisesBaseDomain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"LocalHost.", "localhost"},
		{"Console.Example.COM.", "console.example.com"},
		{"  tenants.example.org  ", "tenants.example.org"},
		{"a-b.c0.example", "a-b.c0.example"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := Load(env(map[string]string{"LANDLORD_BASE_DOMAIN": tt.in}))
			if err != nil || c.BaseDomain != tt.want {
				t.Fatalf("BaseDomain = %q, err %v; want %q", c.BaseDomain, err, tt.want)
			}
		})
	}
}

func TestDevelopmentDomainIsLocalhostAndNamesUnderIt(t *testing.T) {
	for domain, want := range map[string]bool{
		"localhost": true, "LocalHost.": true, "dev.localhost": true,
		"notlocalhost": false, "localhost.example.com": false, "console.example.com": false,
	} {
		c, err := Load(env(map[string]string{"LANDLORD_BASE_DOMAIN": domain}))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.DevelopmentDomain(); got != want {
			t.Errorf("%s: DevelopmentDomain() = %v, want %v", domain, got, want)
		}
	}
}

func TestConsoleURLIsTheBaseDomainOnThePort(t *testing.T) {
	c := Config{BaseDomain: "localhost"}
	for port, want := range map[string]string{
		"8080": "http://localhost:8080", "80": "http://localhost", "": "http://localhost",
		"0": "http://localhost", "65536": "http://localhost", "8080@evil.example": "http://localhost", "+80": "http://localhost",
	} {
		if got := c.ConsoleURL(port); got != want {
			t.Errorf("ConsoleURL(%q) = %q, want %q", port, got, want)
		}
	}
}

func TestLoadRejectsEachBadValueNamingItsVariable(t *testing.T) {
	const (
		addr   = ": expected host:port with a numeric port (0-65535), like :8080"
		domain = ": expected a DNS name without scheme or port, like console.example.com"
		dbURL  = ": expected a postgres:// or postgresql:// URL, or unset for the embedded SQLite database"
	)
	proxies := func(entry string) string {
		return ": expected IP addresses or CIDR ranges separated by commas, like 10.0.0.0/8,192.0.2.7 (" + entry + " is neither)"
	}
	tests := []struct {
		variable, value string
		want            string // the whole message: the variable, the value as typed in quotes, what is expected
	}{
		{"LANDLORD_ADDR", ":80x", `LANDLORD_ADDR ":80x"` + addr},
		{"LANDLORD_IMPERSONATION_MINUTES", "0", `LANDLORD_IMPERSONATION_MINUTES "0": expected a whole number of minutes from 1 to 1440`},
		{"LANDLORD_DB_MAX_CONNS", "0", `LANDLORD_DB_MAX_CONNS "0": expected a whole number from 1 to 1000`},
		{"LANDLORD_DB_MAX_CONNS", "+4", `LANDLORD_DB_MAX_CONNS "+4": expected a whole number from 1 to 1000`},
		{"LANDLORD_DB_MAX_CONNS", "1001", `LANDLORD_DB_MAX_CONNS "1001": expected a whole number from 1 to 1000`},
		{"LANDLORD_DB_MAX_CONNS", "many", `LANDLORD_DB_MAX_CONNS "many": expected a whole number from 1 to 1000`},
		{"LANDLORD_DB_MAX_CONNS", "4", `LANDLORD_DB_MAX_CONNS "4": expected unset, since LANDLORD_DATABASE_URL is (the embedded SQLite database takes one connection)`},
		{"LANDLORD_IMPERSONATION_MINUTES", "+5", `LANDLORD_IMPERSONATION_MINUTES "+5": expected a whole number of minutes from 1 to 1440`},
		{"LANDLORD_IMPERSONATION_MINUTES", "half an hour", `LANDLORD_IMPERSONATION_MINUTES "half an hour": expected a whole number of minutes from 1 to 1440`},
		{"LANDLORD_ADDR", "8080", `LANDLORD_ADDR "8080"` + addr},
		{"LANDLORD_ADDR", "localhost:", `LANDLORD_ADDR "localhost:"` + addr},
		{"LANDLORD_ADDR", ":65536", `LANDLORD_ADDR ":65536"` + addr},
		{"LANDLORD_ADDR", ":+80", `LANDLORD_ADDR ":+80"` + addr},
		{"LANDLORD_ADDR", ":-0", `LANDLORD_ADDR ":-0"` + addr},
		{"LANDLORD_BASE_DOMAIN", "http://localhost", `LANDLORD_BASE_DOMAIN "http://localhost"` + domain},
		{"LANDLORD_BASE_DOMAIN", "localhost:8080", `LANDLORD_BASE_DOMAIN "localhost:8080"` + domain},
		{"LANDLORD_BASE_DOMAIN", "-bad.example", `LANDLORD_BASE_DOMAIN "-bad.example"` + domain},
		{"LANDLORD_BASE_DOMAIN", "bad-.example", `LANDLORD_BASE_DOMAIN "bad-.example"` + domain},
		{"LANDLORD_BASE_DOMAIN", "a..example", `LANDLORD_BASE_DOMAIN "a..example"` + domain},
		{"LANDLORD_BASE_DOMAIN", "Under_Score.example", `LANDLORD_BASE_DOMAIN "Under_Score.example"` + domain}, // as typed, not lower-cased
		{"LANDLORD_BASE_DOMAIN", ".", `LANDLORD_BASE_DOMAIN "."` + domain},
		{"LANDLORD_BASE_DOMAIN", strings.Repeat("a", 64) + ".example", `LANDLORD_BASE_DOMAIN "` + strings.Repeat("a", 64) + `.example"` + domain},
		{"LANDLORD_BASE_DOMAIN", strings.Repeat(strings.Repeat("a", 63)+".", 4) + "com", `LANDLORD_BASE_DOMAIN "` + strings.Repeat(strings.Repeat("a", 63)+".", 4) + `com"` + domain},
		{"LANDLORD_DATABASE_URL", "mysql://root@localhost/db", `LANDLORD_DATABASE_URL "mysql://root@localhost/db"` + dbURL},
		{"LANDLORD_DATABASE_URL", "postgres:db", `LANDLORD_DATABASE_URL "postgres:db"` + dbURL},
		{"LANDLORD_DATABASE_URL", "db.example:5432", `LANDLORD_DATABASE_URL "db.example:5432"` + dbURL},
		// Unparsable, so where a password might be is unknown: only the scheme is shown.
		{"LANDLORD_DATABASE_URL", "postgres://db:5432/%zz", `LANDLORD_DATABASE_URL "postgres://…"` + dbURL},
		// The secret itself is never shown, only its length.
		{"LANDLORD_SESSION_SECRET", "too short", "LANDLORD_SESSION_SECRET: expected at least 32 bytes, got 9"},
		{"LANDLORD_SESSION_SECRET", strings.Repeat("s", 31), "LANDLORD_SESSION_SECRET: expected at least 32 bytes, got 31"},
		{"LANDLORD_AUDIT_KEY", strings.Repeat("k", 31), "LANDLORD_AUDIT_KEY: expected at least 32 bytes, got 31"},
		{"LANDLORD_LOG_LEVEL", "loud", `LANDLORD_LOG_LEVEL "loud": expected debug, info, warn or error`},
		{"LANDLORD_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal", `LANDLORD_TRUSTED_PROXIES "10.0.0.0/8, proxy.internal"` + proxies(`"proxy.internal"`)},
		{"LANDLORD_TRUSTED_PROXIES", "10.0.0.0/33", `LANDLORD_TRUSTED_PROXIES "10.0.0.0/33"` + proxies(`"10.0.0.0/33"`)},
		{"LANDLORD_TRUSTED_PROXIES", "10.0.0.1:8080", `LANDLORD_TRUSTED_PROXIES "10.0.0.1:8080"` + proxies(`"10.0.0.1:8080"`)},
		{"LANDLORD_TRUSTED_PROXIES", "*", `LANDLORD_TRUSTED_PROXIES "*"` + proxies(`"*"`)},
		// Without LANDLORD_DATABASE_URL there is no PostgreSQL to log in to.
		{"LANDLORD_APP_DATABASE_URL", "postgres://app:pw@db/landlord", `LANDLORD_APP_DATABASE_URL "postgres://app:xxxxx@db/landlord": expected unset, since LANDLORD_DATABASE_URL is (the embedded SQLite database has no roles)`},
		{"LANDLORD_APP_DATABASE_URL", "mysql://app@db", `LANDLORD_APP_DATABASE_URL "mysql://app@db": expected a postgres:// or postgresql:// URL`},
		// Written into SQL as it is, so nothing but a plain name.
		{"LANDLORD_APP_ROLE", "app'; DROP ROLE x; --", `LANDLORD_APP_ROLE "app'; DROP ROLE x; --": expected a role name of lower-case letters, digits and _, at most 63, not starting with a digit`},
		{"LANDLORD_APP_ROLE", "Landlord", `LANDLORD_APP_ROLE "Landlord": expected a role name of lower-case letters, digits and _, at most 63, not starting with a digit`},
		{"LANDLORD_APP_ROLE", "landlord_acme", `LANDLORD_APP_ROLE "landlord_acme": expected unset, since LANDLORD_DATABASE_URL is (the embedded SQLite database has no roles)`},
	}
	for _, tt := range tests {
		t.Run(tt.variable+"="+tt.value, func(t *testing.T) {
			_, err := Load(env(map[string]string{tt.variable: tt.value}))
			if err == nil {
				t.Fatalf("%s=%q accepted", tt.variable, tt.value)
			}
			if got := err.Error(); got != tt.want {
				t.Fatalf("%s=%q:\n got  %s\n want %s", tt.variable, tt.value, got, tt.want)
			}
		})
	}
}

func TestLoadReportsAllBadValuesAtOnce(t *testing.T) {
	bad := map[string]string{
		"LANDLORD_ADDR":            ":80x",
		"LANDLORD_BASE_DOMAIN":     "http://localhost:8080",
		"LANDLORD_DATABASE_URL":    "mysql://root@localhost/db",
		"LANDLORD_SESSION_SECRET":  "too short",
		"LANDLORD_LOG_LEVEL":       "loud",
		"LANDLORD_TRUSTED_PROXIES": "everyone",
	}
	_, err := Load(env(bad))
	if err == nil {
		t.Fatal("no error")
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != len(bad) {
		t.Fatalf("want %d joined errors, got %v", len(bad), err)
	}
	for name := range bad {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("%s not reported in %v", name, err)
		}
	}
}

func TestLoadKeepsPasswordsAndSecretsOutOfErrors(t *testing.T) {
	tests := []struct {
		name, variable, value, secret string
	}{
		{"bad database URL", "LANDLORD_DATABASE_URL", "mysql://app:hunter2@db/x", "hunter2"},
		{"unparsable database URL", "LANDLORD_DATABASE_URL", "postgres://app:hunter2@db/%zz", "hunter2"},
		{"short session secret", "LANDLORD_SESSION_SECRET", "hunter2", "hunter2"},
		{"short audit key", "LANDLORD_AUDIT_KEY", "hunter2", "hunter2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(map[string]string{tt.variable: tt.value}))
			if err == nil || strings.Contains(err.Error(), tt.secret) {
				t.Fatalf("error %v", err)
			}
		})
	}
}

func TestLoadOrCreateSessionSecretCreatesTheFileOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // missing: must be created
	a := Config{DataDir: dir}
	if err := a.LoadOrCreateSessionSecret(); err != nil {
		t.Fatal(err)
	}
	if len(a.SessionSecret) != 64 {
		t.Fatalf("secret of %d bytes, want 64", len(a.SessionSecret))
	}
	b := Config{DataDir: dir}
	if err := b.LoadOrCreateSessionSecret(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.SessionSecret, b.SessionSecret) {
		t.Fatal("second call did not return the same secret")
	}
	path := filepath.Join(dir, "session.key")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("session.key mode %v, want 0600", info.Mode().Perm())
	}
	dinfo, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if dinfo.Mode().Perm() != 0o700 {
		t.Errorf("data dir mode %v, want 0700", dinfo.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if got, err := hex.DecodeString(strings.TrimSpace(string(raw))); err != nil || !bytes.Equal(got, a.SessionSecret) {
		t.Errorf("session.key is not the hex of the secret: %q", raw)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data dir holds %d entries, want only session.key", len(entries))
	}
}

func TestLoadOrCreateSessionSecretRefusesABadFile(t *testing.T) {
	tests := []struct{ name, content string }{
		{"short", hex.EncodeToString(bytes.Repeat([]byte{1}, 31))},
		{"empty", ""},
		{"not hex", strings.Repeat("zz", 40)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "session.key")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			c := Config{DataDir: dir}
			err := c.LoadOrCreateSessionSecret()
			if err == nil || !strings.Contains(err.Error(), "session.key") {
				t.Fatalf("error %v", err)
			}
			if raw, _ := os.ReadFile(path); string(raw) != tt.content {
				t.Fatal("a bad key file was overwritten")
			}
		})
	}
}

func TestLoadOrCreateSessionSecretKeepsTheEnvironmentSecret(t *testing.T) {
	c, err := Load(env(map[string]string{"LANDLORD_SESSION_SECRET": strings.Repeat("s", 40)}))
	if err != nil {
		t.Fatal(err)
	}
	c.DataDir = t.TempDir()
	if err := c.LoadOrCreateSessionSecret(); err != nil || string(c.SessionSecret) != strings.Repeat("s", 40) {
		t.Fatalf("environment secret replaced (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(c.DataDir, "session.key")); err == nil {
		t.Fatal("a key file was written although the environment gave a secret")
	}
}

func TestTheAuditKeyIsTheVariableOrDerivedFromTheSessionSecret(t *testing.T) {
	key := strings.Repeat("a", 32)
	c, err := Load(env(map[string]string{"LANDLORD_AUDIT_KEY": key, "LANDLORD_SESSION_SECRET": strings.Repeat("s", 40)}))
	if err != nil {
		t.Fatal(err)
	}
	if k, err := c.AuditChainKey(); err != nil || string(k) != key {
		t.Fatalf("LANDLORD_AUDIT_KEY not used: %q %v", k, err)
	}
	derived := func(secret string) []byte {
		c, err := Load(env(map[string]string{"LANDLORD_SESSION_SECRET": secret}))
		if err != nil {
			t.Fatal(err)
		}
		k, err := c.AuditChainKey()
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	one, again, other := derived(strings.Repeat("s", 40)), derived(strings.Repeat("s", 40)), derived(strings.Repeat("t", 40))
	if len(one) < MinSecretLength || string(one) != string(again) || string(one) == string(other) {
		t.Fatalf("derived keys: %x, %x, %x", one, again, other)
	}
	if strings.Contains(string(one), strings.Repeat("s", 40)) {
		t.Fatal("the derived key is the session secret itself")
	}
	// Without either, the secret kept in the data dir is made and used.
	c, _ = Load(env(map[string]string{}))
	c.DataDir = t.TempDir()
	k, err := c.AuditChainKey()
	if err != nil || len(k) < MinSecretLength || len(c.SessionSecret) == 0 {
		t.Fatalf("no key from the data dir's secret: %x %v", k, err)
	}
}

func TestTheRequestRoleIsTheInstallationsUnlessAnAdministratorsLoginIsGiven(t *testing.T) {
	db := "postgres://owner@db/landlord"
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANDLORD_DATABASE_URL": db}, ""}, // named from the database by models/tenancy
		{map[string]string{"LANDLORD_DATABASE_URL": db, "LANDLORD_APP_ROLE": "landlord_acme"}, "landlord_acme"},
		// The role such a login was made a member of before each installation had its own.
		{map[string]string{"LANDLORD_DATABASE_URL": db, "LANDLORD_APP_DATABASE_URL": "postgres://app@db/landlord"}, "landlord_app"},
		{map[string]string{"LANDLORD_DATABASE_URL": db, "LANDLORD_APP_DATABASE_URL": "postgres://app@db/landlord", "LANDLORD_APP_ROLE": "landlord_acme"}, "landlord_acme"},
	} {
		c, err := Load(env(tc.env))
		if err != nil {
			t.Fatal(err)
		}
		if c.AppRole != tc.want {
			t.Errorf("%v: request role %q, want %q", tc.env, c.AppRole, tc.want)
		}
	}
}
