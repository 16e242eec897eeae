--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: {{schema}}; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA {{schema}};


--
-- Name: audit_chain_new(); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.audit_chain_new() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	INSERT INTO audit_chains (tenant_id) VALUES (NEW.id);
	RETURN NULL;
END $$;


--
-- Name: landlord_binding(); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.landlord_binding() RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT pg_backend_pid() || ':' || extract(epoch FROM transaction_timestamp()) $$;


--
-- Name: landlord_enter(bigint, boolean, text); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.landlord_enter(p_tenant bigint, p_across boolean, p_proof text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    AS $$
DECLARE
	scope bigint := CASE WHEN p_across THEN -1 ELSE nullif(p_tenant, 0) END;
	k "{{schema}}".landlord_keys;
BEGIN
	SELECT * INTO k FROM "{{schema}}".landlord_keys WHERE id = 1;
	IF p_proof IS DISTINCT FROM encode(sha256(k.opad || sha256(k.ipad ||
		convert_to('enter:' || coalesce(p_tenant, 0) || ':' || p_across, 'UTF8'))), 'hex') THEN
		RAISE EXCEPTION 'landlord: tenant context refused' USING ERRCODE = 'insufficient_privilege';
	END IF;
	PERFORM set_config('landlord.scope', CASE WHEN scope IS NULL THEN '' ELSE scope || ':' ||
		encode(sha256(k.opad || sha256(k.ipad || convert_to('scope:' || scope || ':' || pg_backend_pid() || ':' ||
			extract(epoch FROM transaction_timestamp()), 'UTF8'))), 'hex') END, true);
	RETURN true;
END $$;


--
-- Name: landlord_hmac(text); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.landlord_hmac(msg text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    AS $$
DECLARE
	k "{{schema}}".landlord_keys;
BEGIN
	SELECT * INTO k FROM "{{schema}}".landlord_keys WHERE id = 1;
	RETURN encode(sha256(k.opad || sha256(k.ipad || convert_to(msg, 'UTF8'))), 'hex');
END $$;


--
-- Name: landlord_scope(); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.landlord_scope() RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    AS $_$
DECLARE
	v text := current_setting('landlord.scope', true);
	t text;
	k "{{schema}}".landlord_keys;
BEGIN
	IF v IS NULL OR v = '' THEN
		RETURN 0;
	END IF;
	t := split_part(v, ':', 1);
	IF t !~ '^-?[0-9]{1,18}$' THEN
		RETURN 0;
	END IF;
	SELECT * INTO k FROM "{{schema}}".landlord_keys WHERE id = 1;
	IF split_part(v, ':', 2) IS DISTINCT FROM encode(sha256(k.opad || sha256(k.ipad ||
		convert_to('scope:' || t || ':' || pg_backend_pid() || ':' || extract(epoch FROM transaction_timestamp()), 'UTF8'))), 'hex') THEN
		RETURN 0;
	END IF;
	RETURN t::bigint;
END $_$;


--
-- Name: landlord_session_check(text, text, timestamp with time zone); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.landlord_session_check(p_subdomain text, p_token_hash text, p_now timestamp with time zone) RETURNS TABLE(t_id bigint, t_subdomain text, t_name text, t_is_master boolean, t_tenant_role_id bigint, t_version integer, u_id bigint, u_username text, u_email text, u_first_name text, u_last_name text, u_role_id bigint, u_identity_source text, u_session_version integer, u_last_login_at timestamp with time zone, u_version integer, r_name text, r_permissions text, tr_permissions text, i_id bigint, i_impersonator_tenant_id bigint, i_impersonator_user_id bigint, i_impersonator_name text, i_started_at timestamp with time zone, i_expires_at timestamp with time zone, ir_permissions text)
    LANGUAGE plpgsql SECURITY DEFINER
    AS $$
BEGIN
	RETURN QUERY 
SELECT t.id, t.subdomain, t.name, t.is_master, t.tenant_role_id, t.version,
	u.id, u.username, u.email, u.first_name, u.last_name, u.role_id,
	u.identity_source, u.session_version, u.last_login_at, u.version,
	r.name, r.permissions, tr.permissions,
	NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::text
FROM "{{schema}}".tenants t
JOIN "{{schema}}".user_sessions s ON s.tenant_id = t.id
JOIN "{{schema}}".users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
	AND u.enabled AND u.session_version = s.session_version
LEFT JOIN "{{schema}}".roles r ON r.tenant_id = u.tenant_id AND r.id = u.role_id
LEFT JOIN "{{schema}}".tenant_roles tr ON tr.id = t.tenant_role_id
WHERE t.subdomain = p_subdomain AND t.enabled AND s.token_hash = p_token_hash AND s.expires_at > p_now
	AND s.impersonation_id IS NULL;
	IF NOT FOUND THEN
		RETURN QUERY 
SELECT t.id, t.subdomain, t.name, t.is_master, t.tenant_role_id, t.version,
	u.id, u.username, u.email, u.first_name, u.last_name, u.role_id,
	u.identity_source, u.session_version, u.last_login_at, u.version,
	r.name, r.permissions, tr.permissions,
	imp.id, imp.impersonator_tenant_id, imp.impersonator_user_id, imp.impersonator_name, imp.started_at, imp.expires_at, imp.permissions
FROM "{{schema}}".tenants t
JOIN "{{schema}}".user_sessions s ON s.tenant_id = t.id
JOIN "{{schema}}".users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
	AND u.enabled AND u.session_version = s.session_version
LEFT JOIN "{{schema}}".roles r ON r.tenant_id = u.tenant_id AND r.id = u.role_id
LEFT JOIN "{{schema}}".tenant_roles tr ON tr.id = t.tenant_role_id
LEFT JOIN LATERAL (
	SELECT i.id, i.tenant_id, i.impersonator_tenant_id, i.impersonator_user_id, i.impersonator_name, i.started_at, i.expires_at, ir.permissions
	FROM "{{schema}}".impersonations i
	JOIN "{{schema}}".user_sessions ms ON ms.token_hash = i.impersonator_session_hash AND ms.expires_at > p_now
	JOIN "{{schema}}".users iu ON iu.tenant_id = ms.tenant_id AND iu.id = ms.user_id AND iu.id = i.impersonator_user_id
		AND iu.enabled AND iu.session_version = ms.session_version
	LEFT JOIN "{{schema}}".roles ir ON ir.tenant_id = iu.tenant_id AND ir.id = iu.role_id
	WHERE i.ended_at IS NULL AND i.expires_at > p_now
		AND s.impersonation_id IS NOT NULL AND i.tenant_id = s.tenant_id AND i.id = s.impersonation_id
) imp ON imp.tenant_id = s.tenant_id AND imp.id = s.impersonation_id
WHERE t.subdomain = p_subdomain AND t.enabled AND s.token_hash = p_token_hash AND s.expires_at > p_now
	AND (s.impersonation_id IS NULL OR imp.id IS NOT NULL)
	AND s.impersonation_id IS NOT NULL;
	END IF;
END
$$;


--
-- Name: FUNCTION landlord_session_check(p_subdomain text, p_token_hash text, p_now timestamp with time zone); Type: COMMENT; Schema: {{schema}}; Owner: -
--

COMMENT ON FUNCTION {{schema}}.landlord_session_check(p_subdomain text, p_token_hash text, p_now timestamp with time zone) IS '60a63212f07aef8d8da9c159fa2817989c5de8b1a0bded56475059cd9f871d1a';


--
-- Name: tenant_settings_new(); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.tenant_settings_new() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	INSERT INTO tenant_settings (tenant_id) VALUES (NEW.id);
	RETURN NULL;
END $$;


--
-- Name: tenant_usage_resources_added(); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.tenant_usage_resources_added() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	UPDATE tenant_usage u SET resources = u.resources + d.n
	FROM (SELECT tenant_id, count(*) AS n FROM added GROUP BY tenant_id) d WHERE u.tenant_id = d.tenant_id;
	RETURN NULL;
END $$;


--
-- Name: tenant_usage_resources_removed(); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.tenant_usage_resources_removed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	UPDATE tenant_usage u SET resources = u.resources - d.n
	FROM (SELECT tenant_id, count(*) AS n FROM removed GROUP BY tenant_id) d WHERE u.tenant_id = d.tenant_id;
	RETURN NULL;
END $$;


--
-- Name: tenant_usage_tenants_added(); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.tenant_usage_tenants_added() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	INSERT INTO tenant_usage (tenant_id) SELECT id FROM added;
	RETURN NULL;
END $$;


--
-- Name: tenant_usage_users_added(); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.tenant_usage_users_added() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	UPDATE tenant_usage u SET users = u.users + d.n
	FROM (SELECT tenant_id, count(*) AS n FROM added GROUP BY tenant_id) d WHERE u.tenant_id = d.tenant_id;
	RETURN NULL;
END $$;


--
-- Name: tenant_usage_users_removed(); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.tenant_usage_users_removed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	UPDATE tenant_usage u SET users = u.users - d.n
	FROM (SELECT tenant_id, count(*) AS n FROM removed GROUP BY tenant_id) d WHERE u.tenant_id = d.tenant_id;
	RETURN NULL;
END $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: audit_chains; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.audit_chains (
    tenant_id bigint NOT NULL,
    head_id bigint DEFAULT 0 NOT NULL,
    head_hash text DEFAULT ''::text NOT NULL,
    start_after_id bigint DEFAULT 0 NOT NULL,
    start_hash text DEFAULT ''::text NOT NULL
);

ALTER TABLE ONLY {{schema}}.audit_chains FORCE ROW LEVEL SECURITY;


--
-- Name: audit_events; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.audit_events (
    id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    actor_user_id bigint,
    actor_name text DEFAULT ''::text NOT NULL,
    action text NOT NULL,
    target_type text DEFAULT ''::text NOT NULL,
    target_id text DEFAULT ''::text NOT NULL,
    outcome text NOT NULL,
    ip text DEFAULT ''::text NOT NULL,
    user_agent text DEFAULT ''::text NOT NULL,
    details text DEFAULT ''::text NOT NULL,
    impersonator_user_id bigint,
    impersonator_name text DEFAULT ''::text NOT NULL,
    prev_hash text DEFAULT ''::text NOT NULL,
    hash text DEFAULT ''::text NOT NULL
);

ALTER TABLE ONLY {{schema}}.audit_events FORCE ROW LEVEL SECURITY;


--
-- Name: audit_events_id_seq; Type: SEQUENCE; Schema: {{schema}}; Owner: -
--

CREATE SEQUENCE {{schema}}.audit_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_events_id_seq; Type: SEQUENCE OWNED BY; Schema: {{schema}}; Owner: -
--

ALTER SEQUENCE {{schema}}.audit_events_id_seq OWNED BY {{schema}}.audit_events.id;


--
-- Name: audit_key; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.audit_key (
    id integer NOT NULL,
    fingerprint text NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT audit_key_id_check CHECK ((id = 1))
);


--
-- Name: impersonations; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.impersonations (
    id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    user_id bigint NOT NULL,
    user_name text NOT NULL,
    impersonator_tenant_id bigint NOT NULL,
    impersonator_user_id bigint NOT NULL,
    impersonator_name text NOT NULL,
    impersonator_session_hash text NOT NULL,
    reason text NOT NULL,
    started_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone,
    end_reason text DEFAULT ''::text NOT NULL
);

ALTER TABLE ONLY {{schema}}.impersonations FORCE ROW LEVEL SECURITY;


--
-- Name: impersonations_id_seq; Type: SEQUENCE; Schema: {{schema}}; Owner: -
--

CREATE SEQUENCE {{schema}}.impersonations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: impersonations_id_seq; Type: SEQUENCE OWNED BY; Schema: {{schema}}; Owner: -
--

ALTER SEQUENCE {{schema}}.impersonations_id_seq OWNED BY {{schema}}.impersonations.id;


--
-- Name: landlord_keys; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.landlord_keys (
    id integer NOT NULL,
    key bytea NOT NULL,
    ipad bytea NOT NULL,
    opad bytea NOT NULL
);


--
-- Name: login_failures; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.login_failures (
    key_hash text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    failures integer DEFAULT 0 NOT NULL,
    earlier_failures integer DEFAULT 0 NOT NULL,
    last_failure_at timestamp with time zone NOT NULL
);


--
-- Name: login_handoffs; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.login_handoffs (
    id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    user_id bigint NOT NULL,
    token_hash text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    impersonation_id bigint
);

ALTER TABLE ONLY {{schema}}.login_handoffs FORCE ROW LEVEL SECURITY;


--
-- Name: login_handoffs_id_seq; Type: SEQUENCE; Schema: {{schema}}; Owner: -
--

CREATE SEQUENCE {{schema}}.login_handoffs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: login_handoffs_id_seq; Type: SEQUENCE OWNED BY; Schema: {{schema}}; Owner: -
--

ALTER SEQUENCE {{schema}}.login_handoffs_id_seq OWNED BY {{schema}}.login_handoffs.id;


--
-- Name: refused_sessions; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.refused_sessions (
    tenant_id bigint NOT NULL,
    session_hash text NOT NULL,
    minute bigint NOT NULL,
    events integer DEFAULT 0 NOT NULL,
    repeats integer DEFAULT 0 NOT NULL
);

ALTER TABLE ONLY {{schema}}.refused_sessions FORCE ROW LEVEL SECURITY;


--
-- Name: resources; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.resources (
    id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    attributes text DEFAULT '{}'::text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

ALTER TABLE ONLY {{schema}}.resources FORCE ROW LEVEL SECURITY;


--
-- Name: resources_id_seq; Type: SEQUENCE; Schema: {{schema}}; Owner: -
--

CREATE SEQUENCE {{schema}}.resources_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: resources_id_seq; Type: SEQUENCE OWNED BY; Schema: {{schema}}; Owner: -
--

ALTER SEQUENCE {{schema}}.resources_id_seq OWNED BY {{schema}}.resources.id;


--
-- Name: roles; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.roles (
    id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    name text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    permissions text DEFAULT '{}'::text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    multitenant boolean DEFAULT false NOT NULL,
    template_id bigint,
    linked boolean DEFAULT false NOT NULL,
    name_skeleton text DEFAULT ''::text NOT NULL
);

ALTER TABLE ONLY {{schema}}.roles FORCE ROW LEVEL SECURITY;


--
-- Name: roles_id_seq; Type: SEQUENCE; Schema: {{schema}}; Owner: -
--

CREATE SEQUENCE {{schema}}.roles_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: roles_id_seq; Type: SEQUENCE OWNED BY; Schema: {{schema}}; Owner: -
--

ALTER SEQUENCE {{schema}}.roles_id_seq OWNED BY {{schema}}.roles.id;


--
-- Name: schema_migrations; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp without time zone NOT NULL
);


--
-- Name: tenant_roles; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.tenant_roles (
    id bigint NOT NULL,
    name text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    permissions text DEFAULT '{}'::text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    name_skeleton text DEFAULT ''::text NOT NULL
);

ALTER TABLE ONLY {{schema}}.tenant_roles FORCE ROW LEVEL SECURITY;


--
-- Name: tenant_roles_id_seq; Type: SEQUENCE; Schema: {{schema}}; Owner: -
--

CREATE SEQUENCE {{schema}}.tenant_roles_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tenant_roles_id_seq; Type: SEQUENCE OWNED BY; Schema: {{schema}}; Owner: -
--

ALTER SEQUENCE {{schema}}.tenant_roles_id_seq OWNED BY {{schema}}.tenant_roles.id;


--
-- Name: tenant_settings; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.tenant_settings (
    tenant_id bigint NOT NULL,
    allow_impersonation boolean DEFAULT true NOT NULL,
    version integer DEFAULT 1 NOT NULL
);

ALTER TABLE ONLY {{schema}}.tenant_settings FORCE ROW LEVEL SECURITY;


--
-- Name: tenant_usage; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.tenant_usage (
    tenant_id bigint NOT NULL,
    users integer DEFAULT 0 NOT NULL,
    resources integer DEFAULT 0 NOT NULL
);

ALTER TABLE ONLY {{schema}}.tenant_usage FORCE ROW LEVEL SECURITY;


--
-- Name: tenants; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.tenants (
    id bigint NOT NULL,
    subdomain text NOT NULL,
    name text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    tenant_role_id bigint,
    currency text DEFAULT 'USD'::text NOT NULL,
    account_number text DEFAULT ''::text NOT NULL,
    account_name text DEFAULT ''::text NOT NULL,
    customer_number text DEFAULT ''::text NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    is_master boolean DEFAULT false NOT NULL,
    max_users integer DEFAULT 0 NOT NULL,
    max_resources integer DEFAULT 0 NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

ALTER TABLE ONLY {{schema}}.tenants FORCE ROW LEVEL SECURITY;


--
-- Name: tenants_id_seq; Type: SEQUENCE; Schema: {{schema}}; Owner: -
--

CREATE SEQUENCE {{schema}}.tenants_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tenants_id_seq; Type: SEQUENCE OWNED BY; Schema: {{schema}}; Owner: -
--

ALTER SEQUENCE {{schema}}.tenants_id_seq OWNED BY {{schema}}.tenants.id;


--
-- Name: user_sessions; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.user_sessions (
    id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    user_id bigint NOT NULL,
    token_hash text NOT NULL,
    session_version integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    impersonation_id bigint
);

ALTER TABLE ONLY {{schema}}.user_sessions FORCE ROW LEVEL SECURITY;


--
-- Name: user_sessions_id_seq; Type: SEQUENCE; Schema: {{schema}}; Owner: -
--

CREATE SEQUENCE {{schema}}.user_sessions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: user_sessions_id_seq; Type: SEQUENCE OWNED BY; Schema: {{schema}}; Owner: -
--

ALTER SEQUENCE {{schema}}.user_sessions_id_seq OWNED BY {{schema}}.user_sessions.id;


--
-- Name: users; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.users (
    id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    username text NOT NULL,
    email text DEFAULT ''::text NOT NULL,
    first_name text DEFAULT ''::text NOT NULL,
    last_name text DEFAULT ''::text NOT NULL,
    role_id bigint,
    enabled boolean DEFAULT true NOT NULL,
    password_hash text DEFAULT ''::text NOT NULL,
    identity_source text DEFAULT 'local'::text NOT NULL,
    session_version integer DEFAULT 1 NOT NULL,
    last_login_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    impersonation_seen_id bigint DEFAULT 0 NOT NULL,
    username_skeleton text DEFAULT ''::text NOT NULL,
    email_skeleton text DEFAULT ''::text NOT NULL
);

ALTER TABLE ONLY {{schema}}.users FORCE ROW LEVEL SECURITY;


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: {{schema}}; Owner: -
--

CREATE SEQUENCE {{schema}}.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: users_id_seq; Type: SEQUENCE OWNED BY; Schema: {{schema}}; Owner: -
--

ALTER SEQUENCE {{schema}}.users_id_seq OWNED BY {{schema}}.users.id;


--
-- Name: audit_events id; Type: DEFAULT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.audit_events ALTER COLUMN id SET DEFAULT nextval('{{schema}}.audit_events_id_seq'::regclass);


--
-- Name: impersonations id; Type: DEFAULT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.impersonations ALTER COLUMN id SET DEFAULT nextval('{{schema}}.impersonations_id_seq'::regclass);


--
-- Name: login_handoffs id; Type: DEFAULT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.login_handoffs ALTER COLUMN id SET DEFAULT nextval('{{schema}}.login_handoffs_id_seq'::regclass);


--
-- Name: resources id; Type: DEFAULT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.resources ALTER COLUMN id SET DEFAULT nextval('{{schema}}.resources_id_seq'::regclass);


--
-- Name: roles id; Type: DEFAULT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.roles ALTER COLUMN id SET DEFAULT nextval('{{schema}}.roles_id_seq'::regclass);


--
-- Name: tenant_roles id; Type: DEFAULT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tenant_roles ALTER COLUMN id SET DEFAULT nextval('{{schema}}.tenant_roles_id_seq'::regclass);


--
-- Name: tenants id; Type: DEFAULT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tenants ALTER COLUMN id SET DEFAULT nextval('{{schema}}.tenants_id_seq'::regclass);


--
-- Name: user_sessions id; Type: DEFAULT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.user_sessions ALTER COLUMN id SET DEFAULT nextval('{{schema}}.user_sessions_id_seq'::regclass);


--
-- Name: users id; Type: DEFAULT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.users ALTER COLUMN id SET DEFAULT nextval('{{schema}}.users_id_seq'::regclass);


--
-- Data for Name: audit_chains; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.audit_chains VALUES (1, 1, 'dd197106b51531be8b2c39576e61514c15bf24cd688ecd04d03c01a05983826c', 0, '');
INSERT INTO {{schema}}.audit_chains VALUES (2, 2, '29c172e93f4c4c91f3c322300d963c8f2af4609baba05e4ba17bb4421553daea', 0, '');


--
-- Data for Name: audit_events; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.audit_events VALUES (1, 1, '2026-12-04 21:23:45.918593+00', NULL, 'cli', 'tenant.create', 'tenant', 'acme', 'success', '', '', '{"account_name":"","account_number":"","currency":"USD","customer_number":"","description":"","initial_admin":null,"max_resources":0,"max_users":0,"name":"Acme Corp","subdomain":"acme","tenant_role":"Standard"}', NULL, '', '', 'dd197106b51531be8b2c39576e61514c15bf24cd688ecd04d03c01a05983826c');
INSERT INTO {{schema}}.audit_events VALUES (2, 2, '2026-12-04 21:23:46.15395+00', NULL, 'cli', 'user.create', 'user', 'admin@acme.example', 'success', '', '', 'admin set from the command line', NULL, '', '', '29c172e93f4c4c91f3c322300d963c8f2af4609baba05e4ba17bb4421553daea');


--
-- Data for Name: audit_key; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.audit_key VALUES (1, '36bef5b114644c52bdb785f71301e08bed145781ef6d0e0c2c1bd8e1a8443dbc', '2026-12-04 21:23:45.764752+00');


--
-- Data for Name: impersonations; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: landlord_keys; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.landlord_keys VALUES (1, '\x30115552d8394f60a91977d160839b2b2be6250c4a9e4946a455b5268695b1d3', '\x06276364ee0f79569f2f41e756b5ad1d1dd0133a7ca87f7092638310b0a387e53636363636363636363636363636363636363636363636363636363636363636', '\x6c4d090e8465133cf5452b8d3cdfc77777ba795016c2151af809e97adac9ed8f5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c');


--
-- Data for Name: login_failures; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: login_handoffs; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: refused_sessions; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: resources; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: roles; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.roles VALUES (1, 2, 'Administrator', 'Full rights in this tenant.', '{"api-tokens":"full","audit":"full","export":"full","impersonation":"full","resources":"full","roles":"full","tenants":"full","users":"full"}', 1, '2026-12-04 21:23:45.911816+00', '2026-12-04 21:23:46.136433+00', false, NULL, false, 'adrninistrator');


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.schema_migrations VALUES (1, 'tenants, roles, users, audit events, login handoffs', '2026-12-04 21:23:45.49184');
INSERT INTO {{schema}}.schema_migrations VALUES (2, 'server-side user sessions', '2026-12-04 21:23:45.515464');
INSERT INTO {{schema}}.schema_migrations VALUES (3, 'stored user counts per tenant', '2026-12-04 21:23:45.536408');
INSERT INTO {{schema}}.schema_migrations VALUES (4, 'failed sign-in counts shared by every server process', '2026-12-04 21:23:45.544251');
INSERT INTO {{schema}}.schema_migrations VALUES (5, 'tenant context signed with a key request traffic cannot read', '2026-12-04 21:23:45.568377');
INSERT INTO {{schema}}.schema_migrations VALUES (6, 'tenant roles, role templates, resources', '2026-12-04 21:23:45.623268');
INSERT INTO {{schema}}.schema_migrations VALUES (10, 'tenant usage counted once per statement; tenant list indexes for status and deep pages by name', '2026-12-04 21:23:45.636321');
INSERT INTO {{schema}}.schema_migrations VALUES (11, 'a hash chain over each tenant''s audit events', '2026-12-04 21:23:45.64843');
INSERT INTO {{schema}}.schema_migrations VALUES (12, 'an index behind each audit log filter', '2026-12-04 21:23:45.655144');
INSERT INTO {{schema}}.schema_migrations VALUES (13, 'impersonation by master users, and each tenant''s say in it', '2026-12-04 21:23:45.692705');
INSERT INTO {{schema}}.schema_migrations VALUES (14, 'refusals of other tenants'' sessions counted, not each one logged', '2026-12-04 21:23:45.707686');
INSERT INTO {{schema}}.schema_migrations VALUES (15, 'confusable skeletons of usernames, emails and role names', '2026-12-04 21:23:45.731684');
INSERT INTO {{schema}}.schema_migrations VALUES (16, 'the fingerprint of the key the audit chains are keyed with', '2026-12-04 21:23:45.743158');


--
-- Data for Name: tenant_roles; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.tenant_roles VALUES (1, 'Standard', 'Every feature at full.', '{"api-tokens":"full","audit":"full","export":"full","impersonation":"full","resources":"full","roles":"full","tenants":"full","users":"full"}', 1, '2026-12-04 21:23:45.575121+00', '2026-12-04 21:23:45.575121+00', 'standard');


--
-- Data for Name: tenant_settings; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.tenant_settings VALUES (1, true, 1);
INSERT INTO {{schema}}.tenant_settings VALUES (2, true, 1);


--
-- Data for Name: tenant_usage; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.tenant_usage VALUES (1, 0, 0);
INSERT INTO {{schema}}.tenant_usage VALUES (2, 1, 0);


--
-- Data for Name: tenants; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.tenants VALUES (1, 'master', 'Master', '', NULL, 'USD', '', '', '', true, true, 0, 0, 1, '2026-12-04 21:23:45.755535+00', '2026-12-04 21:23:45.755535+00');
INSERT INTO {{schema}}.tenants VALUES (2, 'acme', 'Acme Corp', '', 1, 'USD', '', '', '', true, false, 0, 0, 1, '2026-12-04 21:23:45.911816+00', '2026-12-04 21:23:45.911816+00');


--
-- Data for Name: user_sessions; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: users; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.users VALUES (1, 2, 'admin@acme.example', 'admin@acme.example', '', '', 1, true, '$argon2id$v=19$m=19456,t=2,p=1$OorGwNtdhsIYvl+dgkHamQ$YrsK4zEvyEvNuFD8seAXgCPLNVXv8Yk2BUqEtMwaSkQ', 'local', 1, NULL, 1, '2026-12-04 21:23:46.136433+00', '2026-12-04 21:23:46.136433+00', 0, 'adrnin@acrne.exarnple', 'adrnin@acrne.exarnple');


--
-- Name: audit_events_id_seq; Type: SEQUENCE SET; Schema: {{schema}}; Owner: -
--

SELECT pg_catalog.setval('{{schema}}.audit_events_id_seq', 2, true);


--
-- Name: impersonations_id_seq; Type: SEQUENCE SET; Schema: {{schema}}; Owner: -
--

SELECT pg_catalog.setval('{{schema}}.impersonations_id_seq', 1, false);


--
-- Name: login_handoffs_id_seq; Type: SEQUENCE SET; Schema: {{schema}}; Owner: -
--

SELECT pg_catalog.setval('{{schema}}.login_handoffs_id_seq', 1, false);


--
-- Name: resources_id_seq; Type: SEQUENCE SET; Schema: {{schema}}; Owner: -
--

SELECT pg_catalog.setval('{{schema}}.resources_id_seq', 1, false);


--
-- Name: roles_id_seq; Type: SEQUENCE SET; Schema: {{schema}}; Owner: -
--

SELECT pg_catalog.setval('{{schema}}.roles_id_seq', 1, true);


--
-- Name: tenant_roles_id_seq; Type: SEQUENCE SET; Schema: {{schema}}; Owner: -
--

SELECT pg_catalog.setval('{{schema}}.tenant_roles_id_seq', 1, true);


--
-- Name: tenants_id_seq; Type: SEQUENCE SET; Schema: {{schema}}; Owner: -
--

SELECT pg_catalog.setval('{{schema}}.tenants_id_seq', 2, true);


--
-- Name: user_sessions_id_seq; Type: SEQUENCE SET; Schema: {{schema}}; Owner: -
--

SELECT pg_catalog.setval('{{schema}}.user_sessions_id_seq', 1, false);


--
-- Name: users_id_seq; Type: SEQUENCE SET; Schema: {{schema}}; Owner: -
--

SELECT pg_catalog.setval('{{schema}}.users_id_seq', 1, true);


--
-- Name: audit_chains audit_chains_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.audit_chains
    ADD CONSTRAINT audit_chains_pkey PRIMARY KEY (tenant_id);


--
-- Name: audit_events audit_events_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.audit_events
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (id);


--
-- Name: audit_key audit_key_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.audit_key
    ADD CONSTRAINT audit_key_pkey PRIMARY KEY (id);


--
-- Name: impersonations impersonations_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.impersonations
    ADD CONSTRAINT impersonations_pkey PRIMARY KEY (id);


--
-- Name: impersonations impersonations_tenant_id_id_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.impersonations
    ADD CONSTRAINT impersonations_tenant_id_id_key UNIQUE (tenant_id, id);


--
-- Name: landlord_keys landlord_keys_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.landlord_keys
    ADD CONSTRAINT landlord_keys_pkey PRIMARY KEY (id);


--
-- Name: login_failures login_failures_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.login_failures
    ADD CONSTRAINT login_failures_pkey PRIMARY KEY (key_hash);


--
-- Name: login_handoffs login_handoffs_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.login_handoffs
    ADD CONSTRAINT login_handoffs_pkey PRIMARY KEY (id);


--
-- Name: login_handoffs login_handoffs_token_hash_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.login_handoffs
    ADD CONSTRAINT login_handoffs_token_hash_key UNIQUE (token_hash);


--
-- Name: refused_sessions refused_sessions_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.refused_sessions
    ADD CONSTRAINT refused_sessions_pkey PRIMARY KEY (tenant_id, session_hash);


--
-- Name: resources resources_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.resources
    ADD CONSTRAINT resources_pkey PRIMARY KEY (id);


--
-- Name: resources resources_tenant_id_id_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.resources
    ADD CONSTRAINT resources_tenant_id_id_key UNIQUE (tenant_id, id);


--
-- Name: roles roles_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.roles
    ADD CONSTRAINT roles_pkey PRIMARY KEY (id);


--
-- Name: roles roles_tenant_id_id_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.roles
    ADD CONSTRAINT roles_tenant_id_id_key UNIQUE (tenant_id, id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: tenant_roles tenant_roles_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tenant_roles
    ADD CONSTRAINT tenant_roles_pkey PRIMARY KEY (id);


--
-- Name: tenant_settings tenant_settings_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tenant_settings
    ADD CONSTRAINT tenant_settings_pkey PRIMARY KEY (tenant_id);


--
-- Name: tenant_usage tenant_usage_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tenant_usage
    ADD CONSTRAINT tenant_usage_pkey PRIMARY KEY (tenant_id);


--
-- Name: tenants tenants_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);


--
-- Name: tenants tenants_subdomain_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tenants
    ADD CONSTRAINT tenants_subdomain_key UNIQUE (subdomain);


--
-- Name: user_sessions user_sessions_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.user_sessions
    ADD CONSTRAINT user_sessions_pkey PRIMARY KEY (id);


--
-- Name: user_sessions user_sessions_token_hash_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.user_sessions
    ADD CONSTRAINT user_sessions_token_hash_key UNIQUE (token_hash);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: users users_tenant_id_id_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.users
    ADD CONSTRAINT users_tenant_id_id_key UNIQUE (tenant_id, id);


--
-- Name: audit_events_action; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX audit_events_action ON {{schema}}.audit_events USING btree (tenant_id, action, id);


--
-- Name: audit_events_actor; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX audit_events_actor ON {{schema}}.audit_events USING btree (tenant_id, actor_name, id);


--
-- Name: audit_events_outcome; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX audit_events_outcome ON {{schema}}.audit_events USING btree (tenant_id, outcome, id);


--
-- Name: audit_events_target; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX audit_events_target ON {{schema}}.audit_events USING btree (tenant_id, target_type, target_id, id);


--
-- Name: audit_events_tenant_time; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX audit_events_tenant_time ON {{schema}}.audit_events USING btree (tenant_id, id DESC);


--
-- Name: audit_events_time; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX audit_events_time ON {{schema}}.audit_events USING btree (tenant_id, occurred_at, id);


--
-- Name: impersonations_session; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX impersonations_session ON {{schema}}.impersonations USING btree (impersonator_session_hash);


--
-- Name: impersonations_tenant; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX impersonations_tenant ON {{schema}}.impersonations USING btree (tenant_id, id);


--
-- Name: impersonations_user; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX impersonations_user ON {{schema}}.impersonations USING btree (tenant_id, user_id, started_at);


--
-- Name: login_failures_last; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX login_failures_last ON {{schema}}.login_failures USING btree (last_failure_at);


--
-- Name: refused_sessions_minute; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX refused_sessions_minute ON {{schema}}.refused_sessions USING btree (tenant_id, minute);


--
-- Name: resources_tenant_name; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX resources_tenant_name ON {{schema}}.resources USING btree (tenant_id, lower(name));


--
-- Name: roles_name; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX roles_name ON {{schema}}.roles USING btree (tenant_id, lower(name));


--
-- Name: roles_name_skeleton; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX roles_name_skeleton ON {{schema}}.roles USING btree (tenant_id, name_skeleton);


--
-- Name: roles_template; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX roles_template ON {{schema}}.roles USING btree (template_id, linked);


--
-- Name: tenant_roles_name; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX tenant_roles_name ON {{schema}}.tenant_roles USING btree (lower(name));


--
-- Name: tenant_roles_name_skeleton; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tenant_roles_name_skeleton ON {{schema}}.tenant_roles USING btree (name_skeleton);


--
-- Name: tenant_usage_resources; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tenant_usage_resources ON {{schema}}.tenant_usage USING btree (resources, tenant_id);


--
-- Name: tenant_usage_users; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tenant_usage_users ON {{schema}}.tenant_usage USING btree (users, tenant_id);


--
-- Name: tenants_created; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tenants_created ON {{schema}}.tenants USING btree (created_at, id);


--
-- Name: tenants_enabled; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tenants_enabled ON {{schema}}.tenants USING btree (enabled, id);


--
-- Name: tenants_name; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tenants_name ON {{schema}}.tenants USING btree (lower(name), id) INCLUDE (name);


--
-- Name: tenants_one_master; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX tenants_one_master ON {{schema}}.tenants USING btree (is_master) WHERE is_master;


--
-- Name: tenants_tenant_role; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tenants_tenant_role ON {{schema}}.tenants USING btree (tenant_role_id);


--
-- Name: user_sessions_user; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX user_sessions_user ON {{schema}}.user_sessions USING btree (tenant_id, user_id);


--
-- Name: users_email; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX users_email ON {{schema}}.users USING btree (tenant_id, lower(email)) WHERE (email <> ''::text);


--
-- Name: users_email_skeleton; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX users_email_skeleton ON {{schema}}.users USING btree (tenant_id, email_skeleton);


--
-- Name: users_role; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX users_role ON {{schema}}.users USING btree (tenant_id, role_id);


--
-- Name: users_username; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX users_username ON {{schema}}.users USING btree (tenant_id, lower(username));


--
-- Name: users_username_skeleton; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX users_username_skeleton ON {{schema}}.users USING btree (tenant_id, username_skeleton);


--
-- Name: tenants audit_chain_new; Type: TRIGGER; Schema: {{schema}}; Owner: -
--

CREATE TRIGGER audit_chain_new AFTER INSERT ON {{schema}}.tenants FOR EACH ROW EXECUTE FUNCTION {{schema}}.audit_chain_new();


--
-- Name: tenants tenant_settings_new; Type: TRIGGER; Schema: {{schema}}; Owner: -
--

CREATE TRIGGER tenant_settings_new AFTER INSERT ON {{schema}}.tenants FOR EACH ROW EXECUTE FUNCTION {{schema}}.tenant_settings_new();


--
-- Name: tenants tenant_usage_new; Type: TRIGGER; Schema: {{schema}}; Owner: -
--

CREATE TRIGGER tenant_usage_new AFTER INSERT ON {{schema}}.tenants REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.tenant_usage_tenants_added();


--
-- Name: resources tenant_usage_resources_added; Type: TRIGGER; Schema: {{schema}}; Owner: -
--

CREATE TRIGGER tenant_usage_resources_added AFTER INSERT ON {{schema}}.resources REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.tenant_usage_resources_added();


--
-- Name: resources tenant_usage_resources_removed; Type: TRIGGER; Schema: {{schema}}; Owner: -
--

CREATE TRIGGER tenant_usage_resources_removed AFTER DELETE ON {{schema}}.resources REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.tenant_usage_resources_removed();


--
-- Name: users tenant_usage_users_added; Type: TRIGGER; Schema: {{schema}}; Owner: -
--

CREATE TRIGGER tenant_usage_users_added AFTER INSERT ON {{schema}}.users REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.tenant_usage_users_added();


--
-- Name: users tenant_usage_users_removed; Type: TRIGGER; Schema: {{schema}}; Owner: -
--

CREATE TRIGGER tenant_usage_users_removed AFTER DELETE ON {{schema}}.users REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.tenant_usage_users_removed();


--
-- Name: audit_chains audit_chains_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.audit_chains
    ADD CONSTRAINT audit_chains_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: audit_events audit_events_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.audit_events
    ADD CONSTRAINT audit_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: impersonations impersonations_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.impersonations
    ADD CONSTRAINT impersonations_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: impersonations impersonations_tenant_id_user_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.impersonations
    ADD CONSTRAINT impersonations_tenant_id_user_id_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES {{schema}}.users(tenant_id, id) ON DELETE CASCADE;


--
-- Name: login_handoffs login_handoffs_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.login_handoffs
    ADD CONSTRAINT login_handoffs_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: login_handoffs login_handoffs_tenant_id_user_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.login_handoffs
    ADD CONSTRAINT login_handoffs_tenant_id_user_id_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES {{schema}}.users(tenant_id, id) ON DELETE CASCADE;


--
-- Name: refused_sessions refused_sessions_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.refused_sessions
    ADD CONSTRAINT refused_sessions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: resources resources_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.resources
    ADD CONSTRAINT resources_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: roles roles_template_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.roles
    ADD CONSTRAINT roles_template_id_fkey FOREIGN KEY (template_id) REFERENCES {{schema}}.roles(id) ON DELETE SET NULL;


--
-- Name: roles roles_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.roles
    ADD CONSTRAINT roles_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: tenant_settings tenant_settings_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tenant_settings
    ADD CONSTRAINT tenant_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: tenant_usage tenant_usage_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tenant_usage
    ADD CONSTRAINT tenant_usage_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: user_sessions user_sessions_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.user_sessions
    ADD CONSTRAINT user_sessions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: user_sessions user_sessions_tenant_id_user_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.user_sessions
    ADD CONSTRAINT user_sessions_tenant_id_user_id_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES {{schema}}.users(tenant_id, id) ON DELETE CASCADE;


--
-- Name: users users_tenant_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.users
    ADD CONSTRAINT users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES {{schema}}.tenants(id) ON DELETE CASCADE;


--
-- Name: users users_tenant_id_role_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.users
    ADD CONSTRAINT users_tenant_id_role_id_fkey FOREIGN KEY (tenant_id, role_id) REFERENCES {{schema}}.roles(tenant_id, id);


--
-- Name: audit_chains; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.audit_chains ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_chains audit_chains_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY audit_chains_tenant_isolation ON {{schema}}.audit_chains USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: audit_events; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.audit_events ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_events audit_events_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY audit_events_tenant_isolation ON {{schema}}.audit_events USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: impersonations; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.impersonations ENABLE ROW LEVEL SECURITY;

--
-- Name: impersonations impersonations_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY impersonations_tenant_isolation ON {{schema}}.impersonations USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: login_handoffs; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.login_handoffs ENABLE ROW LEVEL SECURITY;

--
-- Name: login_handoffs login_handoffs_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY login_handoffs_tenant_isolation ON {{schema}}.login_handoffs USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: refused_sessions; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.refused_sessions ENABLE ROW LEVEL SECURITY;

--
-- Name: refused_sessions refused_sessions_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY refused_sessions_tenant_isolation ON {{schema}}.refused_sessions USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: resources; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.resources ENABLE ROW LEVEL SECURITY;

--
-- Name: resources resources_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY resources_tenant_isolation ON {{schema}}.resources USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: roles; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.roles ENABLE ROW LEVEL SECURITY;

--
-- Name: roles roles_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY roles_tenant_isolation ON {{schema}}.roles USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: tenant_roles; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.tenant_roles ENABLE ROW LEVEL SECURITY;

--
-- Name: tenant_roles tenant_roles_read; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY tenant_roles_read ON {{schema}}.tenant_roles FOR SELECT USING (true);


--
-- Name: tenant_roles tenant_roles_write; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY tenant_roles_write ON {{schema}}.tenant_roles USING ((( SELECT {{schema}}.landlord_scope() AS landlord_scope) = '-1'::integer)) WITH CHECK ((( SELECT {{schema}}.landlord_scope() AS landlord_scope) = '-1'::integer));


--
-- Name: tenant_settings; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.tenant_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: tenant_settings tenant_settings_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY tenant_settings_tenant_isolation ON {{schema}}.tenant_settings USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: tenant_usage; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.tenant_usage ENABLE ROW LEVEL SECURITY;

--
-- Name: tenant_usage tenant_usage_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY tenant_usage_tenant_isolation ON {{schema}}.tenant_usage USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: tenants; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.tenants ENABLE ROW LEVEL SECURITY;

--
-- Name: tenants tenants_read; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY tenants_read ON {{schema}}.tenants FOR SELECT USING (true);


--
-- Name: tenants tenants_write; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY tenants_write ON {{schema}}.tenants USING ((( SELECT {{schema}}.landlord_scope() AS landlord_scope) = '-1'::integer)) WITH CHECK ((( SELECT {{schema}}.landlord_scope() AS landlord_scope) = '-1'::integer));


--
-- Name: user_sessions; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.user_sessions ENABLE ROW LEVEL SECURITY;

--
-- Name: user_sessions user_sessions_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY user_sessions_tenant_isolation ON {{schema}}.user_sessions USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: users; Type: ROW SECURITY; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.users ENABLE ROW LEVEL SECURITY;

--
-- Name: users users_tenant_isolation; Type: POLICY; Schema: {{schema}}; Owner: -
--

CREATE POLICY users_tenant_isolation ON {{schema}}.users USING ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id))) WITH CHECK ((tenant_id = COALESCE(NULLIF(( SELECT {{schema}}.landlord_scope() AS landlord_scope), '-1'::integer), tenant_id)));


