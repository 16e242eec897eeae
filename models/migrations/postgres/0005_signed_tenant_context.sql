-- migration 5: tenant context signed with a key request traffic cannot read
-- PostgreSQL only: the tenant-context key, landlord_enter and
-- landlord_scope, and every tenant table's policy on the verified scope (see
-- models/rls.go). The schema's name, filled in by the runner, is pinned in
-- every SECURITY DEFINER function. Nothing to do on SQLite, which has no row-level security.

CREATE TABLE landlord_keys (id INTEGER PRIMARY KEY, key BYTEA NOT NULL, ipad BYTEA NOT NULL, opad BYTEA NOT NULL);
REVOKE ALL ON landlord_keys FROM PUBLIC, {{app_role}};
REVOKE ALL ON schema_migrations FROM PUBLIC, {{app_role}};
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
GRANT EXECUTE ON FUNCTION landlord_enter(bigint, boolean, text), landlord_scope() TO {{app_role}};

DROP POLICY tenants_write ON tenants;
CREATE POLICY tenants_write ON tenants FOR ALL USING ((SELECT landlord_scope()) = -1) WITH CHECK ((SELECT landlord_scope()) = -1);

ALTER TABLE roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE roles FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS roles_tenant_isolation ON roles;
CREATE POLICY roles_tenant_isolation ON roles
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS users_tenant_isolation ON users;
CREATE POLICY users_tenant_isolation ON users
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS audit_events_tenant_isolation ON audit_events;
CREATE POLICY audit_events_tenant_isolation ON audit_events
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

ALTER TABLE login_handoffs ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_handoffs FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS login_handoffs_tenant_isolation ON login_handoffs;
CREATE POLICY login_handoffs_tenant_isolation ON login_handoffs
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

ALTER TABLE user_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_sessions FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS user_sessions_tenant_isolation ON user_sessions;
CREATE POLICY user_sessions_tenant_isolation ON user_sessions
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

ALTER TABLE tenant_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_usage FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_usage_tenant_isolation ON tenant_usage;
CREATE POLICY tenant_usage_tenant_isolation ON tenant_usage
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));
