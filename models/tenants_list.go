package models

import (
	"context"
	"database/sql"
	"strings"

	"gorm.io/gorm"
)

// TenantUsage is a tenant's stored counts, kept by triggers as rows come and go.
type TenantUsage struct {
	TenantID  uint64 `gorm:"primaryKey"`
	Users     int64
	Resources int64
}

// TableName is the counters' table.
func (TenantUsage) TableName() string { return "tenant_usage" }

// TenantRow is one line of the tenant list.
type TenantRow struct {
	Tenant
	TenantRole string
	Users      int64
	Resources  int64
}

var tenantSorts = sortColumns{def: "name", columns: map[string]string{
	"name":      "lower(tenants.name)",
	"subdomain": "tenants.subdomain",
	"role":      "lower(tenant_roles.name)",
	"users":     "tenant_usage.users",
	"resources": "tenant_usage.resources",
	"created":   "tenants.created_at",
	"status":    "tenants.enabled",
}}

// tenantPageFrom is where a page's ids are chosen from for a sort key, and
// the id column its order ends on: the tenants alone, read in the order of
// an index on the sort column, unless the key is another table's. Sorted by
// a counter and not searched, the counters alone, in their index's order.
// Every tenant has its tenant_usage row (a trigger adds it with the tenant,
// migration 3 added the older ones), so reading or joining it drops none.
func tenantPageFrom(sort string, searching bool) (from, id string) {
	switch sort {
	case "role":
		return "tenants LEFT JOIN tenant_roles ON tenant_roles.id = tenants.tenant_role_id", "tenants.id"
	case "users", "resources":
		if !searching {
			return "tenant_usage", "tenant_usage.tenant_id"
		}
		return "tenants JOIN tenant_usage ON tenant_usage.tenant_id = tenants.id", "tenants.id"
	}
	return "tenants", "tenants.id"
}

// tenantPageSQL is the whole page in one statement: the total matching the
// search, the page's ids chosen by the sort (an index scan for the tenants'
// own columns, however deep the offset), then only those rows joined to their
// counters and tenant role. The total's row stands alone when the page is
// empty. {{from}}, {{id}}, {{key}}, {{where}} and {{order}} come from the
// whitelists above, never from the request.
const tenantPageSQL = `
SELECT c.total, t.id, t.subdomain, t.name, t.description, t.tenant_role_id, t.currency, t.account_number,
	t.account_name, t.customer_number, t.enabled, t.is_master, t.max_users, t.max_resources, t.version,
	t.created_at, t.updated_at, COALESCE(u.users, 0), COALESCE(u.resources, 0), COALESCE(r.name, '')
FROM (SELECT count(*) AS total FROM tenants {{where}}) c
LEFT JOIN (SELECT {{id}} AS id, {{key}} AS k FROM {{from}} {{where}} ORDER BY {{order}} LIMIT ? OFFSET ?) p ON TRUE
LEFT JOIN tenants t ON t.id = p.id
LEFT JOIN tenant_usage u ON u.tenant_id = t.id
LEFT JOIN tenant_roles r ON r.id = t.tenant_role_id
ORDER BY {{outer}}`

// TenantsPage is one page of every tenant, searched by name or subdomain, with
// each tenant's tenant role and its user and resource counts from the stored
// counters: one statement (total and rows) whatever the page or the number of
// tenants, its rows scanned by hand. Master-tenant users with tenants: read only.
func (s *Store) TenantsPage(ctx context.Context, q ListQuery) (Page[TenantRow], error) {
	q = q.normalize(tenantSorts)
	page := Page[TenantRow]{Query: q, Rows: make([]TenantRow, 0, q.PerPage)}
	if err := requireMaster(ctx, FeatureTenants, LevelRead); err != nil {
		return page, err
	}
	where, args := "", []any{}
	if q.Search != "" {
		p := likePattern(q.Search)
		where, args = `WHERE lower(tenants.name) LIKE ? ESCAPE '\' OR tenants.subdomain LIKE ? ESCAPE '\'`, []any{p, p}
	}
	from, idColumn := tenantPageFrom(q.Sort, where != "")
	dir := q.dir()
	query := strings.NewReplacer("{{where}}", where, "{{from}}", from, "{{id}}", idColumn, "{{key}}", tenantSorts.columns[q.Sort],
		"{{order}}", q.orderBy(tenantSorts, idColumn), "{{outer}}", "p.k"+dir+", p.id"+dir).Replace(tenantPageSQL)
	args = append(append(args, args...), q.PerPage, q.offset())
	build := func(tx *gorm.DB) *gorm.DB { return tx.Raw(query, args...) }
	err := s.db.ReadRows(AcrossTenants(ctx, "the master's tenant list"), build, func(_ []string, scan func(dest ...any) error) error {
		var (
			r       TenantRow
			id      sql.NullInt64
			t       = &r.Tenant
			sub     sql.NullString
			name    sql.NullString
			desc    sql.NullString
			cur     sql.NullString
			accNum  sql.NullString
			accName sql.NullString
			custNum sql.NullString
			enabled sql.NullBool
			master  sql.NullBool
			maxU    sql.NullInt64
			maxR    sql.NullInt64
			version sql.NullInt64
			created sql.NullTime
			updated sql.NullTime
		)
		if err := scan(&page.Total, &id, &sub, &name, &desc, &t.TenantRoleID, &cur, &accNum, &accName, &custNum,
			&enabled, &master, &maxU, &maxR, &version, &created, &updated, &r.Users, &r.Resources, &r.TenantRole); err != nil {
			return err
		}
		if !id.Valid {
			return nil // the total alone: no tenant on this page
		}
		*t = Tenant{ID: uint64(id.Int64), Subdomain: sub.String, Name: name.String, Description: desc.String,
			TenantRoleID: t.TenantRoleID, Currency: cur.String, AccountNumber: accNum.String, AccountName: accName.String,
			CustomerNumber: custNum.String, Enabled: enabled.Bool, IsMaster: master.Bool, MaxUsers: int(maxU.Int64),
			MaxResources: int(maxR.Int64), Version: int(version.Int64), CreatedAt: created.Time, UpdatedAt: updated.Time}
		page.Rows = append(page.Rows, r)
		return nil
	})
	return page, err
}
