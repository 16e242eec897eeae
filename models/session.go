package models

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"gorm.io/gorm"
)

// UserSession is a signed-in session. The browser holds only its random id;
// the row is what makes it valid, so logging out ends it everywhere it was copied.
type UserSession struct {
	ID             uint64 `gorm:"primaryKey"`
	TenantID       uint64
	UserID         uint64
	TokenHash      string
	SessionVersion int
	CreatedAt      time.Time
	ExpiresAt      time.Time
	// ImpersonationID makes this a master user's impersonation of UserID.
	ImpersonationID *uint64
}

// OpenSession starts a session for u, in u's tenant, lasting ttl, and returns
// its id. The user's expired sessions are cleared on the way.
func (s *Store) OpenSession(ctx context.Context, u *User, ttl time.Duration) (string, error) {
	id := rand.Text() // 128 random bits
	now := s.now()
	err := s.db.InTenant(ctx, u.TenantID, func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ? AND expires_at < ?", u.ID, now).Delete(&UserSession{}).Error; err != nil {
			return err
		}
		sess := &UserSession{UserID: u.ID, TokenHash: hashToken(id), SessionVersion: u.SessionVersion, CreatedAt: now, ExpiresAt: now.Add(ttl)}
		if imp := u.Impersonation; imp != nil {
			sess.ImpersonationID = &imp.ID
			if imp.ExpiresAt.Before(sess.ExpiresAt) {
				sess.ExpiresAt = imp.ExpiresAt
			}
		}
		return tx.Create(sess).Error
	})
	return id, err
}

// sessionCheckSQL checks a signed-in request in one statement: the host's
// tenant is enabled, the session is open and unexpired, its user is enabled
// with the same session version, the user's role and the tenant role's cap,
// and the tenant's latest audit event (Tenant.AuditHead). It is the whole
// per-request cost of being signed in, so revocation (logout, disabling a user
// or a tenant, a password reset) takes effect on the very next request, on
// every server process. {{sub}}, {{hash}} and {{now}} are its parameters,
// {{schema}} the tables' schema where it must be named.
const sessionCheckSQL = sessionColumns + `,
	imp.id, imp.impersonator_tenant_id, imp.impersonator_user_id, imp.impersonator_name, imp.started_at, imp.expires_at, imp.permissions` +
	sessionFrom + `
LEFT JOIN {{lateral}}(
	SELECT i.id, i.tenant_id, i.impersonator_tenant_id, i.impersonator_user_id, i.impersonator_name, i.started_at, i.expires_at, ir.permissions
	FROM {{schema}}impersonations i
	JOIN {{schema}}user_sessions ms ON ms.token_hash = i.impersonator_session_hash AND ms.expires_at > {{now}}
	JOIN {{schema}}users iu ON iu.tenant_id = ms.tenant_id AND iu.id = ms.user_id AND iu.id = i.impersonator_user_id
		AND iu.enabled AND iu.session_version = ms.session_version
	LEFT JOIN {{schema}}roles ir ON ir.tenant_id = iu.tenant_id AND ir.id = iu.role_id
	WHERE i.ended_at IS NULL AND i.expires_at > {{now}}{{lateralWhere}}
) imp ON imp.tenant_id = s.tenant_id AND imp.id = s.impersonation_id` +
	sessionWhere + `
	AND (s.impersonation_id IS NULL OR imp.id IS NOT NULL)`

// The parts of sessionCheckSQL every session's check has.
const (
	sessionColumns = `
SELECT t.id, t.subdomain, t.name, t.is_master, t.tenant_role_id, t.version, coalesce(ac.head_id, 0),
	u.id, u.username, u.email, u.first_name, u.last_name, u.role_id,
	u.identity_source, u.session_version, u.last_login_at, u.version,
	r.name, r.permissions, tr.permissions`
	sessionFrom = `
FROM {{schema}}tenants t
JOIN {{schema}}user_sessions s ON s.tenant_id = t.id
JOIN {{schema}}users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
	AND u.enabled AND u.session_version = s.session_version
LEFT JOIN {{schema}}roles r ON r.tenant_id = u.tenant_id AND r.id = u.role_id
LEFT JOIN {{schema}}tenant_roles tr ON tr.id = t.tenant_role_id
LEFT JOIN {{schema}}audit_chains ac ON ac.tenant_id = t.id`
	sessionWhere = `
WHERE t.subdomain = {{sub}} AND t.enabled AND s.token_hash = {{hash}} AND s.expires_at > {{now}}`
)

