package models

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// ActionSeed is the audit action of `landlord dev seed`.
const ActionSeed = "dev.seed"

// SeedOptions say how much demo or benchmark data to make.
type SeedOptions struct {
	Tenants int
	Users   int // spread evenly over the new tenants
	// Resources are spread evenly over the new tenants; the first seed
	// with any also gives the master its shared ones (seedResources).
	Resources int
	// Password is every seeded user's password; empty makes a random one,
	// returned in SeedResult.
	Password string
	// Force seeds into a database that already holds subtenants; the new
	// tenants are numbered after any earlier seed's.
	Force bool
}

// SeedResult says what a seed made.
type SeedResult struct {
	Tenants, Users int64
	Resources      int64 // the new tenants' own
	Templates      int64 // linked template copies made
	Kinds          int64 // resource kinds made, when there were none
	First, Last    string
	Password       string
	// ExampleUser is a seeded user of the First tenant, to sign in with.
	ExampleUser string
	Took        time.Duration
}

// ErrNotEmpty is the refusal to seed a database that holds real tenants.
var ErrNotEmpty = errors.New("the database already holds tenants besides the master")

// Limits of one seed, so a typo cannot fill the disk.
const (
	MaxSeedTenants   = 1_000_000
	MaxSeedUsers     = 10_000_000
	MaxSeedResources = 10_000_000
)

