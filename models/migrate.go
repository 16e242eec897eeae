package models

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// The migrations are numbered SQL files, one folder per database
// (migrations/postgres/0001_tenants.sql, migrations/sqlite/0001_tenants.sql),
// embedded in the binary. A file is the step as every installation ran it and
// never changes once released (TestReleasedMigrationsAreUnchanged holds each
// file to its line in migrations/SHA256SUMS): a change to the schema is a new
// file with the next number, in both folders, with the same name.
//
// Each file's first line is "-- migration <version>: <name>", the name
// recorded in schema_migrations. On PostgreSQL two placeholders are filled
// in at run time: {{schema}}, the schema's quoted name, and {{app_role}},
// the request role's (appRoleName).
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFiles embed.FS

// A migration is one versioned, recorded step of the schema.
type migration struct {
	version int
	name    string
	sql     string
	// fill runs after the SQL, in the same transaction (goSteps).
	fill func(tx *gorm.DB, postgres bool) error
}

// goSteps are what a step computes in Go after its SQL, for what SQL cannot
// (the names' skeletons). Like the files, a step is frozen: it reads nothing
// that changes with the code's catalogues (features, kinds), and a change of
// what it computes is a new step.
var goSteps = map[int]func(tx *gorm.DB, postgres bool) error{
	// Every stored name's skeleton, as nameSkeleton computes it for new
	// names: the look-alike check compares the two.
	15: func(tx *gorm.DB, postgres bool) error {
		if postgres {
			if err := enterAcrossAsOwner(tx); err != nil {
				return err
			}
		}
		return fillNameSkeletons(tx)
	},
}

var migrationHeader = regexp.MustCompile(`^-- migration ([0-9]+): (.+)\n`)

// migrationsFor reads the dialect's files in order of version.
func migrationsFor(postgres bool) ([]migration, error) {
	dir := "migrations/sqlite"
	if postgres {
		dir = "migrations/postgres"
	}
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries { // sorted by name, so by version
		file := dir + "/" + e.Name()
		b, err := migrationFiles.ReadFile(file)
		if err != nil {
			return nil, err
		}
		h := migrationHeader.FindStringSubmatch(string(b))
		if h == nil {
			return nil, fmt.Errorf("%s: the first line is not \"-- migration <version>: <name>\"", file)
		}
		v, _ := strconv.Atoi(h[1])
		if want := fmt.Sprintf("%04d_", v); !strings.HasPrefix(e.Name(), want) {
			return nil, fmt.Errorf("%s: the file of migration %d is named %s…", file, v, want)
		}
		if len(ms) > 0 && ms[len(ms)-1].version >= v {
			return nil, fmt.Errorf("%s: migration %d comes after %d", file, v, ms[len(ms)-1].version)
		}
		ms = append(ms, migration{version: v, name: h[2], sql: string(b), fill: goSteps[v]})
	}
	return ms, nil
}

// appRoleIdent matches a role name that is the same as an identifier and as
// the text of a string literal, since the files use {{app_role}} as both.
var appRoleIdent = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// appRoleName is the request role's name as the migrations write it
// ({{app_role}}).
func (s *Store) appRoleName() string { return s.db.AppRole() }

// migrationSQL is a file's text as PostgreSQL runs it in schema.
func migrationSQL(text, schema, appRole string) (string, error) {
	if !appRoleIdent.MatchString(appRole) {
		return "", fmt.Errorf("request role %q: expected lowercase letters, digits and _", appRole)
	}
	return strings.NewReplacer("{{schema}}", quoteIdent(schema), "{{app_role}}", appRole).Replace(text), nil
}

// Migrate applies every migration not yet recorded, each in its own transaction,
// and returns the versions it applied.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	db, err := s.db.Owner(ctx)
	if err != nil {
		return nil, err
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		if s.postgres {
			// Under the lock: two processes creating it at once on a fresh
			// database collide in the catalogue, IF NOT EXISTS or not.
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7405321)").Error; err != nil {
				return err
			}
		}
		return tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`).Error
	})
	if err != nil {
		return nil, fmt.Errorf("migrations table: %w", err)
	}
	schema := ""
	if s.postgres {
		if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
			return nil, err
		}
	}
	// The request role is this installation's own: made, and given what an
	// older installation granted the shared one, before any step grants it.
	if s.postgres {
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7405321)").Error; err != nil {
				return err
			}
			return s.db.AdoptRequestRole(tx)
		})
		if err != nil {
			return nil, fmt.Errorf("request role %s: %w", s.db.AppRole(), err)
		}
	}
	ms, err := migrationsFor(s.postgres)
	if err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range ms {
		sql := m.sql
		if s.postgres {
			if sql, err = migrationSQL(m.sql, schema, s.appRoleName()); err != nil {
				return applied, err
			}
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if s.postgres {
				// One migrator at a time, even from two processes.
				if err := tx.Exec("SELECT pg_advisory_xact_lock(7405321)").Error; err != nil {
					return err
				}
			}
			var n int64
			if err := tx.Table("schema_migrations").Where("version = ?", m.version).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if err := tx.Exec(sql).Error; err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
			if m.fill != nil {
				if err := m.fill(tx, s.postgres); err != nil {
					return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
				}
			}
			applied = append(applied, m.version)
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, s.now()).Error
		})
		if err != nil {
			return applied, err
		}
	}
	if s.postgres {
		// Functions are not versioned steps: each run recreates them from the
		// code, so they always match the queries this build makes.
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7405321)").Error; err != nil {
				return err
			}
			// The function's comment is the hash of its definition, so an
			// unchanged one is left alone instead of being rebuilt at every start.
			var bound bool
			if err := tx.Raw("SELECT NOT (rolsuper OR rolbypassrls) FROM pg_roles WHERE rolname = current_user").Scan(&bound).Error; err != nil {
				return err
			}
			def, err := migrationSQL(sessionCheckFunction(schema, bound), schema, s.appRoleName())
			if err != nil {
				return err
			}
			sum := hashToken(def)
			var current *string
			if err := tx.Raw("SELECT obj_description(to_regprocedure('landlord_session_check(text,text,timestamptz)'), 'pg_proc')").Scan(&current).Error; err != nil {
				return err
			}
			if current != nil && *current == sum {
				return nil
			}
			return tx.Exec(def + "COMMENT ON FUNCTION landlord_session_check(text, text, timestamptz) IS '" + sum + "';").Error
		})
		if err != nil {
			return applied, fmt.Errorf("functions: %w", err)
		}
	}
	if s.postgres {
		if err := s.db.LoadKey(ctx); err != nil {
			return applied, err
		}
	}
	if err := s.ensureMaster(ctx); err != nil {
		return applied, err
	}
	return applied, s.keyAuditChains(ctx)
}
