package models

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Every tenant that has an enabled full-rights admin keeps one, whatever
// lowers rights: a user edit, disable or delete (lastAdmin, users_admin.go),
// and here a role edit, a template's propagation, a tenant role's new cap and
// a tenant's move to another tenant role. These reach many tenants at once,
// so the check is set-based: one statement locks the affected tenants'
// tenant_usage rows (the per-tenant user lock, lockUsers), one more finds
// the tenants that have a full-rights admin now and would have none after
// the change, whatever the number of tenants.
//
// A tenant that has none already (made without an initial admin, say) is no
// reason to refuse an unrelated change: only a change that takes a tenant
// from one to none is refused.

// rightsChange describes, for the check, a change about to be made.
type rightsChange struct {
	// tenants is a query of the ids (tenant_id) of the tenants it reaches.
	tenants     string
	tenantsArgs []any
	// roles is a condition on roles r whose permissions it replaces, caps one
	// on tenants t whose cap it replaces, with permissions that make no admin
	// (a change that keeps users and roles full is not checked at all).
	roles     string
	rolesArgs []any
	caps      string
	capsArgs  []any
}

// adminFeatures are what a full-rights admin has at full (IsFullRightsAdmin).
var adminFeatures = []Feature{FeatureUsers, FeatureRoles}

// adminSQL is the condition that permissions column col grant every admin
// feature at full.
func (s *Store) adminSQL(col string) string {
	var parts []string
	for _, f := range adminFeatures {
		if s.postgres {
			parts = append(parts, fmt.Sprintf("(%s::json ->> '%s') = 'full'", col, f))
		} else {
			parts = append(parts, fmt.Sprintf("json_extract(%s, '$.\"%s\"') = 'full'", col, f))
		}
	}
	return "COALESCE(" + strings.Join(parts, " AND ") + ", FALSE)"
}

// keepAdmins takes the user lock of every tenant ch reaches and refuses ch,
// by field, if it would leave any of them that has a full-rights admin
// without one. tx must be across tenants.
func (s *Store) keepAdmins(tx *gorm.DB, field string, ch rightsChange) error {
	// The affected set drives both statements (a join, not IN): its size is
	// known only at run time, and a planner that guesses it small must not
	// loop over every tenant for each of its rows.
	affected := `(SELECT DISTINCT tenant_id FROM (` + ch.tenants + `) q) a`
	lock := `SELECT count(*) FROM (SELECT u.tenant_id FROM ` + affected + ` JOIN tenant_usage u ON u.tenant_id = a.tenant_id ORDER BY u.tenant_id`
	if s.postgres {
		lock += " FOR UPDATE OF u"
	}
	var locked int64
	if err := tx.Raw(lock+") locked", ch.tenantsArgs...).Scan(&locked).Error; err != nil {
		return fmt.Errorf("user locks: %w", err)
	}
	roles, caps := ch.roles, ch.caps
	if roles == "" {
		roles = "FALSE"
	}
	if caps == "" {
		caps = "FALSE"
	}
	admins := func(role, cap string) string {
		return `SELECT 1 FROM users u JOIN roles r ON r.tenant_id = u.tenant_id AND r.id = u.role_id
	WHERE u.tenant_id = t.id AND u.enabled AND ` + role + ` AND (t.is_master OR ` + cap + `)`
	}
	roleNow := s.adminSQL("r.permissions")
	// Each tenant role's cap is read once, not once a tenant.
	q := `WITH caps AS MATERIALIZED (SELECT id, ` + s.adminSQL("permissions") + ` AS admin FROM tenant_roles)
SELECT t.subdomain, count(*) OVER () AS n
FROM ` + affected + ` JOIN tenants t ON t.id = a.tenant_id LEFT JOIN caps c ON c.id = t.tenant_role_id
WHERE EXISTS (` + admins(roleNow, "COALESCE(c.admin, FALSE)") + `)
AND NOT EXISTS (` + admins("NOT COALESCE("+roles+", FALSE) AND "+roleNow, "NOT COALESCE("+caps+", FALSE) AND COALESCE(c.admin, FALSE)") + `)
ORDER BY t.subdomain LIMIT 3`
	args := append(append(append([]any{}, ch.tenantsArgs...), ch.rolesArgs...), ch.capsArgs...)
	var lost []struct {
		Subdomain string
		N         int64
	}
	if err := tx.Raw(q, args...).Scan(&lost).Error; err != nil {
		return fmt.Errorf("full-rights admins: %w", err)
	}
	if len(lost) == 0 {
		return nil
	}
	names := make([]string, len(lost))
	for i, l := range lost {
		names[i] = l.Subdomain
	}
	return &ValidationError{Fields: map[string]string{field: noAdminMessage(names, lost[0].N)}}
}

// noAdminMessage names the first tenants that would lose their last
// full-rights admin, and how many in all.
func noAdminMessage(first []string, n int64) string {
	who := strings.Join(first, ", ")
	if n > int64(len(first)) {
		who = fmt.Sprintf("%s and %d other tenants (%d in all)", who, n-int64(len(first)), n)
	}
	return who + " would have no enabled admin with users and roles full: give another user full rights there first."
}

// keepAdminsForRole checks an edit giving role r the permissions p: r itself
// in its tenant and, for a template, every linked copy in theirs.
func (s *Store) keepAdminsForRole(tx *gorm.DB, r *Role, p Permissions) error {
	if IsFullRightsAdmin(p) {
		return nil // its holders stay admins wherever they were
	}
	return s.db.Across(tx, "keep a full-rights admin in every tenant a role edit reaches", func(tx *gorm.DB) error {
		var ch rightsChange
		if r.Multitenant {
			ch.tenants, ch.tenantsArgs = "SELECT tenant_id FROM roles WHERE id = ? OR (template_id = ? AND linked)", []any{r.ID, r.ID}
			ch.roles, ch.rolesArgs = "(r.id = ? OR (r.template_id = ? AND r.linked))", []any{r.ID, r.ID}
		} else {
			ch.tenants, ch.tenantsArgs = "SELECT id AS tenant_id FROM tenants WHERE id = ?", []any{r.TenantID}
			ch.roles, ch.rolesArgs = "r.id = ?", []any{r.ID}
		}
		return s.keepAdmins(tx, "role", ch)
	})
}

// keepAdminsForCap checks giving tenant role id the cap p, in every tenant
// holding it. tx must be across tenants.
func (s *Store) keepAdminsForCap(tx *gorm.DB, id uint64, p Permissions) error {
	if IsFullRightsAdmin(p) {
		return nil
	}
	return s.keepAdmins(tx, "role", rightsChange{
		tenants: "SELECT id AS tenant_id FROM tenants WHERE tenant_role_id = ?", tenantsArgs: []any{id},
		caps: "t.tenant_role_id = ?", capsArgs: []any{id},
	})
}

// keepAdminsForMove checks moving tenant id to a tenant role of cap p. tx
// must be across tenants.
func (s *Store) keepAdminsForMove(tx *gorm.DB, id uint64, p Permissions) error {
	if IsFullRightsAdmin(p) {
		return nil
	}
	return s.keepAdmins(tx, "tenant_role", rightsChange{
		tenants: "SELECT id AS tenant_id FROM tenants WHERE id = ?", tenantsArgs: []any{id},
		caps: "t.id = ?", capsArgs: []any{id},
	})
}
