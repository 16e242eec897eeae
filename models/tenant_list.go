package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// TenantUsage is a tenant's stored counts, kept by triggers as rows come and go.
type TenantUsage struct {
	TenantID  uint64 `gorm:"primaryKey"`
	Users     int64
	Resources int64
}

// Resource is something a tenant owns and manages: a cloud, a network, a
// project, a device. The console counts them against the tenant's limit.
type Resource struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64
	Kind       string
	Name       string
	Attributes string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
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

// TenantsPage is one page of every tenant, searched by name or subdomain, with
// each tenant's tenant role and its user and resource counts from the stored counters: two statements (total,
// rows) whatever the page or the number of tenants. Master-tenant users with
// tenants: read only.
func (s *Store) TenantsPage(ctx context.Context, q ListQuery) (Page[TenantRow], error) {
	q = q.normalize(tenantSorts)
	page := Page[TenantRow]{Query: q}
	if err := requireMaster(ctx, FeatureTenants, LevelRead); err != nil {
		return page, err
	}
	err := s.tx(AcrossTenants(ctx, "the master's tenant list"), func(tx *gorm.DB) error {
		where := func(db *gorm.DB) *gorm.DB {
			if q.Search == "" {
				return db
			}
			p := likePattern(q.Search)
			return db.Where(`lower(tenants.name) LIKE ? ESCAPE '\' OR tenants.subdomain LIKE ? ESCAPE '\'`, p, p)
		}
		if err := tx.Model(&Tenant{}).Scopes(where).Count(&page.Total).Error; err != nil {
			return err
		}
		return tx.Model(&Tenant{}).Scopes(where).
			Select("tenants.*, COALESCE(tenant_usage.users, 0) AS users, COALESCE(tenant_usage.resources, 0) AS resources, " +
				"COALESCE(tenant_roles.name, '') AS tenant_role").
			Joins("LEFT JOIN tenant_usage ON tenant_usage.tenant_id = tenants.id").
			Joins("LEFT JOIN tenant_roles ON tenant_roles.id = tenants.tenant_role_id").
			Order(q.orderBy(tenantSorts, "tenants.id")).Limit(q.PerPage).Offset(q.offset()).
			Scan(&page.Rows).Error
	})
	return page, err
}
