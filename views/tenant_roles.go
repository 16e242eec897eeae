package views

// TenantRolePreview is what saving a tenant role's edit would do.
type TenantRolePreview struct {
	Changes []LevelChangeView
	Tenants int64
	Changed int64 // users whose effective rights change
}

// TenantRoleListRow is one line of the tenant roles page.
type TenantRoleListRow struct {
	ID                uint64
	Name, Description string
	Tenants           int64
	Grants            []Grant
}

// TenantRoleList is the master's tenant roles page.
type TenantRoleList struct {
	Rows    []TenantRoleListRow
	CanEdit bool
}