// Seed fills the database with numbered tenants ("Tenant 00042", t00042),
// each with the default tenant role, an Administrator role and linked copies
// of the master's templates, as CreateTenant gives a tenant, and o.Users users
// spread over them (user000042, with that Administrator role), all sharing one
// password hash computed once. It is set-based: one INSERT … SELECT per
// table over a generated series (generate_series on PostgreSQL, a recursive
// CTE on SQLite), in one transaction, with one event in the master's audit
// log. A database holding subtenants is refused with ErrNotEmpty unless
// o.Force is set.
func (s *Store) Seed(ctx context.Context, o SeedOptions) (*SeedResult, error) {
	start := time.Now()
	f := fieldErrors{}
	if o.Tenants < 1 || o.Tenants > MaxSeedTenants {
		f.add("tenants", fmt.Sprintf("Give between 1 and %d tenants.", MaxSeedTenants))
	}
	if o.Users < 0 || o.Users > MaxSeedUsers {
		f.add("users", fmt.Sprintf("Give between 0 and %d users.", MaxSeedUsers))
	}
	if o.Resources < 0 || o.Resources > MaxSeedResources {
		f.add("resources", fmt.Sprintf("Give between 0 and %d resources.", MaxSeedResources))
	}
	if o.Password == "" {
		o.Password = rand.Text()[:16]
	}
	if len(o.Password) < MinPasswordLength || len(o.Password) > MaxPasswordLength {
		f.add("password", fmt.Sprintf("Use between %d and %d characters.", MinPasswordLength, MaxPasswordLength))
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	master, err := s.masterActing(ctx, FeatureTenants, LevelFull)
	if err != nil {
		return nil, err
	}
	hash, err := HashPassword(o.Password) // once, for every seeded user
	if err != nil {
		return nil, err
	}
	res := &SeedResult{Password: o.Password}
	err = s.db.Tx(AcrossTenants(ctx, "seed demo tenants and users"), func(tx *gorm.DB) error {
		var existing int64
		if err := tx.Model(&Tenant{}).Where("NOT is_master").Count(&existing).Error; err != nil {
			return err
		}
		if existing > 0 && !o.Force {
			return fmt.Errorf("%w (%d subtenants): seeding is for an empty install; give --force to add seeded tenants anyway", ErrNotEmpty, existing)
		}
		// Numbers continue after an earlier seed's, so a forced seed adds tenants.
		after, err := s.lastSeeded(tx)
		if err != nil {
			return err
		}
		sq := s.seedSQL(after, o.Tenants)
		roleID, err := s.defaultTenantRole(tx)
		if err != nil {
			return err
		}
		now := s.now()
		exec := func(what, sql string, args ...any) (int64, error) {
			r := tx.Exec(sql, args...)
			if r.Error != nil {
				return 0, fmt.Errorf("seed %s: %w", what, r.Error)
			}
			return r.RowsAffected, nil
		}
		// The tenants; the tenant_usage rows come from the trigger.
		if res.Tenants, err = exec("tenants", sq.with+`
INSERT INTO tenants (subdomain, name, description, tenant_role_id, currency, enabled, is_master, version, created_at, updated_at)
SELECT `+sq.subdomain+`, 'Tenant ' || `+sq.number+`, 'Seeded for demonstration.', ?, 'USD', TRUE, FALSE, 1, ?, ?
FROM g`, roleID, now, now); err != nil {
			return err
		}
		seeded := sq.with + ", s(id) AS (SELECT t.id FROM g JOIN tenants t ON t.subdomain = " + sq.subdomain + ")\n"
		// Each one's full-rights Administrator role, as CreateTenant makes it.
		if _, err := exec("administrator roles", seeded+`
INSERT INTO roles (tenant_id, name, description, permissions, multitenant, linked, version, created_at, updated_at)
SELECT s.id, ?, 'Full rights in this tenant.', ?, FALSE, FALSE, 1, ?, ?
FROM s`, AdminRoleName, fullPermissionsJSON, now, now); err != nil {
			return err
		}
		// Linked copies of every master template, as seedTemplates makes them
		// for one tenant (a template named like a role the tenant has is
		// skipped). The few templates come first: SQLite joins a CROSS JOIN
		// in the order written.
		if res.Templates, err = exec("template copies", seeded+`
INSERT INTO roles (tenant_id, name, description, permissions, multitenant, template_id, linked, version, created_at, updated_at)
SELECT s.id, m.name, m.description, m.permissions, FALSE, m.id, TRUE, 1, ?, ?
FROM roles m JOIN tenants mt ON mt.id = m.tenant_id AND mt.is_master CROSS JOIN s
WHERE m.multitenant AND NOT EXISTS (SELECT 1 FROM roles o WHERE o.tenant_id = s.id AND lower(o.name) = lower(m.name))`, now, now); err != nil {
			return err
		}
		// The users, round-robin over the new tenants: user n goes to tenant
		// number after + 1 + (n-1) mod Tenants. The tenant_usage counts follow
		// by trigger (once per statement on PostgreSQL, migration 10).
		if o.Users > 0 {
			uq := s.seedSQL(0, o.Users)
			if res.Users, err = exec("users", uq.with+`
INSERT INTO users (tenant_id, username, email, first_name, last_name, role_id, enabled, password_hash, identity_source, session_version, version, created_at, updated_at)
SELECT t.id, 'user' || `+uq.number+`, 'user' || `+uq.number+` || '@' || t.subdomain || '.example', 'User', `+uq.number+`,
	r.id, TRUE, ?, 'local', 1, 1, ?, ?
FROM g
JOIN tenants t ON t.subdomain = `+sq.subdomainOf(fmt.Sprintf("(%d + (g.n - 1) %% %d)", after+1, o.Tenants))+`
JOIN roles r ON r.tenant_id = t.id AND r.name = ? AND NOT r.multitenant AND r.template_id IS NULL`,
				hash, now, now, AdminRoleName); err != nil {
				return err
			}
			res.ExampleUser = "user" + zeroPad(1, uq.width)
		}
		// The demonstration kinds first: seeded resources then find theirs.
		if res.Kinds, err = s.seedResourceKinds(tx); err != nil {
			return err
		}
		if o.Resources > 0 {
			if res.Resources, err = s.seedResources(tx, master.ID, after, o.Tenants, o.Resources, now); err != nil {
				return err
			}
		}
		// The skeletons of the names just inserted, which SQL cannot compute.
		if err := fillNameSkeletons(tx); err != nil {
			return err
		}
		res.First, res.Last = "t"+zeroPad(after+1, sq.width), "t"+zeroPad(after+o.Tenants, sq.width)
		details := jsonDetails(map[string]any{"tenants": res.Tenants, "users": res.Users, "resources": res.Resources, "template_copies": res.Templates,
			"resource_kinds": res.Kinds, "first": res.First, "last": res.Last})
		return s.record(tx, master.ID, Event{Action: ActionSeed, TargetType: "tenant", TargetID: res.First + ".." + res.Last,
			Outcome: OutcomeSuccess, Details: details})
	})
	if err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// lastSeeded is the highest number of a tenant whose subdomain is a seeded
// one's shape, 't' and digits (t00042 is 42), 0 if there is none: a forced
// seed numbers its tenants after it, so no subdomain clashes.
func (s *Store) lastSeeded(tx *gorm.DB) (int, error) {
	var subs []string
	if err := tx.Model(&Tenant{}).Where("subdomain LIKE 't%'").Pluck("subdomain", &subs).Error; err != nil {
		return 0, err
	}
	last := 0
	for _, sub := range subs {
		if n, err := strconv.Atoi(sub[1:]); err == nil && n > last {
			last = n
		}
	}
	return last, nil
}

// seedSeries is the SQL of a numbered series for one dialect: with is the
// CTE g(n) holding 1..count, number row n's number (after + n, zero-padded
// to width, at least 5 digits), subdomain the subdomain of that number.
type seedSeries struct {
	postgres  bool
	with      string
	width     int
	number    string
	subdomain string
}

func (s *Store) seedSQL(after, count int) seedSeries {
	q := seedSeries{postgres: s.postgres, width: max(5, len(strconv.Itoa(after+count)))}
	if s.postgres {
		q.with = fmt.Sprintf("WITH g(n) AS (SELECT generate_series(1, %d))", count)
	} else {
		q.with = fmt.Sprintf("WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %d)", count)
	}
	q.number = q.padSQL(fmt.Sprintf("(g.n + %d)", after))
	q.subdomain = q.subdomainOf(fmt.Sprintf("(g.n + %d)", after))
	return q
}

// subdomainOf is the subdomain of the seeded tenant numbered by expr.
func (q seedSeries) subdomainOf(expr string) string { return "'t' || " + q.padSQL(expr) }

// padSQL zero-pads the integer expr to the series' width.
func (q seedSeries) padSQL(expr string) string {
	if q.postgres {
		return fmt.Sprintf("lpad((%s)::text, %d, '0')", expr, q.width)
	}
	return fmt.Sprintf("printf('%%0%dd', %s)", q.width, expr)
}

// zeroPad is padSQL in Go.
func zeroPad(n, width int) string { return fmt.Sprintf("%0*d", width, n) }

// fullPermissionsJSON is FullPermissions as stored: the seeded
// Administrator roles get every feature of today's catalogue.
var fullPermissionsJSON = func() string {
	v, _ := FullPermissions().Value()
	return v.(string)
}()