--
-- Name: SCHEMA {{schema}}; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA {{schema}} TO {{app_role}};


--
-- Name: FUNCTION landlord_enter(p_tenant bigint, p_across boolean, p_proof text); Type: ACL; Schema: {{schema}}; Owner: -
--

REVOKE ALL ON FUNCTION {{schema}}.landlord_enter(p_tenant bigint, p_across boolean, p_proof text) FROM PUBLIC;
GRANT ALL ON FUNCTION {{schema}}.landlord_enter(p_tenant bigint, p_across boolean, p_proof text) TO {{app_role}};


--
-- Name: FUNCTION landlord_hmac(msg text); Type: ACL; Schema: {{schema}}; Owner: -
--

REVOKE ALL ON FUNCTION {{schema}}.landlord_hmac(msg text) FROM PUBLIC;


--
-- Name: FUNCTION landlord_scope(); Type: ACL; Schema: {{schema}}; Owner: -
--

REVOKE ALL ON FUNCTION {{schema}}.landlord_scope() FROM PUBLIC;
GRANT ALL ON FUNCTION {{schema}}.landlord_scope() TO {{app_role}};


--
-- Name: FUNCTION landlord_session_check(p_subdomain text, p_token_hash text, p_now timestamp with time zone); Type: ACL; Schema: {{schema}}; Owner: -
--

