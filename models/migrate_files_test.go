package models

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

// A released migration has run on installations that will never run it
// again: changing its file would give new installations another schema than
// the old ones, unseen. Every file is held to its line in
// migrations/SHA256SUMS (sha256sum's format: `cd models/migrations &&
// sha256sum -c SHA256SUMS`), and no line may lose its file.
func TestReleasedMigrationsAreUnchanged(t *testing.T) {
	sums, err := os.ReadFile("migrations/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	released := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		sum, file, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("migrations/SHA256SUMS: %q is not \"<sha256>  <file>\"", line)
		}
		released[file] = sum
	}
	files := map[string]string{}
	err = fs.WalkDir(migrationFiles, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrationFiles.ReadFile(path)
		h := sha256.Sum256(b)
		files[strings.TrimPrefix(path, "migrations/")] = hex.EncodeToString(h[:])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range slices.Sorted(maps.Keys(files)) {
		switch sum, ok := released[file]; {
		case !ok:
			t.Errorf("migrations/%s is not in migrations/SHA256SUMS. If it is a new step, add its line:\n%s  %s", file, files[file], file)
		case sum != files[file]:
			t.Errorf("migrations/%s changed after its release (SHA-256 %s, released as %s). "+
				"Installations that ran it will never run it again: put it back as it was, and make the change a new numbered file in both folders.",
				file, files[file], sum)
		}
	}
	for file := range released {
		if _, ok := files[file]; !ok {
			t.Errorf("migrations/%s was released and is gone: installations that ran it keep its version; put it back", file)
		}
	}
}

// Both databases take the same steps under the same names, in order; a Go
// step belongs to a step both have; only PostgreSQL's files hold placeholders.
func TestBothDatabasesHaveTheSameMigrations(t *testing.T) {
	pg, err := migrationsFor(true)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := migrationsFor(false)
	if err != nil {
		t.Fatal(err)
	}
	steps := func(ms []migration) string {
		var b strings.Builder
		for _, m := range ms {
			fmt.Fprintf(&b, "%d %s\n", m.version, m.name)
		}
		return b.String()
	}
	if steps(pg) != steps(lite) {
		t.Fatalf("PostgreSQL's steps:\n%sSQLite's:\n%s", steps(pg), steps(lite))
	}
	if len(pg) < 13 || pg[0].version != 1 || pg[12].version != 16 {
		t.Fatalf("steps read: %s", steps(pg))
	}
	for v := range goSteps {
		if !slices.ContainsFunc(pg, func(m migration) bool { return m.version == v && m.fill != nil }) {
			t.Errorf("Go step %d has no file", v)
		}
	}
	for _, m := range lite {
		if strings.Contains(m.sql, "{{") {
			t.Errorf("SQLite's migration %d holds a placeholder, which only PostgreSQL's are filled in", m.version)
		}
	}
}

func TestMigrationsFillInTheSchemaAndTheRequestRole(t *testing.T) {
	got, err := migrationSQL(`GRANT USAGE ON SCHEMA {{schema}} TO {{app_role}}; SELECT '{{app_role}}'`, `t_1"x`, "landlord_app")
	if want := `GRANT USAGE ON SCHEMA "t_1""x" TO landlord_app; SELECT 'landlord_app'`; err != nil || got != want {
		t.Fatalf("got %q (%v), want %q", got, err, want)
	}
	// The role's name stands unquoted, in identifiers and in string literals.
	for _, bad := range []string{"", "Landlord", "landlord app", "x'; DROP TABLE users; --", `a"b`, strings.Repeat("a", 64)} {
		if _, err := migrationSQL("SELECT 1", "public", bad); err == nil {
			t.Errorf("request role %q accepted", bad)
		}
	}
}
