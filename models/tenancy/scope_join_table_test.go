package tenancy_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"landlord/models/storetest"
	"landlord/models/tenancy"
)

func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

type Team struct {
	ID       uint64
	TenantID uint64
	Name     string
	Members  []Member `gorm:"many2many:team_members"`
}

type Member struct {
	ID       uint64
	TenantID uint64
	Name     string
}

type TeamMember struct {
	TeamID   uint64 `gorm:"primaryKey"`
	MemberID uint64 `gorm:"primaryKey"`
	TenantID uint64
}

// BadTeam's join table has no tenant_id: the scoping must refuse it.
type BadTeam struct {
	ID       uint64
	TenantID uint64
	Members  []Member `gorm:"many2many:bad_team_members"`
}

// teamStore is a second *gorm.DB on the store's connection pool, with its own
// callbacks guarding the team tables, wrapped in a Store so s.tx behaves as in
// production (on PostgreSQL: SET LOCAL ROLE and the tenant setting).
func teamStore(t *testing.T, w *world) *tenancy.DB {
	t.Helper()
	db, err := gorm.Open(teamDialector(t, w), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true, TranslateError: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetupJoinTable(&Team{}, "Members", &TeamMember{}); err != nil {
		t.Fatal(err)
	}
	if err := db.AutoMigrate(&Member{}, &Team{}, &TeamMember{}); err != nil {
		t.Fatal(err)
	}
	if w.dialect == "postgres" {
		for _, q := range []string{
			"GRANT SELECT, INSERT, UPDATE, DELETE ON teams, members, team_members TO " + w.core.AppRole(),
			"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + `"` + currentSchema(t, db) + `"` + " TO " + w.core.AppRole(),
		} {
			if err := db.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tenancy.RegisterScope(db, []any{&Team{}, &Member{}, &TeamMember{}}); err != nil {
		t.Fatal(err)
	}
	return tenancy.OnGormForTest(db, w.core)
}

func currentSchema(t *testing.T, db *gorm.DB) string {
	var s string
	if err := db.Raw("SELECT current_schema()").Scan(&s).Error; err != nil {
		t.Fatal(err)
	}
	return s
}

func TestManyToManyJoinRowsAreTenantOwned(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		ts := teamStore(t, w)
		ctx := context.Background()

		addTeam := func(tenant uint64, name string, members ...string) Team {
			t.Helper()
			team := Team{Name: name}
			err := ts.InTenant(ctx, tenant, func(tx *gorm.DB) error {
				if err := tx.Create(&team).Error; err != nil {
					return err
				}
				ms := make([]*Member, len(members))
				for i, m := range members {
					ms[i] = &Member{Name: m}
				}
				return tx.Model(&team).Association("Members").Append(ms)
			})
			if err != nil {
				t.Fatalf("team %s: %v", name, err)
			}
			return team
		}
		aTeam := addTeam(w.a.ID, "red", "ann", "art")
		bTeam := addTeam(w.b.ID, "blue", "ben", "bea", "bo")

		type joinRow struct {
			TeamID, MemberID, TenantID uint64
		}
		var joins []joinRow
		if err := ts.Tx(across(), func(tx *gorm.DB) error {
			return tx.Model(&TeamMember{}).Order("team_id, member_id").Find(&joins).Error
		}); err != nil {
			t.Fatal(err)
		}
		if len(joins) != 5 {
			t.Fatalf("join rows: %+v, want 5", joins)
		}
		for _, j := range joins {
			want := w.a.ID
			if j.TeamID == bTeam.ID {
				want = w.b.ID
			}
			if j.TenantID != want {
				t.Errorf("join row %+v: tenant %d, want %d", j, j.TenantID, want)
			}
		}

		err := ts.InTenant(ctx, w.a.ID, func(tx *gorm.DB) error {
			var ms []Member
			if err := tx.Model(&aTeam).Association("Members").Find(&ms); err != nil {
				return err
			}
			if len(ms) != 2 {
				t.Errorf("acme's team members from acme: %d, want 2", len(ms))
			}
			for _, m := range ms {
				if m.TenantID != w.a.ID {
					t.Errorf("acme got member %s of tenant %d", m.Name, m.TenantID)
				}
			}
			// Beta's team, named by a forged struct: no members visible.
			ms = nil
			forged := Team{ID: bTeam.ID}
			if err := tx.Model(&forged).Association("Members").Find(&ms); err != nil {
				return err
			}
			if len(ms) != 0 {
				t.Errorf("beta's team members from acme: %d, want 0", len(ms))
			}
			if n := tx.Model(&forged).Association("Members").Count(); n != 0 {
				t.Errorf("beta's team member count from acme: %d, want 0", n)
			}
			// Preload goes through the join table, which is scoped too.
			var teams []Team
			if err := tx.Preload("Members").Find(&teams).Error; err != nil {
				return err
			}
			if len(teams) != 1 || len(teams[0].Members) != 2 {
				t.Errorf("Preload(Members) from acme: %+v", teams)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// And beta sees its three (the checks above can fail).
		if err := ts.InTenant(ctx, w.b.ID, func(tx *gorm.DB) error {
			if n := tx.Model(&bTeam).Association("Members").Count(); n != 3 {
				t.Errorf("beta's team member count from beta: %d, want 3", n)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}

		// A many-to-many whose join table has no TenantID is refused.
		fresh, err := gorm.Open(teamDialector(t, w), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			t.Fatal(err)
		}
		err = tenancy.RegisterScope(fresh, []any{&BadTeam{}, &Member{}})
		if err == nil || !strings.Contains(err.Error(), "join table") {
			t.Errorf("register BadTeam: %v, want a join table error", err)
		}
	})
}

func teamDialector(t *testing.T, w *world) gorm.Dialector {
	t.Helper()
	// The owner's connection: the test creates its own tables.
	sqlDB, err := w.core.OwnerGormForTest().DB()
	if err != nil {
		t.Fatal(err)
	}
	if w.dialect == "postgres" {
		return postgres.New(postgres.Config{Conn: sqlDB})
	}
	return &sqlite.Dialector{Conn: sqlDB}
}