REVOKE ALL ON FUNCTION {{schema}}.landlord_session_check(p_subdomain text, p_token_hash text, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION {{schema}}.landlord_session_check(p_subdomain text, p_token_hash text, p_now timestamp with time zone) TO {{app_role}};


--
-- Name: TABLE audit_chains; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE {{schema}}.audit_chains TO {{app_role}};


--
-- Name: TABLE audit_events; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT ON TABLE {{schema}}.audit_events TO {{app_role}};


--
-- Name: SEQUENCE audit_events_id_seq; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE {{schema}}.audit_events_id_seq TO {{app_role}};


--
-- Name: TABLE impersonations; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE {{schema}}.impersonations TO {{app_role}};


--
-- Name: SEQUENCE impersonations_id_seq; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE {{schema}}.impersonations_id_seq TO {{app_role}};


--
-- Name: TABLE login_failures; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE {{schema}}.login_failures TO {{app_role}};


--
-- Name: TABLE login_handoffs; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE {{schema}}.login_handoffs TO {{app_role}};


--
-- Name: SEQUENCE login_handoffs_id_seq; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE {{schema}}.login_handoffs_id_seq TO {{app_role}};


--
-- Name: TABLE refused_sessions; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE {{schema}}.refused_sessions TO {{app_role}};


--
-- Name: TABLE resources; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE {{schema}}.resources TO {{app_role}};


--
-- Name: SEQUENCE resources_id_seq; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE {{schema}}.resources_id_seq TO {{app_role}};


--
-- Name: TABLE roles; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE {{schema}}.roles TO {{app_role}};


--
-- Name: SEQUENCE roles_id_seq; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE {{schema}}.roles_id_seq TO {{app_role}};


--
-- Name: TABLE tenant_roles; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE {{schema}}.tenant_roles TO {{app_role}};


--
-- Name: SEQUENCE tenant_roles_id_seq; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE {{schema}}.tenant_roles_id_seq TO {{app_role}};


--
-- Name: TABLE tenant_settings; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE {{schema}}.tenant_settings TO {{app_role}};


--
-- Name: TABLE tenant_usage; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE {{schema}}.tenant_usage TO {{app_role}};


--
-- Name: TABLE tenants; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE {{schema}}.tenants TO {{app_role}};


--
-- Name: SEQUENCE tenants_id_seq; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE {{schema}}.tenants_id_seq TO {{app_role}};


--
-- Name: TABLE user_sessions; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE {{schema}}.user_sessions TO {{app_role}};


--
-- Name: SEQUENCE user_sessions_id_seq; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE {{schema}}.user_sessions_id_seq TO {{app_role}};


--
-- Name: TABLE users; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE {{schema}}.users TO {{app_role}};


--
-- Name: SEQUENCE users_id_seq; Type: ACL; Schema: {{schema}}; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE {{schema}}.users_id_seq TO {{app_role}};


--
-- PostgreSQL database dump complete
--


