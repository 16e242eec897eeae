package tenancy_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"landlord/models"
	"landlord/models/storetest"
	"landlord/models/tenancy"
)

// SQL the caller writes itself (a FROM, INSERT or UPDATE clause, a Table()
// listing, a subquery) can name a tenant table where the tenant condition does
// not reach. On
// PostgreSQL row-level security still confines it; on SQLite nothing would, so
// the scoping refuses such statements on both outside AcrossTenants.

// note is a global table (no tenant_id), for statements that start outside the
// tenant tables.
type note struct {
	ID   uint64
	Body string
}

// addNotes creates the notes table with one empty note, id 1, as the owner.
func addNotes(t *testing.T, w *world) {
	t.Helper()
	qs := []string{"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL DEFAULT '')", "INSERT INTO notes (id) VALUES (1)"}
	if w.dialect == "postgres" {
		qs = append(qs, "GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO "+w.core.AppRole())
	}
	for _, q := range qs {
		if err := w.core.OwnerGormForTest().WithContext(across()).Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// reach is a statement that, unconfined, reaches beta's rows from acme.
type reach struct {
	name string
	// run runs the statement and returns what it saw, or what it made of acme's
	// rows; it runs in a transaction that is rolled back afterwards.
	run func(tx *gorm.DB) (any, error)
	// confined is what run returns when the statement stays inside acme; nil
	// when no result tells (the statement is refused, and that is all).
	confined any
}

var errRollback = errors.New("roll back the test's changes")

// rolledBack runs c in a transaction confined to acme, or across tenants, and
// rolls it back.
func rolledBack(t *testing.T, w *world, inAcme bool, c reach) (got any, err error) {
	t.Helper()
	fn := func(tx *gorm.DB) error {
		got, err = c.run(tx)
		return errRollback
	}
	var txErr error
	if inAcme {
		txErr = w.inA(fn)
	} else {
		txErr = w.core.Tx(across(), fn)
	}
	if !errors.Is(txErr, errRollback) {
		t.Fatalf("%s: transaction: %v", c.name, txErr)
	}
	return got, err
}

// wantRefused checks that each statement is refused in acme, that it reached
// nothing of beta's there, and that across tenants it does reach beta's rows,
// so the check can fail.
func wantRefused(t *testing.T, w *world, cases []reach) {
	t.Helper()
	for _, c := range cases {
		got, err := rolledBack(t, w, true, c)
		if err == nil && c.confined != nil && fmt.Sprint(got) != fmt.Sprint(c.confined) {
			t.Errorf("%s: acme reached beta's rows: got %v, confined to acme it is %v", c.name, got, c.confined)
		}
		wantErr(t, err, tenancy.ErrScopeViolation, c.name)
		if c.confined == nil {
			continue
		}
		if got, err := rolledBack(t, w, false, c); err != nil || fmt.Sprint(got) == fmt.Sprint(c.confined) {
			t.Errorf("%s across tenants: got %v, %v; want beta's rows in it, or the case proves nothing", c.name, got, err)
		}
	}
}

// aliceAfter reads alice as an update res left her.
func (w *world) aliceAfter(tx *gorm.DB, res *gorm.DB) (models.User, error) {
	var u models.User
	if res.Error != nil {
		return u, res.Error
	}
	err := tx.Take(&u, w.alice.ID).Error
	return u, err
}

func TestFromClauseNamingATenantTableIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		addNotes(t, w)
		wantRefused(t, w, []reach{
			{
				name: "query on a global table FROM users",
				run: func(tx *gorm.DB) (any, error) {
					var emails []string
					err := tx.Model(&models.Tenant{}).Clauses(clause.From{Tables: []clause.Table{{Name: "users"}}}).
						Where("id = ?", w.bob.ID).Pluck("email", &emails).Error
					return emails, err
				},
				confined: []string{},
			},
			{
				name: "query on users FROM users and a second users",
				run: func(tx *gorm.DB) (any, error) {
					var emails []string
					err := tx.Model(&models.User{}).
						Clauses(clause.From{Tables: []clause.Table{{Name: clause.CurrentTable}, {Name: "users", Alias: "v"}}}).
						Where("v.id = ?", w.bob.ID).Pluck("v.email", &emails).Error
					return emails, err
				},
				confined: []string{},
			},
			{
				name: "query on a global table joining users in FROM",
				run: func(tx *gorm.DB) (any, error) {
					var emails []string
					err := tx.Model(&models.Tenant{}).
						Clauses(clause.From{Joins: []clause.Join{{Table: clause.Table{Name: "users"}, ON: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "users.tenant_id = tenants.id"}}}}}}).
						Where("users.id = ?", w.bob.ID).Pluck("users.email", &emails).Error
					return emails, err
				},
				confined: []string{},
			},
			{
				name: "UPDATE users ... FROM users",
				run: func(tx *gorm.DB) (any, error) {
					res := tx.Model(&models.User{}).Clauses(clause.From{Tables: []clause.Table{{Name: "users", Alias: "v"}}}).
						Where("users.id = ? AND v.id = ?", w.alice.ID, w.bob.ID).UpdateColumn("email", gorm.Expr("v.email"))
					u, err := w.aliceAfter(tx, res)
					return u.Email, err
				},
				confined: w.alice.Email,
			},
			{
				name: "Delete on a global table FROM users",
				run: func(tx *gorm.DB) (any, error) {
					res := tx.Clauses(clause.From{Tables: []clause.Table{{Name: "users"}}}).Where("id = ?", w.bob.ID).Delete(&note{})
					return res.RowsAffected, res.Error
				},
				confined: int64(0),
			},
		})
	})
}

