package views

// TenantRow is one line of the master's tenant list.
type TenantRow struct {
	TenantRole        string
	Resources         int64
	Subdomain, Name   string
	Users             int64
	MaxUsers          int // 0: no limit
	MaxResources      int
	Enabled, IsMaster bool
	Created           string
}

// TenantList is the tenant list page.
type TenantList struct {
	List      ListState
	Rows      []TenantRow
	CanUsers  bool // the visitor may open each tenant's users
	CanCreate bool // tenants: full
}
