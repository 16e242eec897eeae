package models

import (
	"context"
	"errors"
	"fmt"
)

// ErrForbidden means the actor may not do what was asked.
var ErrForbidden = errors.New("not allowed")

// Actor is who is acting: a signed-in user (and, while impersonating, the
// master user behind them), or the system itself (the command line).
type Actor struct {
	UserID   uint64
	TenantID uint64
	Name     string
	System   bool
	// Master and Permissions are the user's tenant kind and effective rights,
	// as the request's session check loaded them; while impersonated, the
	// rights are per feature the lower of the user's and the impersonator's.
	Master      bool
	Permissions Permissions
	// RoleID is the user's role in their tenant (0: none): nobody edits a
	// role they hold.
	RoleID uint64
	// Impersonator is the master user acting as this user, if any, in the
	// impersonation ImpersonationID.
	Impersonator    *Actor
	ImpersonationID uint64
}

// SystemActor is the command line or the server acting on its own, named for
// the audit log. Only code that is not request traffic may use it.
func SystemActor(name string) Actor { return Actor{Name: name, System: true} }

type actorKey struct{}

// WithActor records who is acting in ctx.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the context's actor.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// requireMaster checks that the context's actor may cross tenants at level on
// feature: the system, or a master-tenant user whose rights (as the request's
// session check loaded them) grant it. A handler that forgot its own check
// still cannot cross tenants.
func requireMaster(ctx context.Context, f Feature, l Level) error {
	a, ok := ActorFrom(ctx)
	switch {
	case !ok:
		return fmt.Errorf("%w: no actor for a cross-tenant operation", ErrForbidden)
	case a.System:
		return nil
	case a.Impersonator != nil:
		return fmt.Errorf("%w: no cross-tenant operation while impersonating", ErrForbidden)
	case !a.Master:
		return fmt.Errorf("%w: %s is not a master-tenant user", ErrForbidden, a.Name)
	case a.Permissions.Level(f) < l:
		return fmt.Errorf("%w: %s needs %s on %s", ErrForbidden, a.Name, l, f)
	}
	return nil
}

// masterActing checks that ctx's actor may act across tenants with level on
// f (requireMaster) and returns the master tenant, whose log records it.
func (s *Store) masterActing(ctx context.Context, f Feature, l Level) (*Tenant, error) {
	if err := requireMaster(ctx, f, l); err != nil {
		return nil, err
	}
	return s.MasterTenant(ctx)
}