func TestInsertOrUpdateClauseNamingATenantTableIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		addNotes(t, w)
		wantRefused(t, w, []reach{
			{
				name: "INSERT INTO users on a global table",
				run: func(tx *gorm.DB) (any, error) {
					now := time.Now()
					res := tx.Table("notes").Clauses(clause.Insert{Table: clause.Table{Name: "users"}}).
						Create(map[string]any{"tenant_id": w.b.ID, "username": "mole", "created_at": now, "updated_at": now})
					return res.RowsAffected, res.Error
				},
				confined: int64(0),
			},
			{
				name: "UPDATE users on a global table",
				run: func(tx *gorm.DB) (any, error) {
					res := tx.Table("notes").Clauses(clause.Update{Table: clause.Table{Name: "users"}}).
						Where("id = ?", w.bob.ID).Updates(map[string]any{"last_name": "Pwned"})
					return res.RowsAffected, res.Error
				},
				confined: int64(0),
			},
		})
	})
}

func TestTableListingSeveralTablesIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		aID := strconv.FormatUint(w.a.ID, 10)
		wantRefused(t, w, []reach{
			{
				// The tenant condition names the first alias only.
				name: `Table("users AS u, users AS v")`,
				run: func(tx *gorm.DB) (any, error) {
					var emails []string
					err := tx.Table("users AS u, users AS v").Where("v.id = ?", w.bob.ID).Pluck("v.email", &emails).Error
					return emails, err
				},
				confined: []string{},
			},
			{
				// The tenant condition is on the subquery's output, which claims acme.
				name: "Table of a subquery",
				run: func(tx *gorm.DB) (any, error) {
					var emails []string
					err := tx.Table("(SELECT email, "+aID+" AS tenant_id FROM users) AS u").
						Where("u.email = ?", w.bob.Email).Pluck("u.email", &emails).Error
					return emails, err
				},
				confined: []string{},
			},
		})
	})
}

