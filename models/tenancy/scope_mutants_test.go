package tenancy_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"landlord/models"
	"landlord/models/storetest"
	"landlord/models/tenancy"
)

// Behaviours of the scoping that the other scope tests left unchecked; see
// "Breaking it on purpose" in docs/testing.md.

// Ticket is tenant-owned but on no list of tenant models: a tenant_id field is
// what makes a model tenant-owned, so one left off the list is confined anyway.
type Ticket struct {
	ID       uint64
	TenantID uint64
	Title    string
}

// Badge is global (no tenant_id) and belongs to a user, a tenant table.
type Badge struct {
	ID     uint64
	Label  string
	UserID uint64
	User   models.User
}

// ownerExec runs setup statements as the owner, who creates the test's tables.
func ownerExec(t *testing.T, w *world, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if err := w.core.OwnerGormForTest().WithContext(across()).Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// grantApp gives the request role the rows of tables the test created.
func grantApp(t *testing.T, w *world, tables string) {
	t.Helper()
	if w.dialect == "postgres" {
		ownerExec(t, w, "GRANT SELECT, INSERT, UPDATE, DELETE ON "+tables+" TO "+w.core.AppRole())
	}
}

func TestScopingFailsToInstallWhenItsCallbacksCannotRunFirst(t *testing.T) {
	db, err := gorm.Open(sqlite.Open(filepath.Join(t.TempDir(), "x.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	// Something already placed a query callback of the scoping's name after
	// GORM's query: the tenant filter could not run before the query.
	if err := db.Callback().Query().After("gorm:query").Register("landlord:tenant_query", func(*gorm.DB) {}); err != nil {
		t.Fatal(err)
	}
	if err := tenancy.RegisterScope(db, []any{&models.User{}}); err == nil {
		t.Fatal("the scoping installed although its query callback cannot run before the query")
	}
}

func TestEveryModelWithATenantIDIsConfinedListedOrNot(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		ownerExec(t, w, "CREATE TABLE tickets (id INTEGER PRIMARY KEY, tenant_id BIGINT NOT NULL, title TEXT NOT NULL DEFAULT '')")
		grantApp(t, w, "tickets")
		ctx := context.Background()
		for _, tk := range []struct {
			tenant uint64
			ticket Ticket
		}{{w.a.ID, Ticket{ID: 1, Title: "acme's"}}, {w.b.ID, Ticket{ID: 2, Title: "beta's"}}} {
			if err := w.core.InTenant(ctx, tk.tenant, func(tx *gorm.DB) error { return tx.Create(&tk.ticket).Error }); err != nil {
				t.Fatal(err)
			}
			if tk.ticket.TenantID != tk.tenant {
				t.Errorf("ticket %q created in tenant %d, want %d", tk.ticket.Title, tk.ticket.TenantID, tk.tenant)
			}
		}
		var got []Ticket
		if err := w.inA(func(tx *gorm.DB) error { return tx.Order("id").Find(&got).Error }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != 1 || got[0].TenantID != w.a.ID {
			t.Errorf("acme reads tickets %+v, want only its own", got)
		}
	})
}

func TestAnEmptyConditionListStillReadsOnlyTheTenantsRows(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		// A filter form with nothing filled in builds no conditions.
		var none []clause.Expression
		var us []models.User
		if err := w.inA(func(tx *gorm.DB) error {
			return tx.Clauses(clause.Where{Exprs: none}).Order("id").Find(&us).Error
		}); err != nil || !sameIDs(ids(us), ids(w.aUsers)) {
			t.Errorf("empty condition list: users %v, %v; want acme's %v", ids(us), err, ids(w.aUsers))
		}
	})
}

func TestGlobalTableJoiningATenantAssociationSeesOnlyTheTenantsRows(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		ownerExec(t, w, "CREATE TABLE badges (id INTEGER PRIMARY KEY, label TEXT NOT NULL, user_id BIGINT NOT NULL)")
		grantApp(t, w, "badges")
		ownerExec(t, w, "INSERT INTO badges (id, label, user_id) VALUES (1, 'first', "+idStr(w.alice.ID)+"), (2, 'second', "+idStr(w.bob.ID)+")")
		badges := func(ctx context.Context) ([]Badge, error) {
			var bs []Badge
			err := w.core.Tx(ctx, func(tx *gorm.DB) error { return tx.Joins("User").Order("badges.id").Find(&bs).Error })
			return bs, err
		}
		// Both badges are global; only acme's user is joined to its badge.
		bs, err := badges(tenancy.WithTenant(context.Background(), w.a.ID))
		if err != nil || len(bs) != 2 || bs[0].User.ID != w.alice.ID || bs[1].User.ID != 0 {
			t.Errorf("badges with their users from acme: users %v, %v; want alice (%d) on the first, nobody on the second", badgeUsers(bs), err, w.alice.ID)
		}
		_, err = badges(context.Background())
		wantErr(t, err, tenancy.ErrNoTenant, "badges joined with their users without a tenant")
		bs, err = badges(across())
		if err != nil || len(bs) != 2 || bs[1].User.ID != w.bob.ID {
			t.Errorf("badges across tenants: users %v, %v; want bob (%d) on the second", badgeUsers(bs), err, w.bob.ID)
		}
	})
}

