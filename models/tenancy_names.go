package models

import (
	"context"

	"landlord/models/tenancy"
)

// The domain's names for the tenancy core's context and errors, so that
// handlers and middleware speak of tenants through models alone.

var (
	// ErrNoTenant is a statement on a tenant table without a tenant in its context.
	ErrNoTenant = tenancy.ErrNoTenant
	// ErrScopeViolation is a statement the scoping cannot make safe.
	ErrScopeViolation = tenancy.ErrScopeViolation
	// ErrOwnerClosed is the owner's connection asked for after CloseOwner.
	ErrOwnerClosed = tenancy.ErrOwnerClosed
)

// AppRole is how the migrations write this installation's request role: the
// runner puts the role's name (tenancy.DB.AppRole) in its place, and the
// SQL files write {{app_role}} likewise.
const AppRole = "{{app_role}}"

// WithTenant returns a context whose database statements are confined to tenantID.
func WithTenant(ctx context.Context, tenantID uint64) context.Context {
	return tenancy.WithTenant(ctx, tenantID)
}

// TenantFrom returns the tenant a context is confined to.
func TenantFrom(ctx context.Context) (uint64, bool) { return tenancy.TenantFrom(ctx) }

// AcrossTenants returns a context whose statements are not confined to one
// tenant; why says what for (see tenancy.AcrossTenants).
func AcrossTenants(ctx context.Context, why string) context.Context {
	return tenancy.AcrossTenants(ctx, why)
}

// RequestRolePassword is the password of the request role's login, derived
// from the server's secret so that every replica computes the same one.
func RequestRolePassword(secret []byte) string { return tenancy.RequestRolePassword(secret) }