func TestSubqueryNamingATenantTableIsRefused(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		addNotes(t, w)
		bobID := strconv.FormatUint(w.bob.ID, 10)
		var acmeDesc []uint64
		for i := len(w.aUsers) - 1; i >= 0; i-- {
			acmeDesc = append(acmeDesc, w.aUsers[i].ID)
		}
		count := func(q *gorm.DB) (any, error) {
			var n int64
			err := q.Count(&n).Error
			return n, err
		}
		bobExists := func(tx *gorm.DB) *gorm.DB {
			return tx.Model(&models.User{}).Where("EXISTS (SELECT 1 FROM users v WHERE v.id = ?)", w.bob.ID)
		}
		withRole := func(us []models.User, err error) (any, error) {
			n := 0
			for _, u := range us {
				if u.Role != nil {
					n++
				}
			}
			return n, err
		}
		var inConfined any // PostgreSQL has no x IN t: there the statement is only refused
		if d == "sqlite" {
			inConfined = int64(0)
		}
		wantRefused(t, w, []reach{
			{
				name:     "Where",
				run:      func(tx *gorm.DB) (any, error) { return count(bobExists(tx)) },
				confined: int64(0),
			},
			{
				name: "Where with a Raw subquery argument",
				run: func(tx *gorm.DB) (any, error) {
					return count(tx.Model(&models.User{}).Where("EXISTS (?)", tx.Raw("SELECT 1 FROM users WHERE id = ?", w.bob.ID)))
				},
				confined: int64(0),
			},
			{
				name: "Where with a subquery argument scoped to another tenant",
				run: func(tx *gorm.DB) (any, error) {
					sub := tx.WithContext(tenancy.WithTenant(tx.Statement.Context, w.b.ID)).Model(&models.User{}).Select("1").Where("id = ?", w.bob.ID)
					return count(tx.Model(&models.User{}).Where("EXISTS (?)", sub))
				},
				confined: int64(0),
			},
			{
				name: "Having",
				run: func(tx *gorm.DB) (any, error) {
					var tenants []uint64
					err := tx.Model(&models.User{}).Group("tenant_id").Having("(SELECT count(*) FROM users) > ?", 3).Pluck("tenant_id", &tenants).Error
					return tenants, err
				},
				confined: []uint64{},
			},
			{
				name: "Select with a subquery and an argument",
				run: func(tx *gorm.DB) (any, error) {
					var emails []string
					err := tx.Model(&models.User{}).Where("id = ?", w.alice.ID).
						Select("COALESCE((SELECT email FROM users WHERE id = ?), '')", w.bob.ID).Scan(&emails).Error
					return emails, err
				},
				confined: []string{""},
			},
			{
				name: "Select of a subquery column",
				run: func(tx *gorm.DB) (any, error) {
					var emails []string
					err := tx.Model(&models.User{}).Where("id = ?", w.alice.ID).
						Select("COALESCE((SELECT email FROM users WHERE id = " + bobID + "), '') AS email").Scan(&emails).Error
					return emails, err
				},
				confined: []string{""},
			},
			{
				name: "Pluck of a subquery",
				run: func(tx *gorm.DB) (any, error) {
					var emails []string
					err := tx.Model(&models.User{}).Where("id = ?", w.alice.ID).
						Pluck("COALESCE((SELECT email FROM users WHERE id = "+bobID+"), '')", &emails).Error
					return emails, err
				},
				confined: []string{""},
			},
			{
				// The order tells whether there are more users than acme's three.
				name: "Order",
				run: func(tx *gorm.DB) (any, error) {
					var got []uint64
					err := tx.Model(&models.User{}).Order("CASE WHEN (SELECT count(*) FROM users) > 3 THEN users.id ELSE -users.id END").
						Pluck("id", &got).Error
					return got, err
				},
				confined: acmeDesc,
			},
			{
				name: "UpdateColumn with a gorm.Expr subquery",
				run: func(tx *gorm.DB) (any, error) {
					res := tx.Model(&models.User{}).Where("id = ?", w.alice.ID).
						UpdateColumn("email", gorm.Expr("(SELECT email FROM users WHERE id = ?)", w.bob.ID))
					u, err := w.aliceAfter(tx, res)
					return u.Email, err
				},
				confined: w.alice.Email,
			},
			{
				name: "Updates map with a gorm.Expr subquery",
				run: func(tx *gorm.DB) (any, error) {
					res := tx.Model(&models.User{}).Where("id = ?", w.alice.ID).
						Updates(map[string]any{"last_name": gorm.Expr("(SELECT email FROM users WHERE id = ?)", w.bob.ID)})
					u, err := w.aliceAfter(tx, res)
					return u.LastName, err
				},
				confined: "",
			},
			{
				name: "SET clause with a gorm.Expr subquery",
				run: func(tx *gorm.DB) (any, error) {
					res := tx.Model(&models.User{}).Where("id = ?", w.alice.ID).
						Clauses(clause.Set{{Column: clause.Column{Name: "last_name"}, Value: gorm.Expr("(SELECT email FROM users WHERE id = ?)", w.bob.ID)}}).
						Updates(map[string]any{})
					u, err := w.aliceAfter(tx, res)
					return u.LastName, err
				},
				confined: "",
			},
			{
				name: "Update with a subquery in Where",
				run: func(tx *gorm.DB) (any, error) {
					res := tx.Model(&models.User{}).Where("id = ? AND EXISTS (SELECT 1 FROM users v WHERE v.id = ?)", w.alice.ID, w.bob.ID).
						Update("last_name", "Seen")
					u, err := w.aliceAfter(tx, res)
					return u.LastName, err
				},
				confined: "",
			},
			{
				name: "Delete with a subquery in Where",
				run: func(tx *gorm.DB) (any, error) {
					res := tx.Where("id = ? AND EXISTS (SELECT 1 FROM users v WHERE v.id = ?)", w.anna.ID, w.bob.ID).Delete(&models.User{})
					return res.RowsAffected, res.Error
				},
				confined: int64(0),
			},
			{
				name: "UpdateColumn of a global table with a gorm.Expr subquery",
				run: func(tx *gorm.DB) (any, error) {
					if err := tx.Model(&note{}).Where("id = 1").
						UpdateColumn("body", gorm.Expr("COALESCE((SELECT email FROM users WHERE id = ?), '')", w.bob.ID)).Error; err != nil {
						return nil, err
					}
					var n note
					err := tx.Take(&n, 1).Error
					return n.Body, err
				},
				confined: "",
			},
			{
				name: "Create on a global table with a gorm.Expr subquery",
				run: func(tx *gorm.DB) (any, error) {
					if err := tx.Model(&note{}).Create(map[string]any{
						"id": 2, "body": gorm.Expr("COALESCE((SELECT email FROM users WHERE id = ?), '')", w.bob.ID),
					}).Error; err != nil {
						return nil, err
					}
					var n note
					err := tx.Take(&n, 2).Error
					return n.Body, err
				},
				confined: "",
			},
			{
				name: "upsert on a global table with a subquery in DO UPDATE",
				run: func(tx *gorm.DB) (any, error) {
					set := clause.Set{{Column: clause.Column{Name: "body"}, Value: gorm.Expr("COALESCE((SELECT email FROM users WHERE id = ?), '')", w.bob.ID)}}
					if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoUpdates: set}).Create(&note{ID: 1}).Error; err != nil {
						return nil, err
					}
					var n note
					err := tx.Take(&n, 1).Error
					return n.Body, err
				},
				confined: "",
			},
			{
				name: "raw join on a subquery argument",
				run: func(tx *gorm.DB) (any, error) {
					var emails []string
					err := tx.Model(&models.User{}).Joins("JOIN (?) AS v ON v.id = ?", tx.Raw("SELECT id, email FROM users"), w.bob.ID).
						Pluck("v.email", &emails).Error
					return emails, err
				},
				confined: []string{},
			},
			{
				name: "association join condition",
				run: func(tx *gorm.DB) (any, error) {
					var us []models.User
					err := tx.Joins("Role", tx.Where("EXISTS (SELECT 1 FROM users v WHERE v.id = ?)", w.bob.ID)).Find(&us).Error
					return withRole(us, err)
				},
				confined: 0,
			},
			{
				name: "Preload condition",
				run: func(tx *gorm.DB) (any, error) {
					var us []models.User
					err := tx.Preload("Role", "EXISTS (SELECT 1 FROM users v WHERE v.id = ?)", w.bob.ID).Find(&us).Error
					return withRole(us, err)
				},
				confined: 0,
			},
			{
				// SQLite's x IN t is x IN (SELECT * FROM t): an oracle for beta's user count.
				name: "IN a tenant table",
				run: func(tx *gorm.DB) (any, error) {
					return count(tx.Model(&models.User{}).Where("(?, ?, 0) IN tenant_usage", w.b.ID, len(w.bUsers)))
				},
				confined: inConfined,
			},
			{
				// PostgreSQL's TABLE users is SELECT * FROM users.
				name: "TABLE subquery",
				run: func(tx *gorm.DB) (any, error) {
					return count(tx.Model(&models.User{}).Where("EXISTS (TABLE users)"))
				},
			},
		})
	})
}

