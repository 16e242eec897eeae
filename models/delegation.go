package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Delegation: nobody gives what they do not hold (Kubernetes RBAC's
// escalation prevention), and nobody acts on someone who holds more. Every
// grant and every action on a user runs one of these checks here, in the
// model, with the actor's rights as this request's session check loaded them
// (while impersonating, the lower of both people's), so a handler or a future
// API route that forgets cannot climb. The command line, acting as the
// system, holds everything; a context without an actor holds nothing.

// holder is the context's actor for a delegation check; all is true for the
// system, which holds every right.
func holder(ctx context.Context) (a Actor, all bool, err error) {
	a, ok := ActorFrom(ctx)
	switch {
	case !ok:
		return a, false, fmt.Errorf("%w: no actor to check rights against", ErrForbidden)
	case a.System:
		return a, true, nil
	}
	return a, false, nil
}

// Beyond lists, in catalogue order, the features on which give grants more
// than hold.
func Beyond(hold, give Permissions) []Feature {
	var out []Feature
	for _, f := range Features {
		if give.Level(f) > hold.Level(f) {
			out = append(out, f)
		}
	}
	return out
}

// MayGive says whether someone holding hold may give what give grants.
func MayGive(hold, give Permissions) bool { return len(Beyond(hold, give)) == 0 }

// Excess names what give grants beyond hold, "Users: full (you have read)",
// or "" when nothing: only someone who holds at least a user's rights may
// edit, disable, enable, delete, reset or impersonate them.
func Excess(hold, give Permissions) string {
	fs := Beyond(hold, give)
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = fmt.Sprintf("%s: %s (you have %s)", f.Label(), give.Level(f), hold.Level(f))
	}
	return strings.Join(parts, ", ")
}

// denied is a refusal of a climb: a ValidationError by the field, which the
// operation also records in the log with outcome failure.
func denied(field, msg string) *ValidationError {
	return &ValidationError{Fields: map[string]string{field: msg}, Denied: true}
}

// checkGrant refuses giving, to a user, a role that grants give in its
// tenant (after the tenant role's cap) beyond what ctx's actor holds.
func checkGrant(ctx context.Context, field string, give Permissions) error {
	a, all, err := holder(ctx)
	if err != nil || all || MayGive(a.Permissions, give) {
		return err
	}
	return denied(field, "This role gives more than you hold: "+Excess(a.Permissions, give)+". Only someone who holds at least that can give it.")
}

// PermissionField is the form field (and ValidationError key) of a
// feature's level in a role's permission matrix.
func PermissionField(f Feature) string { return "perm_" + string(f) }

// checkLevels refuses setting, in a role, a template or a tenant role, a
// level above what ctx's actor holds. A level left as it was (before) is not
// being set: someone may rename a role whose latent levels, above their
// tenant's cap, exceed theirs. Each refused feature gets its message.
func checkLevels(ctx context.Context, before, after Permissions) error {
	a, all, err := holder(ctx)
	if err != nil || all {
		return err
	}
	f := map[string]string{}
	for _, feat := range Features {
		l := after.Level(feat)
		if l > a.Permissions.Level(feat) && l > before.Level(feat) {
			f[PermissionField(feat)] = fmt.Sprintf("You hold %s %s, so you can set it to at most %s.", feat.Label(), a.Permissions.Level(feat), a.Permissions.Level(feat))
		}
	}
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f, Denied: true}
}

// checkRaise refuses moving something that grants before to one that
// grants after (a tenant to another tenant role) when it raises a feature
// above what ctx's actor holds; field is the form field of the choice.
func checkRaise(ctx context.Context, field string, before, after Permissions, what string) error {
	a, all, err := holder(ctx)
	if err != nil || all {
		return err
	}
	raised := Permissions{}
	for _, f := range Features {
		if after.Level(f) > before.Level(f) {
			raised[f] = after.Level(f)
		}
	}
	if MayGive(a.Permissions, raised) {
		return nil
	}
	return denied(field, what+" gives more than you hold: "+Excess(a.Permissions, raised)+". Only someone who holds at least that can give it.")
}

// checkTouch refuses changing or deleting a role whose grants (what it gives
// in its tenant, after the cap) exceed what ctx's actor holds: its holders
// would be acted on by someone weaker. what is "edit" or "delete".
func checkTouch(ctx context.Context, field string, gives Permissions, what string) error {
	a, all, err := holder(ctx)
	if err != nil || all || MayGive(a.Permissions, gives) {
		return err
	}
	return denied(field, fmt.Sprintf("This role gives more than you hold: %s. Only someone who holds at least that can %s it.", Excess(a.Permissions, gives), what))
}

