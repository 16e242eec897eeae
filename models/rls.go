package models

import (
	"fmt"
	"strings"
)

// The migrations of row-level security on PostgreSQL: the key, the signed
// tenant entry (landlord_enter, landlord_scope) and the policies. Why they
// are built so, and the Go that enters a tenant, are in models/tenancy.

// rlsSQL confines each table to the transaction's verified tenant, for reads
// (USING) and writes (WITH CHECK), owner included (FORCE). The scope is the
// tenant's id, -1 across tenants (any tenant_id passes), 0 for none (no row
// passes); the call is wrapped in SELECT and written once so PostgreSQL runs
// it once per statement and table.
func rlsSQL(tables ...string) string {
	var b strings.Builder
	for _, t := range tables {
		fmt.Fprintf(&b, `
ALTER TABLE %[1]s ENABLE ROW LEVEL SECURITY;
ALTER TABLE %[1]s FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS %[1]s_tenant_isolation ON %[1]s;
CREATE POLICY %[1]s_tenant_isolation ON %[1]s
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));
`, t)
	}
	return b.String()
}

// plainRLSSQL is the first migrations' policies, on a setting anyone could
// write. Those migrations keep their meaning; migration 5 replaces them.
func plainRLSSQL(tables ...string) string {
	var b strings.Builder
	for _, t := range tables {
		fmt.Fprintf(&b, `
ALTER TABLE %[1]s ENABLE ROW LEVEL SECURITY;
ALTER TABLE %[1]s FORCE ROW LEVEL SECURITY;
CREATE POLICY %[1]s_tenant_isolation ON %[1]s
	USING (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on')
	WITH CHECK (tenant_id = NULLIF(current_setting('landlord.tenant_id', true), '')::bigint
		OR current_setting('landlord.across_tenants', true) = 'on');
`, t)
	}
	return b.String()
}

// signedContextSQL is migration 5: the key, the functions and the policies.
// {{schema}} is the schema, pinned in every SECURITY DEFINER function.
const signedContextSQL = `
CREATE TABLE landlord_keys (id INTEGER PRIMARY KEY, key BYTEA NOT NULL, ipad BYTEA NOT NULL, opad BYTEA NOT NULL);
REVOKE ALL ON landlord_keys FROM PUBLIC, ` + AppRole + `;
REVOKE ALL ON schema_migrations FROM PUBLIC, ` + AppRole + `;
DO $$
DECLARE
	k bytea := decode(replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), 'hex');
	padded bytea;
	ip bytea;
	op bytea;
BEGIN
	-- HMAC-SHA256 with a 32-byte key: the key zero-padded to the 64-byte block,
	-- XORed with 0x36 (inner) and 0x5c (outer), computed once.
	padded := k || decode(repeat('00', 32), 'hex');
	ip := padded;
	op := padded;
	FOR i IN 0..63 LOOP
		ip := set_byte(ip, i, get_byte(padded, i) # 54);
		op := set_byte(op, i, get_byte(padded, i) # 92);
	END LOOP;
	INSERT INTO landlord_keys VALUES (1, k, ip, op);
END $$;

-- The functions run as the owner (SECURITY DEFINER) without a search_path of
-- their own, which would cost a GUC change per call: every table and function
-- of ours is named with its schema, and built-in functions and operators come
-- from pg_catalog. A caller could list pg_catalog after a schema of its own,
-- but the request role can create objects in no schema (PostgreSQL 15 takes
-- CREATE on public from everyone; a test holds it), so it cannot shadow them.
CREATE FUNCTION landlord_hmac(msg text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
DECLARE
	k {{schema}}.landlord_keys;
BEGIN
	SELECT * INTO k FROM {{schema}}.landlord_keys WHERE id = 1;
	RETURN encode(sha256(k.opad || sha256(k.ipad || convert_to(msg, 'UTF8'))), 'hex');
END $$;
REVOKE ALL ON FUNCTION landlord_hmac(text) FROM PUBLIC;

-- What binds a scope to this backend and this transaction.
CREATE FUNCTION landlord_binding() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT pg_backend_pid() || ':' || extract(epoch FROM transaction_timestamp()) $$;

-- The scope is one setting, "<tenant id>:<mac>", or "-1:<mac>" across tenants.
CREATE FUNCTION landlord_enter(p_tenant bigint, p_across boolean, p_proof text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
DECLARE
	scope bigint := CASE WHEN p_across THEN -1 ELSE nullif(p_tenant, 0) END;
	k {{schema}}.landlord_keys;
BEGIN
	SELECT * INTO k FROM {{schema}}.landlord_keys WHERE id = 1;
	IF p_proof IS DISTINCT FROM encode(sha256(k.opad || sha256(k.ipad ||
		convert_to('enter:' || coalesce(p_tenant, 0) || ':' || p_across, 'UTF8'))), 'hex') THEN
		RAISE EXCEPTION 'landlord: tenant context refused' USING ERRCODE = 'insufficient_privilege';
	END IF;
	PERFORM set_config('landlord.scope', CASE WHEN scope IS NULL THEN '' ELSE scope || ':' ||
		encode(sha256(k.opad || sha256(k.ipad || convert_to('scope:' || scope || ':' || pg_backend_pid() || ':' ||
			extract(epoch FROM transaction_timestamp()), 'UTF8'))), 'hex') END, true);
	RETURN true;
END $$;

-- The verified scope: a tenant id, -1 across tenants, or 0 (nothing).
CREATE FUNCTION landlord_scope() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
DECLARE
	v text := current_setting('landlord.scope', true);
	t text;
	k {{schema}}.landlord_keys;
BEGIN
	IF v IS NULL OR v = '' THEN
		RETURN 0;
	END IF;
	t := split_part(v, ':', 1);
	IF t !~ '^-?[0-9]{1,18}$' THEN
		RETURN 0;
	END IF;
	SELECT * INTO k FROM {{schema}}.landlord_keys WHERE id = 1;
	IF split_part(v, ':', 2) IS DISTINCT FROM encode(sha256(k.opad || sha256(k.ipad ||
		convert_to('scope:' || t || ':' || pg_backend_pid() || ':' || extract(epoch FROM transaction_timestamp()), 'UTF8'))), 'hex') THEN
		RETURN 0;
	END IF;
	RETURN t::bigint;
END $$;

REVOKE ALL ON FUNCTION landlord_enter(bigint, boolean, text), landlord_scope() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION landlord_enter(bigint, boolean, text), landlord_scope() TO ` + AppRole + `;

DROP POLICY tenants_write ON tenants;
CREATE POLICY tenants_write ON tenants FOR ALL USING ((SELECT landlord_scope()) = -1) WITH CHECK ((SELECT landlord_scope()) = -1);
` // the tenant tables' policies follow, from rlsSQL