// What the refusals must leave alone: qualified columns of the statement's own
// table, subqueries of global tables, GORM's own joins and preloads, and every
// shape above when it goes through AcrossTenants.
func TestStatementsTheScopingConfinesStillRun(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		err := w.inA(func(tx *gorm.DB) error {
			var us []models.User
			if err := tx.Where("users.username = ?", "alice").Order("users.id").Find(&us).Error; err != nil || len(us) != 1 {
				t.Errorf("qualified column: %d users, %v", len(us), err)
			}
			us = nil
			if err := tx.Where("EXISTS (SELECT 1 FROM tenants WHERE tenants.id = users.tenant_id AND tenants.enabled)").Find(&us).Error; err != nil || !sameIDs(ids(us), ids(w.aUsers)) {
				t.Errorf("correlated subquery of tenants: %v, %v; want acme's %v", ids(us), err, ids(w.aUsers))
			}
			us = nil
			if err := tx.Table("users AS u").Where("u.username = ?", "alice").Find(&us).Error; err != nil || len(us) != 1 {
				t.Errorf(`Table("users AS u"): %d users, %v`, len(us), err)
			}
			us = nil
			if err := tx.Joins("Role").Preload("Role").Order("users.id").Find(&us).Error; err != nil || !sameIDs(ids(us), ids(w.aUsers)) {
				t.Errorf("Joins and Preload: %v, %v", ids(us), err)
			}
			var ts []models.Tenant
			if err := tx.Where("id IN (SELECT id FROM tenants WHERE enabled)").Find(&ts).Error; err != nil || len(ts) != 3 {
				t.Errorf("subquery of tenants on tenants: %d, %v", len(ts), err)
			}
			return tx.Model(&models.User{}).Where("id = ?", w.alice.ID).UpdateColumn("version", gorm.Expr("version + 1")).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := w.core.Tx(across(), func(tx *gorm.DB) error {
			return tx.Model(&models.User{}).Where("EXISTS (SELECT 1 FROM users v WHERE v.id = ?)", w.bob.ID).Count(&n).Error
		}); err != nil || n != 6 {
			t.Errorf("subquery across tenants: %d, %v; want all 6 users", n, err)
		}
	})
}