// requireLevel checks that ctx's actor (the system aside) holds level l on f
// in their own tenant: the route checked it too, and a route that forgot
// still gets nothing.
func requireLevel(ctx context.Context, f Feature, l Level) error {
	a, all, err := holder(ctx)
	if err != nil || all {
		return err
	}
	if a.Permissions.Level(f) < l {
		return fmt.Errorf("%w: %s needs %s: %s", ErrForbidden, a.Name, f, l)
	}
	return nil
}

// RoleWithheld says why ctx's actor may not edit or delete role r, in a
// tenant whose cap is cap (capped false in the master): "" when they may.
// The operations check it again themselves.
func RoleWithheld(ctx context.Context, r *Role, cap Permissions, capped bool) string {
	if holds(ctx, r) {
		return "you hold it"
	}
	a, all, err := holder(ctx)
	switch {
	case err != nil:
		return "nobody is signed in"
	case all:
		return ""
	case !MayGive(a.Permissions, givesIn(r.Permissions, cap, capped)):
		return "it gives more than you hold"
	}
	return ""
}

// holds says whether ctx's actor holds role r (their own role, in its tenant).
func holds(ctx context.Context, r *Role) bool {
	a, ok := ActorFrom(ctx)
	return ok && !a.System && a.TenantID == r.TenantID && a.RoleID != 0 && a.RoleID == r.ID
}

// checkActOn refuses acting (verb: "edit", "disable"…) on user u, whose
// effective rights in their tenant are rights, when they exceed those of
// ctx's actor.
func checkActOn(ctx context.Context, u *User, rights Permissions, verb string) error {
	a, all, err := holder(ctx)
	if err != nil || all || MayGive(a.Permissions, rights) {
		return err
	}
	return denied("", fmt.Sprintf("%s has more rights than you: %s. Only someone who holds at least their rights can %s them.",
		u.Username, Excess(a.Permissions, rights), verb))
}

// isSelf says whether ctx's actor is u (while impersonating, the person
// being impersonated).
func isSelf(ctx context.Context, u *User) bool {
	a, ok := ActorFrom(ctx)
	return ok && !a.System && a.TenantID == u.TenantID && a.UserID == u.ID
}

// capOf is tenant t's cap on its users' roles; capped is false for the
// master, which has none. A subtenant without a tenant role caps at nothing.
func capOf(tx *gorm.DB, t *Tenant) (cap Permissions, capped bool, err error) {
	if t.IsMaster {
		return nil, false, nil
	}
	cap = Permissions{}
	if t.TenantRoleID != nil {
		var tr TenantRole
		if err := tx.Where("id = ?", *t.TenantRoleID).Take(&tr).Error; err != nil {
			return nil, true, err
		}
		cap = tr.Permissions
	}
	return cap, true, nil
}

// givesIn is what role permissions p give in a tenant under cap.
func givesIn(p, cap Permissions, capped bool) Permissions {
	if capped {
		return p.Capped(cap)
	}
	return p.cleaned()
}

// rightsOf is user u's effective rights in tenant t (u.Role loaded); it
// leaves t's cap on u (Cap, Capped) for the rest of the operation.
func rightsOf(tx *gorm.DB, t *Tenant, u *User) (Permissions, error) {
	cap, capped, err := capOf(tx, t)
	if err != nil {
		return nil, err
	}
	u.Cap, u.Capped = cap, capped
	return u.Permissions(), nil
}

// recordDeniedHere writes, in its own transaction (the refused one rolled
// back), a failure event for a refused climb into the context tenant's log,
// and the master's too when a master actor crossed into it. It returns err
// as it was; any other error passes through unrecorded.
func (s *Store) recordDeniedHere(ctx context.Context, err error, e Event) error {
	var ve *ValidationError
	if !errors.As(err, &ve) || !ve.Denied {
		return err
	}
	id, ok := TenantFrom(ctx)
	if !ok {
		return err
	}
	e.Outcome = OutcomeFailure
	e.Details = jsonDetails(map[string]any{"refused": ve.Fields})
	rerr := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var t Tenant
		if err := tx.Where("id = ?", id).Take(&t).Error; err != nil {
			return err
		}
		return s.recordUser(tx, &t, e)
	})
	if rerr != nil {
		return rerr
	}
	return err
}

// targetName names the user an operation was refused on: their username
// when they were read, else their id.
func targetName(u *User, id uint64) string {
	if u != nil {
		return u.Username
	}
	return fmt.Sprintf("%d", id)
}