func TestGlobalTableJoiningAJoinTableSeesOnlyTheTenantsJoinRows(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		ts := teamStore(t, w)
		ctx := context.Background()
		for _, tm := range []struct {
			tenant  uint64
			members []string
		}{{w.a.ID, []string{"ann", "art"}}, {w.b.ID, []string{"ben", "bea", "bo"}}} {
			if err := ts.InTenant(ctx, tm.tenant, func(tx *gorm.DB) error {
				team := Team{Name: "team"}
				if err := tx.Create(&team).Error; err != nil {
					return err
				}
				ms := make([]*Member, len(tm.members))
				for i, m := range tm.members {
					ms[i] = &Member{Name: m}
				}
				return tx.Model(&team).Association("Members").Append(ms)
			}); err != nil {
				t.Fatal(err)
			}
		}
		// The tenant registry, joined with the team memberships of each tenant.
		memberships := func(ctx context.Context) (int64, error) {
			var n int64
			err := ts.Tx(ctx, func(tx *gorm.DB) error {
				return tx.Model(&models.Tenant{}).Clauses(clause.From{Joins: []clause.Join{{Table: clause.Table{Name: "team_members"},
					ON: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "team_members.tenant_id = tenants.id"}}}}}}).Count(&n).Error
			})
			return n, err
		}
		if n, err := memberships(tenancy.WithTenant(ctx, w.a.ID)); err != nil || n != 2 {
			t.Errorf("memberships from acme: %d, %v; want acme's 2", n, err)
		}
		_, err := memberships(ctx)
		wantErr(t, err, tenancy.ErrNoTenant, "memberships without a tenant")
		if n, err := memberships(across()); err != nil || n != 5 {
			t.Errorf("memberships across tenants: %d, %v; want all 5", n, err)
		}
	})
}

func TestSubqueryAfterAQualifiedColumnIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		wantRefused(t, w, []reach{{
			// "users.id" is the statement's own, confined table; the subquery's
			// users, further on, is not.
			name: "qualified column, then a subquery",
			run: func(tx *gorm.DB) (any, error) {
				var n int64
				err := tx.Model(&models.User{}).Where("users.id > 0 AND EXISTS (SELECT 1 FROM users v WHERE v.id = ?)", w.bob.ID).Count(&n).Error
				return n, err
			},
			confined: int64(0),
		}})
	})
}

func TestUpdatesFromAStructOfAnyShapeCannotMoveARow(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		// The struct's tenant_id is not where User has it, and the field that
		// is there is left empty. Anna has no role, so no foreign key refuses
		// the move in the scoping's place.
		type relocation struct {
			LastName  string
			FirstName string
			TenantID  uint64
		}
		err := w.inA(func(tx *gorm.DB) error {
			return tx.Model(&models.User{}).Where("id = ?", w.anna.ID).Updates(relocation{LastName: "Moved", TenantID: w.b.ID}).Error
		})
		wantErr(t, err, tenancy.ErrScopeViolation, "Updates(relocation{TenantID: beta})")
		if u, _ := w.userByID(t, w.anna.ID); u.TenantID != w.a.ID || u.LastName != "" {
			t.Errorf("anna is now in tenant %d with last name %q; want acme's, unchanged", u.TenantID, u.LastName)
		}
	})
}

func badgeUsers(bs []Badge) []uint64 {
	out := make([]uint64, len(bs))
	for i, b := range bs {
		out[i] = b.User.ID
	}
	return out
}

func idStr(id uint64) string { return strconv.FormatUint(id, 10) }
