package tenancy

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"gorm.io/gorm"
)

// Row-level security on PostgreSQL, against SQL that runs on a request's own
// connection (an injection, a raw statement gone wrong), not only against
// scoping bugs:
//
//   - Request traffic logs in as the request role (role.go), which is neither superuser,
//     BYPASSRLS nor owner of any table, so RESET ROLE gains nothing.
//   - The policies do not trust a plain setting. A transaction enters its
//     tenant through landlord_enter(tenant, across, proof): the proof is an
//     HMAC, with a key only the owner can read, that the server computes; the
//     function then stores the scope (the tenant, or -1 across tenants) in
//     the setting landlord.scope with an HMAC that binds it to this backend
//     and this transaction (pg_backend_pid() and the transaction's start), and
//     the policies accept only a scope that verifies (landlord_scope()).
//     A forged setting, or one seen elsewhere and replayed, confines to nothing.
//
// The key lives in landlord_keys (owner only); the server reads it with the
// owner's connection when it migrates (LoadKey), and then closes that
// connection (CloseOwner): a running server keeps the key in memory only.
// The migrations that create the key, the functions and the policies are the
// models package's.

// enterCall is the tenant entry, the one place it is written: every
// transaction on PostgreSQL begins with it (tenant, across, proof).
const enterCall = "landlord_enter(?, ?, ?)"

// The entry as each door sends it. Unless the login is the request role
// itself, a request transaction also switches to it (set_config('role') is
// SET LOCAL ROLE; that form is the installation's, DB.enterSwitching); a
// switch to the role already logged in changes nothing and cost a catalog
// lookup on every request. Numbered ($1..) for the read pipeline, once, not
// on every request.
var (
	enterPlain    = "SELECT " + enterCall
	enterNumbered = Numbered(enterPlain)
)

// enterSQL is the statement that begins every transaction of request traffic
// on PostgreSQL, with ? for GORM or, numberedForm, $1.. for the pipeline.
func (d *DB) enterSQL(numberedForm bool) string {
	switch {
	case d.appLogin && numberedForm:
		return enterNumbered
	case d.appLogin:
		return enterPlain
	case numberedForm:
		return d.enterSwitchingNumbered
	}
	return d.enterSwitching
}

// LoadKey reads the tenant-context key with the owner's connection; the
// doors refuse to run on PostgreSQL until it has.
func (d *DB) LoadKey(ctx context.Context) error {
	owner, err := d.ownerDB()
	if err != nil {
		return err
	}
	var key []byte
	err = owner.WithContext(Internal(ctx)).Raw("SELECT key FROM landlord_keys WHERE id = 1").Row().Scan(&key)
	if err != nil {
		return fmt.Errorf("tenant-context key: %w", err)
	}
	if len(key) != 32 {
		return errors.New("tenant-context key: wrong length")
	}
	d.rlsKey = key
	return nil
}

// Keyed says whether the key is loaded (on PostgreSQL, after LoadKey).
func (d *DB) Keyed() bool { return d.rlsKey != nil }

// EnterProof is what lets a transaction enter tenant (0: none) or cross tenants.
func (d *DB) EnterProof(tenant uint64, across bool) string { return proof(d.rlsKey, tenant, across) }

func proof(key []byte, tenant uint64, across bool) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("enter:" + strconv.FormatUint(tenant, 10) + ":" + strconv.FormatBool(across)))
	return hex.EncodeToString(m.Sum(nil))
}

// scopeOf is what ctx enters: its tenant, or across tenants.
func scopeOf(ctx context.Context) (tenant uint64, across bool) {
	tenant, _ = TenantFrom(ctx)
	return tenant, IsAcross(ctx)
}

// Tx runs fn in one transaction of request traffic, confined to ctx's tenant
// (or across tenants if ctx says AcrossTenants). On PostgreSQL it first
// enters that scope, switching to the request role, with the server's proof.
func (d *DB) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	ctx = scoped(ctx)
	return d.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if d.postgres {
			if d.rlsKey == nil {
				return errors.New("tenant context: the store was not migrated")
			}
			tenant, across := scopeOf(ctx)
			if err := tx.WithContext(Internal(ctx)).Exec(d.enterSQL(false), int64(tenant), across, d.EnterProof(tenant, across)).Error; err != nil {
				return fmt.Errorf("enter tenant as %s: %w", d.appRole, err)
			}
		}
		return fn(tx)
	})
}

// InTenant runs fn confined to tenantID, whatever tenant ctx carried.
func (d *DB) InTenant(ctx context.Context, tenantID uint64, fn func(tx *gorm.DB) error) error {
	return d.Tx(WithTenant(WithoutAcross(ctx), tenantID), fn)
}

// Across runs fn across tenants inside tx, a transaction confined to one
// tenant, then confines tx to that tenant again: for the few steps of a
// tenant's own operation that reach every tenant (a template's copies).
// why says what the crossing is for, as AcrossTenants.
func (d *DB) Across(tx *gorm.DB, why string, fn func(tx *gorm.DB) error) error {
	ctx := tx.Statement.Context
	tenant, _ := TenantFrom(ctx)
	if err := d.enter(tx, 0, true); err != nil {
		return err
	}
	if err := fn(tx.WithContext(AcrossTenants(ctx, why))); err != nil {
		return err
	}
	return d.enter(tx, tenant, false)
}

// enter enters tenant (or across tenants) within tx, whose role is set.
func (d *DB) enter(tx *gorm.DB, tenant uint64, across bool) error {
	if !d.postgres {
		return nil
	}
	return tx.WithContext(Internal(tx.Statement.Context)).Exec(enterPlain, int64(tenant), across, d.EnterProof(tenant, across)).Error
}

// Registry is a session outside any transaction, for one statement on the
// tables every request may read (the tenant registry, the tenant roles). The
// scoping callbacks still run: on PostgreSQL a tenant table is refused there.
func (d *DB) Registry(ctx context.Context) *gorm.DB { return d.db.WithContext(ctx) }

// Owner is the connection of the database URL's own role, for migrations:
// its statements are the store's own (Internal), and row-level security,
// forced on the owner too, lets them reach no tenant's rows unless they enter
// (EnterAcrossAsOwner). It is ErrOwnerClosed once the server is up.
func (d *DB) Owner(ctx context.Context) (*gorm.DB, error) {
	owner, err := d.ownerDB()
	if err != nil {
		return nil, err
	}
	return owner.WithContext(Internal(ctx)), nil
}

// OwnerTx runs fn in a transaction of the database URL's own role (which
// may do what request traffic may not: remove audit events, read the audit
// key's fingerprint), confined to ctx's tenant or across tenants, as Tx.
func (d *DB) OwnerTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	owner, err := d.ownerDB()
	if err != nil {
		return err
	}
	ctx = scoped(ctx)
	return owner.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		tenant, across := scopeOf(ctx)
		if err := d.enter(tx, tenant, across); err != nil {
			return err
		}
		return fn(tx)
	})
}

// EnterAcrossAsOwner lets a migration's transaction of the owner reach every
// tenant's rows on PostgreSQL, before the key is loaded: it reads the key
// within tx.
func EnterAcrossAsOwner(tx *gorm.DB) error {
	var key []byte
	if err := tx.Raw("SELECT key FROM landlord_keys WHERE id = 1").Row().Scan(&key); err != nil {
		return fmt.Errorf("tenant-context key: %w", err)
	}
	return tx.Exec(enterPlain, 0, true, proof(key, 0, true)).Error
}
