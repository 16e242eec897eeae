package tenancy_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"landlord/models"
	"landlord/models/storetest"
)

func TestSQLiteDatabaseIsReadableByItsOwnerOnly(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir, db string)
	}{
		{"fresh data dir", func(t *testing.T, dir, db string) {}},
		{"existing open data dir and database", func(t *testing.T, dir, db string) {
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(db, nil, 0o644); err != nil { // an empty file is an empty database
				t.Fatal(err)
			}
			for _, suffix := range []string{"-wal", "-shm"} {
				if err := os.WriteFile(db+suffix, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			db := filepath.Join(dir, "landlord.db")
			tc.setup(t, dir, db)
			s, err := models.Open(models.Options{SQLitePath: db, AuditKey: storetest.AuditKey})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			want := map[string]fs.FileMode{dir: 0o700, db: 0o600, db + "-wal": 0o600, db + "-shm": 0o600}
			for path, mode := range want {
				fi, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if got := fi.Mode().Perm(); got != mode {
					t.Errorf("%s: mode %v, want %v", filepath.Base(path), got, mode)
				}
			}
		})
	}
}