// plainSessionCheckSQL is sessionCheckSQL for a session that impersonates
// nobody, the usual case, without the impersonation's four tables: on
// PostgreSQL, whose function tries it first, that is a third of the check's
// cost. An impersonation's session does not match it.
const plainSessionCheckSQL = sessionColumns + `,
	NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::text` +
	sessionFrom + sessionWhere + `
	AND s.impersonation_id IS NULL`

// On PostgreSQL the impersonation part is a lateral subquery that runs only
// for an impersonation's session, by its keys, rather than a join planned
// for every session; SQLite, which has no LATERAL, joins the subquery.
var (
	pgSessionCheck     = strings.NewReplacer("{{lateral}}", "LATERAL ", "{{lateralWhere}}", "\n\t\tAND s.impersonation_id IS NOT NULL AND i.tenant_id = s.tenant_id AND i.id = s.impersonation_id")
	sqliteSessionParts = strings.NewReplacer("{{lateral}}", "", "{{lateralWhere}}", "")
)

// sessionCheckFunction wraps sessionCheckSQL for PostgreSQL. Outside a store
// transaction no tenant is entered and row-level security shows no rows, so
// the function runs as its owner, confined by the subdomain and the token's
// hash. An owner that row-level security binds (not superuser, not BYPASSRLS:
// the usual production case) crosses tenants for the function's own duration
// with a signed scope, and puts the caller's back before it returns; for an
// owner it does not bind, that work is skipped. No search_path is set per call (a GUC change
// on every request): the tables are named with their schema. Migrations
// rebuild the function when this definition changes.
func sessionCheckFunction(schema string, ownerBoundByRLS bool) string {
	q := quoteIdent(schema)
	params := strings.NewReplacer("{{sub}}", "p_subdomain", "{{hash}}", "p_token_hash", "{{now}}", "p_now", "{{schema}}", q+".")
	plain := params.Replace(plainSessionCheckSQL)
	body := params.Replace(pgSessionCheck.Replace(sessionCheckSQL)) + "\n\tAND s.impersonation_id IS NOT NULL"
	declare, enter, leave := "", "", ""
	if ownerBoundByRLS {
		// A SET clause would restore the caller's scope by itself, but only a
		// superuser may attach one for a setting of our own; restore it by hand.
		declare = "\nDECLARE\n\tcaller text := coalesce(current_setting('landlord.scope', true), '');"
		enter = "\n\tPERFORM set_config('landlord.scope', '-1:' || " + q + ".landlord_hmac('scope:-1:' || " + q + ".landlord_binding()), true);"
		leave = "\n\tPERFORM set_config('landlord.scope', caller, true);"
	}
	return `
DROP FUNCTION IF EXISTS landlord_session_check(text, text, timestamptz);
CREATE FUNCTION landlord_session_check(p_subdomain text, p_token_hash text, p_now timestamptz)
RETURNS TABLE (t_id bigint, t_subdomain text, t_name text, t_is_master boolean, t_tenant_role_id bigint, t_version integer, t_audit_head bigint,
	u_id bigint, u_username text, u_email text, u_first_name text, u_last_name text, u_role_id bigint,
	u_identity_source text, u_session_version integer, u_last_login_at timestamptz, u_version integer,
	r_name text, r_permissions text, tr_permissions text,
	i_id bigint, i_impersonator_tenant_id bigint, i_impersonator_user_id bigint, i_impersonator_name text,
	i_started_at timestamptz, i_expires_at timestamptz, ir_permissions text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
AS $fn$` + declare + `
BEGIN` + enter + `
	RETURN QUERY ` + plain + `;
	IF NOT FOUND THEN
		RETURN QUERY ` + body + `;
	END IF;` + leave + `
END
$fn$;
REVOKE ALL ON FUNCTION landlord_session_check(text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION landlord_session_check(text, text, timestamptz) TO ` + AppRole + `;
`
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

var sqliteSessionCheck = strings.NewReplacer("{{sub}}", "?1", "{{hash}}", "?2", "{{now}}", "?3", "{{schema}}", "").Replace(sqliteSessionParts.Replace(sessionCheckSQL))

// SessionUser checks session id on the tenant with this subdomain and returns
// the tenant and the signed-in user with its role. A session that expired, was
// closed, belongs to another tenant, whose user was disabled or had its
// sessions ended since, or whose tenant is disabled, is ErrNotFound.
func (s *Store) SessionUser(ctx context.Context, subdomain, id string) (*Tenant, *User, error) {
	return s.SessionUserWith(ctx, subdomain, id, nil)
}

// SessionUserWith is SessionUser that, on PostgreSQL, sends read (if not nil)
// with the check and confirms it when the check finds a user of read's
// tenant (see Prefetch).
func (s *Store) SessionUserWith(ctx context.Context, subdomain, id string, read *Prefetch) (*Tenant, *User, error) {
	query, args := sqliteSessionCheck, []any{subdomain, hashToken(id), s.now()}
	if s.postgres {
		query = "SELECT * FROM landlord_session_check($1, $2, $3)"
	}
	var (
		t        = Tenant{Enabled: true}
		u        = User{Enabled: true}
		roleName *string
		perms    *string
		cap      *string
		impID    *int64
		imp      Impersonation
		impPerms *string
		impFrom  *int64
		impUser  *int64
		impName  *string
		impStart *time.Time
		impUntil *time.Time
	)
	dest := []any{&t.ID, &t.Subdomain, &t.Name, &t.IsMaster, &t.TenantRoleID, &t.Version, &t.AuditHead,
		&u.ID, &u.Username, &u.Email, &u.FirstName, &u.LastName, &u.RoleID,
		&u.IdentitySource, &u.SessionVersion, &u.LastLoginAt, &u.Version,
		&roleName, &perms, &cap,
		&impID, &impFrom, &impUser, &impName, &impStart, &impUntil, &impPerms}
	var err error
	if read != nil && s.postgres && s.db.Keyed() {
		err = s.checkAndRead(ctx, query, args, read, dest...)
	} else {
		err = s.db.QueryRow(ctx, query, args, dest...)
	}
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	u.TenantID = t.ID
	if u.RoleID != nil && roleName != nil {
		r := &Role{ID: *u.RoleID, TenantID: t.ID, Name: *roleName}
		if err := r.Permissions.Scan(deref(perms)); err != nil {
			return nil, nil, err
		}
		u.Role = r
	}
	// A subtenant without a tenant role is capped at nothing.
	u.Capped = !t.IsMaster
	if u.Capped && cap != nil {
		if err := u.Cap.Scan(*cap); err != nil {
			return nil, nil, err
		}
	}
	if impID != nil {
		// An impersonation lasts only while its impersonator still holds
		// impersonation: full; the join has checked the rest. Its rights are,
		// per feature, the lower of the user's and the impersonator's, both
		// as they are now (User.Level).
		var p Permissions
		if impPerms == nil || impFrom == nil || impUser == nil || impStart == nil || impUntil == nil {
			return nil, nil, ErrNotFound
		}
		if err := p.Scan(*impPerms); err != nil || p.Level(FeatureImpersonation) < LevelFull {
			return nil, nil, ErrNotFound
		}
		imp = Impersonation{ID: uint64(*impID), TenantID: t.ID, UserID: u.ID, UserName: u.Username,
			ImpersonatorTenantID: uint64(*impFrom), ImpersonatorUserID: uint64(*impUser), ImpersonatorName: deref(impName),
			StartedAt: *impStart, ExpiresAt: *impUntil, ImpersonatorRights: p}
		u.Impersonation = &imp
	}
	if read != nil {
		read.confirmed = t.ID == read.tenant
	}
	return &t, &u, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// CloseSession ends session id in the context's tenant.
func (s *Store) CloseSession(ctx context.Context, id string) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		return tx.Where("token_hash = ?", hashToken(id)).Delete(&UserSession{}).Error
	})
}
