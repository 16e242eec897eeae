package tenancy

import "context"

// What a context carries to the database: the tenant its statements are
// confined to, or the named grant to cross tenants. Middleware sets the
// tenant once; the callbacks and the doors read it from here only.
type (
	tenantKey      struct{}
	acrossKey      struct{}
	scopedTxKey    struct{}
	internalSQLKey struct{}
)

// WithTenant returns a context whose database statements are confined to tenantID.
func WithTenant(ctx context.Context, tenantID uint64) context.Context {
	return context.WithValue(ctx, tenantKey{}, tenantID)
}

// TenantFrom returns the tenant a context is confined to.
func TenantFrom(ctx context.Context) (uint64, bool) {
	id, ok := ctx.Value(tenantKey{}).(uint64)
	return id, ok && id != 0
}

// AcrossTenants returns a context whose statements are not confined to one tenant:
// the single, named way in for the master tenant's cross-tenant operations and for
// raw SQL. why says what the crossing is for; it is kept for logs and review.
func AcrossTenants(ctx context.Context, why string) context.Context {
	if why == "" {
		panic("tenancy.AcrossTenants needs a reason")
	}
	return context.WithValue(ctx, acrossKey{}, why)
}

// IsAcross says whether ctx crosses tenants (AcrossTenants).
func IsAcross(ctx context.Context) bool {
	_, ok := ctx.Value(acrossKey{}).(string)
	return ok
}

// WithoutAcross drops a cross-tenant grant from ctx so a step confined to one
// tenant stays confined.
func WithoutAcross(ctx context.Context) context.Context {
	if !IsAcross(ctx) {
		return ctx
	}
	return context.WithValue(ctx, acrossKey{}, nil)
}

// Internal marks the few statements the store itself writes (migrations,
// locks, its own raw SQL) so the Raw/Exec guard lets them through. On
// PostgreSQL row-level security still confines them to the transaction's
// tenant.
func Internal(ctx context.Context) context.Context {
	return context.WithValue(ctx, internalSQLKey{}, true)
}

// scoped marks a context as inside one of the doors' transactions, which on
// PostgreSQL carry the signed tenant entry.
func scoped(ctx context.Context) context.Context {
	return context.WithValue(ctx, scopedTxKey{}, true)
}
