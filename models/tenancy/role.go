package tenancy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"
)

// The request role. A PostgreSQL role belongs to the whole cluster, while its
// grants and its login's password belong to one installation: two
// installations sharing one role would overwrite each other's password (the
// second to start locks the first out of every new connection) and race on
// ALTER ROLE, and each could read the other's tables. So each installation
// (a database, and a schema in it) has a request role of its own: the one
// LANDLORD_APP_ROLE names, else one named from the database and schema.

// LegacyAppRole is the request role every installation shared before each
// had its own; AdoptRequestRole moves an installation's grants off it.
const LegacyAppRole = "landlord_app"

// rolePattern is what a request role's name may be: written into SQL
// unquoted, in identifiers and in literals alike.
var rolePattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// ValidRoleName says whether name can be a request role's name (LANDLORD_APP_ROLE).
func ValidRoleName(name string) bool { return rolePattern.MatchString(name) }

// plainName is a database or schema name that can stand in a role's name as
// it is: no "__", which separates the two.
var plainName = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// RoleName is the request role of the installation in database and schema:
// landlord_app_<database> for the usual public schema,
// landlord_app_<database>__<schema> otherwise. Where a name is not plain
// (plainName) or the result would be too long, a hash of both names after
// the rest keeps two installations apart.
func RoleName(database, schema string) string {
	name := "landlord_app_" + database
	if schema != "public" {
		name += "__" + schema
	}
	if plainName.MatchString(database) && (schema == "public" || plainName.MatchString(schema)) && len(name) <= 63 {
		return name
	}
	sum := sha256.Sum256([]byte(database + "\x00" + schema))
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return '_'
	}, name)
	return clean[:min(len(clean), 63-10)] + "_h" + hex.EncodeToString(sum[:4])
}

// AppRole is this installation's request role: request traffic runs as it,
// and the migrations grant it the data privileges only ({{app_role}}).
// It is "" on SQLite.
func (d *DB) AppRole() string { return d.appRole }

// nameAppRole settles the request role at Open: given, or named from the
// database and schema the owner's connection is in.
func (d *DB) nameAppRole(ctx context.Context, given string) error {
	if given != "" {
		d.appRole = given // checked by Open
	} else {
		var where struct{ Database, Schema *string }
		if err := d.owner.WithContext(Internal(ctx)).Raw("SELECT current_database() AS database, current_schema() AS schema").Scan(&where).Error; err != nil {
			return fmt.Errorf("request role: %w", err)
		}
		if where.Database == nil || where.Schema == nil {
			return fmt.Errorf("request role: the database URL's search_path names no existing schema")
		}
		d.appRole = RoleName(*where.Database, *where.Schema)
	}
	d.enterSwitching = "SELECT set_config('role', '" + d.appRole + "', true), " + enterCall
	d.enterSwitchingNumbered = Numbered(d.enterSwitching)
	return nil
}

// AdoptRequestRole makes sure this installation's request role exists, is
// held by the owner (so it can grant and switch to it), and holds the grants
// in this schema that LegacyAppRole held: an installation migrated before
// each had its own role keeps its privileges, moved, and LegacyAppRole (which
// other installations may still use) keeps none here. Run by the migrations,
// before the steps, on the owner's transaction tx; nothing to do on SQLite.
func (d *DB) AdoptRequestRole(tx *gorm.DB) error {
	if !d.postgres {
		return nil
	}
	role := d.appRole
	sql := strings.NewReplacer("{{role}}", role, "{{legacy}}", LegacyAppRole).Replace(adoptSQL)
	if role == LegacyAppRole {
		sql = sql[:strings.Index(sql, "-- move")]
	}
	return tx.Exec(sql).Error
}

// adoptSQL: {{role}} is the installation's role, {{legacy}} the shared one;
// both are plain names (rolePattern).
const adoptSQL = `
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{role}}') THEN
		BEGIN
			CREATE ROLE {{role}} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
		EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
		END;
	END IF;
END $$;
DO $$
BEGIN
	IF NOT pg_has_role(current_user, '{{role}}', 'MEMBER') THEN
		EXECUTE format('GRANT {{role}} TO %I', current_user);
	END IF;
EXCEPTION WHEN duplicate_object OR invalid_grant_operation THEN NULL;
END $$;
-- move
DO $$
DECLARE
	ns oid := (SELECT oid FROM pg_namespace WHERE nspname = current_schema());
	r record;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{legacy}}') THEN
		RETURN;
	END IF;
	FOR r IN SELECT c.oid::regclass AS rel, CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind, a.privilege_type AS priv
		FROM pg_class c, aclexplode(c.relacl) a
		WHERE c.relnamespace = ns AND a.grantee = '{{legacy}}'::regrole LOOP
		EXECUTE format('GRANT %s ON %s %s TO {{role}}', r.priv, r.kind, r.rel);
		EXECUTE format('REVOKE %s ON %s %s FROM {{legacy}}', r.priv, r.kind, r.rel);
	END LOOP;
	FOR r IN SELECT p.oid::regprocedure AS fn
		FROM pg_proc p, aclexplode(p.proacl) a
		WHERE p.pronamespace = ns AND a.grantee = '{{legacy}}'::regrole AND a.privilege_type = 'EXECUTE' LOOP
		EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO {{role}}', r.fn);
		EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM {{legacy}}', r.fn);
	END LOOP;
	IF has_schema_privilege('{{legacy}}', ns, 'USAGE') AND EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(n.nspacl) a
		WHERE n.oid = ns AND a.grantee = '{{legacy}}'::regrole) THEN
		EXECUTE format('GRANT USAGE ON SCHEMA %I TO {{role}}', current_schema());
		EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM {{legacy}}', current_schema());
	END IF;
END $$;
`
