package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaultsWithEmptyEnvironment(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.BaseDomain != "localhost" || c.DataDir != "./data" || !c.UsesSQLite() || c.Port() != "8080" {
		t.Fatalf("defaults: %+v", c)
	}
	if c.SQLitePath() != filepath.Join("data", "landlord.db") {
		t.Fatalf("sqlite path %s", c.SQLitePath())
	}
}

func TestLoadNormalisesBaseDomain(t *testing.T) {
	c, err := Load(env(map[string]string{"LANDLORD_BASE_DOMAIN": "Console.Example.COM."}))
	if err != nil || c.BaseDomain != "console.example.com" {
		t.Fatalf("%q %v", c.BaseDomain, err)
	}
}

func TestLoadNamesEachBadVariable(t *testing.T) {
	cases := map[string]string{
		"LANDLORD_ADDR":           ":80x",
		"LANDLORD_BASE_DOMAIN":    "http://localhost:8080",
		"LANDLORD_DATABASE_URL":   "mysql://root@localhost/db",
		"LANDLORD_SESSION_SECRET": "too short",
		"LANDLORD_LOG_LEVEL":      "loud",
	}
	for name, value := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(env(map[string]string{name: value}))
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("%s=%q: error %v", name, value, err)
			}
		})
	}
	_, err := Load(env(cases))
	for name := range cases {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("all bad at once: %s not reported in %v", name, err)
		}
	}
}

func TestLoadAcceptsPostgresURL(t *testing.T) {
	c, err := Load(env(map[string]string{"LANDLORD_DATABASE_URL": "postgres://app:pw@db:5432/landlord?sslmode=disable"}))
	if err != nil || c.UsesSQLite() {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestBadDatabaseURLIsShownWithoutPassword(t *testing.T) {
	_, err := Load(env(map[string]string{"LANDLORD_DATABASE_URL": "mysql://app:hunter2@db/x"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v", err)
	}
}

func TestSessionSecretIsCreatedOnceAndKept(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	a := Config{DataDir: dir}
	if err := a.LoadOrCreateSessionSecret(); err != nil {
		t.Fatal(err)
	}
	b := Config{DataDir: dir}
	if err := b.LoadOrCreateSessionSecret(); err != nil {
		t.Fatal(err)
	}
	if len(a.SessionSecret) < MinSecretLength || !bytes.Equal(a.SessionSecret, b.SessionSecret) {
		t.Fatal("second start did not read the same secret")
	}
	info, err := os.Stat(filepath.Join(dir, "session.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("session.key mode %v %v", info.Mode(), err)
	}
}

func TestSessionSecretFromEnvironmentWins(t *testing.T) {
	c, err := Load(env(map[string]string{"LANDLORD_SESSION_SECRET": strings.Repeat("s", 40)}))
	if err != nil {
		t.Fatal(err)
	}
	c.DataDir = t.TempDir()
	if err := c.LoadOrCreateSessionSecret(); err != nil || string(c.SessionSecret) != strings.Repeat("s", 40) {
		t.Fatal("environment secret replaced")
	}
	if _, err := os.Stat(filepath.Join(c.DataDir, "session.key")); err == nil {
		t.Fatal("a key file was written although the environment gave one")
	}
}