// GORM's many-to-many association queries join the join table in a FROM clause
// of their own: that join gets the tenant condition, so a join row of another
// tenant is not followed, and a join that would keep the join table's rows
// whatever its ON says is refused.
func TestManyToManyJoinTableInFromIsConfined(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		ts := teamStore(t, w)
		ctx := context.Background()
		var ann Member
		var blue Team
		if err := ts.InTenant(ctx, w.a.ID, func(tx *gorm.DB) error {
			red := Team{Name: "red"}
			if err := tx.Create(&red).Error; err != nil {
				return err
			}
			ann = Member{Name: "ann"}
			return tx.Model(&red).Association("Members").Append(&ann)
		}); err != nil {
			t.Fatal(err)
		}
		if err := ts.InTenant(ctx, w.b.ID, func(tx *gorm.DB) error {
			blue = Team{Name: "blue"}
			return tx.Create(&blue).Error
		}); err != nil {
			t.Fatal(err)
		}
		// Beta's join row puts acme's ann in beta's team.
		if err := ts.Tx(across(), func(tx *gorm.DB) error {
			return tx.Create(&TeamMember{TeamID: blue.ID, MemberID: ann.ID, TenantID: w.b.ID}).Error
		}); err != nil {
			t.Fatal(err)
		}
		members := func(tx *gorm.DB) ([]Member, error) {
			var ms []Member
			err := tx.Model(&Team{ID: blue.ID}).Association("Members").Find(&ms)
			return ms, err
		}
		if err := ts.InTenant(ctx, w.a.ID, func(tx *gorm.DB) error {
			ms, err := members(tx)
			if err != nil {
				return err
			}
			if len(ms) != 0 {
				t.Errorf("acme follows beta's join row to %d of its members", len(ms))
			}
			var n int64
			err = tx.Model(&Member{}).Clauses(clause.From{Joins: []clause.Join{{Type: clause.RightJoin, Table: clause.Table{Name: "team_members"},
				ON: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "team_members.member_id = members.id"}}}}}}).Count(&n).Error
			wantErr(t, err, tenancy.ErrScopeViolation, "RIGHT JOIN of the join table")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// Across tenants the join row is followed (the check above can fail).
		if err := ts.Tx(across(), func(tx *gorm.DB) error {
			ms, err := members(tx)
			if err == nil && len(ms) != 1 {
				t.Errorf("across tenants: %d members of beta's team, want ann", len(ms))
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}
