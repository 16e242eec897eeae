package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Row-level security on PostgreSQL, against SQL that runs on a request's own
// connection (an injection, a raw statement gone wrong), not only against
// scoping bugs:
//
//   - Request traffic logs in as AppRole, which is neither superuser,
//     BYPASSRLS nor owner of any table, so RESET ROLE gains nothing.
//   - The policies do not trust a plain setting. A transaction enters its
//     tenant through landlord_enter(tenant, across, proof): the proof is an
//     HMAC, with a key only the owner can read, that the server computes; the
//     function then stores in the settings values bound to this backend and
//     this transaction (HMACs of the tenant, pg_backend_pid() and the
//     transaction's start), and the policies accept only values that verify.
//     A forged setting, or one seen elsewhere and replayed, confines to nothing.
//
// The key lives in landlord_keys (owner only); the server reads it with the
// owner's connection when it migrates.

// rlsSQL confines each table to the transaction's verified tenant, for reads
// (USING) and writes (WITH CHECK), owner included (FORCE). The function calls
// are wrapped in SELECT so PostgreSQL runs them once per statement.
func rlsSQL(tables ...string) string {
	var b strings.Builder
	for _, t := range tables {
		fmt.Fprintf(&b, `
ALTER TABLE %[1]s ENABLE ROW LEVEL SECURITY;
ALTER TABLE %[1]s FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS %[1]s_tenant_isolation ON %[1]s;
CREATE POLICY %[1]s_tenant_isolation ON %[1]s
	USING (tenant_id = (SELECT landlord_current_tenant()) OR (SELECT landlord_across()))
	WITH CHECK (tenant_id = (SELECT landlord_current_tenant()) OR (SELECT landlord_across()));
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

CREATE FUNCTION landlord_hmac(msg text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
	k landlord_keys;
BEGIN
	SELECT * INTO k FROM landlord_keys WHERE id = 1;
	RETURN encode(sha256(k.opad || sha256(k.ipad || convert_to(msg, 'UTF8'))), 'hex');
END $$;
REVOKE ALL ON FUNCTION landlord_hmac(text) FROM PUBLIC;

-- What binds a setting to this backend and this transaction.
CREATE FUNCTION landlord_binding() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT pg_backend_pid() || ':' || extract(epoch FROM transaction_timestamp()) $$;

CREATE FUNCTION landlord_enter(p_tenant bigint, p_across boolean, p_proof text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
	b text := landlord_binding();
BEGIN
	IF p_proof IS DISTINCT FROM landlord_hmac('enter:' || coalesce(p_tenant, 0) || ':' || p_across) THEN
		RAISE EXCEPTION 'landlord: tenant context refused' USING ERRCODE = 'insufficient_privilege';
	END IF;
	PERFORM set_config('landlord.tenant_id',
		CASE WHEN coalesce(p_tenant, 0) = 0 THEN '' ELSE p_tenant || ':' || landlord_hmac('tenant:' || p_tenant || ':' || b) END, true);
	PERFORM set_config('landlord.across_tenants',
		CASE WHEN p_across THEN landlord_hmac('across:' || b) ELSE '' END, true);
	RETURN true;
END $$;

CREATE FUNCTION landlord_current_tenant() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
	v text := current_setting('landlord.tenant_id', true);
	t text;
BEGIN
	IF v IS NULL OR v = '' THEN
		RETURN NULL;
	END IF;
	t := split_part(v, ':', 1);
	IF t !~ '^[0-9]{1,18}$' OR split_part(v, ':', 2) IS DISTINCT FROM landlord_hmac('tenant:' || t || ':' || landlord_binding()) THEN
		RETURN NULL;
	END IF;
	RETURN t::bigint;
END $$;

CREATE FUNCTION landlord_across() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
	v text := current_setting('landlord.across_tenants', true);
BEGIN
	RETURN v IS NOT NULL AND v <> '' AND v = landlord_hmac('across:' || landlord_binding());
END $$;

REVOKE ALL ON FUNCTION landlord_enter(bigint, boolean, text), landlord_current_tenant(), landlord_across() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION landlord_enter(bigint, boolean, text), landlord_current_tenant(), landlord_across() TO ` + AppRole + `;

DROP POLICY tenants_write ON tenants;
CREATE POLICY tenants_write ON tenants FOR ALL USING ((SELECT landlord_across())) WITH CHECK ((SELECT landlord_across()));
` // the tenant tables' policies follow, from rlsSQL

// loadKey reads the tenant-context key with the owner's connection.
func (s *Store) loadKey(ctx context.Context) error {
	var key []byte
	err := s.owner.WithContext(internalSQL(ctx)).Raw("SELECT key FROM landlord_keys WHERE id = 1").Row().Scan(&key)
	if err != nil {
		return fmt.Errorf("tenant-context key: %w", err)
	}
	if len(key) != 32 {
		return errors.New("tenant-context key: wrong length")
	}
	s.rlsKey = key
	return nil
}

// enterProof is what lets a transaction enter tenant (0: none) or cross tenants.
func (s *Store) enterProof(tenant uint64, across bool) string {
	m := hmac.New(sha256.New, s.rlsKey)
	m.Write([]byte("enter:" + strconv.FormatUint(tenant, 10) + ":" + strconv.FormatBool(across)))
	return hex.EncodeToString(m.Sum(nil))
}
