package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Users administration: creating, editing, disabling, deleting users and
// setting their passwords, in a tenant's own console or, for the master, in
// any subtenant's (ManagedTenant).
//
// A full-rights admin of a tenant is an enabled user whose effective levels
// (what their role grants, under the tenant role's cap in a subtenant) are
// full on both users and roles: someone who can give anyone, themselves
// included, any right the tenant may have. A tenant that has one always
// keeps one: nobody can disable or delete its last, nor give them a role
// without those rights. The check runs under the tenant's user lock
// (lockUsers), so two admins disabling each other at once cannot both pass.

// IsFullRightsAdmin says whether effective permissions p make a full-rights
// admin (when the user is enabled): full on users and on roles.
func IsFullRightsAdmin(p Permissions) bool {
	return p.Level(FeatureUsers) == LevelFull && p.Level(FeatureRoles) == LevelFull
}

// LimitMessage says that tenant t has reached its user limit.
func LimitMessage(t *Tenant) string {
	return fmt.Sprintf("%s's limit of %d users is reached: delete a user first, or ask for a higher limit.", t.Subdomain, t.MaxUsers)
}

// ManagedTenant is the master's way into another tenant's users: for a
// master-tenant actor with level on users (requireMaster), it returns a
// context confined to the subtenant with this subdomain, still carrying that
// actor, and the tenant. Every user operation run with it checks the actor
// again (userAdmin). Any other actor is refused with ErrForbidden, before the
// subdomain is even looked up; an unknown subdomain, and the master's own
// (whose users are on the master's own pages), are ErrNotFound.
func (s *Store) ManagedTenant(ctx context.Context, subdomain string, l Level) (context.Context, *Tenant, error) {
	if err := requireMaster(ctx, FeatureUsers, l); err != nil {
		return nil, nil, err
	}
	t, err := s.TenantBySubdomain(ctx, subdomain)
	if err != nil {
		return nil, nil, err
	}
	if t.IsMaster {
		return nil, nil, ErrNotFound
	}
	return WithTenant(withoutAcross(ctx), t.ID), t, nil
}

// userAdmin checks that the context's actor may administer the users of the
// context's tenant at level l, and says whether it crosses into that tenant
// from another. An actor of the tenant itself needs level l on users (its
// route checked it too: need(users, l)); an actor of any other tenant is
// crossing tenants, which only a master-tenant user with the level may
// (requireMaster), so a context confined to another tenant by hand still
// reaches no user there. The system (the command line) and callers without an
// actor (the store's own tests) act as before.
func userAdmin(ctx context.Context, l Level) (crossing bool, err error) {
	a, ok := ActorFrom(ctx)
	tenant, _ := TenantFrom(ctx)
	switch {
	case !ok || a.System:
		return false, nil
	case a.TenantID == tenant && a.Permissions.Level(FeatureUsers) < l:
		// The route checked it too; a route that forgot still gets nothing.
		return false, fmt.Errorf("%w: %s needs users: %s", ErrForbidden, a.Name, l)
	case a.TenantID == tenant:
		return false, nil
	}
	return true, requireMaster(ctx, FeatureUsers, l)
}

// lockUsers takes the context tenant's user lock for the rest of the
// transaction and returns the tenant and its user count: on PostgreSQL its
// tenant_usage row FOR UPDATE (the row the user triggers count in), so
// creates, deletes, disables and role changes of one tenant's users run one
// at a time and each sees the last one's result; SQLite has one writer at a
// time anyway. Other tenants are not held up.
func (s *Store) lockUsers(tx *gorm.DB) (*Tenant, int64, error) {
	id, ok := TenantFrom(tx.Statement.Context)
	if !ok {
		return nil, 0, ErrNoTenant
	}
	var usage TenantUsage
	q := tx.Where("tenant_id = ?", id)
	if s.postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&usage).Error; err != nil {
		return nil, 0, fmt.Errorf("user lock of tenant %d: %w", id, err)
	}
	var t Tenant
	if err := tx.Where("id = ?", id).Take(&t).Error; err != nil {
		return nil, 0, err
	}
	return &t, usage.Users, nil
}

// adminRoles is the set of tenant t's roles that make a full-rights admin,
// under t's cap in a subtenant.
func adminRoles(tx *gorm.DB, t *Tenant) (map[uint64]bool, error) {
	cap, capped, err := capOf(tx, t)
	if err != nil {
		return nil, err
	}
	var roles []Role
	if err := tx.Select("id", "permissions").Find(&roles).Error; err != nil {
		return nil, err
	}
	ids := map[uint64]bool{}
	for _, r := range roles {
		if IsFullRightsAdmin(givesIn(r.Permissions, cap, capped)) {
			ids[r.ID] = true
		}
	}
	return ids, nil
}

// lastAdmin says whether u is tenant t's last full-rights admin, one that
// would be gone if u were disabled, deleted or given a role outside admin
// roles. tx must hold the user lock.
func lastAdmin(tx *gorm.DB, t *Tenant, u *User) (bool, map[uint64]bool, error) {
	roles, err := adminRoles(tx, t)
	if err != nil || !u.Enabled || u.RoleID == nil || !roles[*u.RoleID] {
		return false, roles, err
	}
	ids := make([]uint64, 0, len(roles))
	for id := range roles {
		ids = append(ids, id)
	}
	var others int64
	err = tx.Model(&User{}).Where("enabled AND id <> ? AND role_id IN ?", u.ID, ids).Count(&others).Error
	return others == 0, roles, err
}

func lastAdminMessage(t *Tenant, u *User, what string) string {
	return fmt.Sprintf("%s is the last full-rights administrator of %s (full on users and roles) and cannot be %s. Give another user full rights first.",
		u.Username, t.Subdomain, what)
}

// identityClashes refuses a username or email that another user of the
// tenant (other than except) signs in with, either way round, whatever the
// case, or one that looks like such a name (lookAlikeUsers).
func identityClashes(tx *gorm.DB, username, email string, except uint64) error {
	f := fieldErrors{}
	var n int64
	if username != "" {
		if err := tx.Model(&User{}).Where("id <> ? AND (lower(username) = lower(?) OR (email <> '' AND lower(email) = lower(?)))",
			except, username, username).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			f.add("username", "This username is taken in this tenant.")
		}
	}
	if email != "" {
		if err := tx.Model(&User{}).Where("id <> ? AND (lower(email) = lower(?) OR lower(username) = lower(?))",
			except, email, email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			f.add("email", "This email address is taken in this tenant.")
		}
	}
	if err := lookAlikeUsers(tx, f, username, email, except); err != nil {
		return err
	}
	return f.err()
}

// clashAfter turns the unique index's refusal of a write (a race the checks
// under the user lock did not see, such as another process on the same
// SQLite file) into the field that clashed, read after the failed
// transaction; any other error is returned as it is.
func (s *Store) clashAfter(ctx context.Context, err error, username, email string, except uint64) error {
	var ve *ValidationError
	if err == nil || errors.As(err, &ve) || !isUniqueViolation(err) {
		return err
	}
	found := s.tx(ctx, func(tx *gorm.DB) error { return identityClashes(tx, username, email, except) })
	if errors.As(found, &ve) {
		return ve
	}
	return &ValidationError{Fields: map[string]string{"username": "This username or email address is taken in this tenant."}}
}

// recordUser writes a user event into tenant t's log and, when a master
// actor crossed into t (ManagedTenant), into the master's log as well, in the
// same transaction. In t's log the actor is named master\name with no user
// id (ids there are t's users'); in the master's, the target is t\username.
func (s *Store) recordUser(tx *gorm.DB, t *Tenant, e Event) error {
	ctx := tx.Statement.Context
	a, ok := ActorFrom(ctx)
	if !ok || a.System || a.TenantID == t.ID {
		return s.record(tx, t.ID, e)
	}
	inTenant := e
	inTenant.ActorName = MasterSubdomain + `\` + a.Name
	if err := s.record(tx, t.ID, inTenant); err != nil {
		return err
	}
	inMaster := e
	inMaster.TargetID = t.Subdomain + `\` + e.TargetID
	return s.acrossIn(tx, "record a master's change to a subtenant's user in the master's log", func(tx *gorm.DB) error {
		return s.record(tx, a.TenantID, inMaster)
	})
}

// takeUser reads one user of tx's tenant with their role.
func takeUser(tx *gorm.DB, id uint64) (*User, error) {
	var u User
	err := tx.Preload("Role").Where("id = ?", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &u, err
}

// User returns a user of the context tenant with their role.
func (s *Store) User(ctx context.Context, id uint64) (*User, error) {
	if _, err := userAdmin(ctx, LevelRead); err != nil {
		return nil, err
	}
	var u *User
	err := s.tx(ctx, func(tx *gorm.DB) (err error) {
		u, err = takeUser(tx, id)
		return err
	})
	return u, err
}

// RoleChoice is a role as a form's select offers it. Beyond names what it
// gives beyond the actor's own rights ("" when they may give it): such a role
// is shown but cannot be chosen.
type RoleChoice struct {
	ID     uint64
	Name   string
	Beyond string
}

// NewUserOptions is what the create form needs: the tenant, its roles, and
// how many users it has against its limit (MaxUsers, 0 for none).
type NewUserOptions struct {
	Tenant *Tenant
	Roles  []RoleChoice
	Users  int64
}

// AtLimit says whether no user can be added for the tenant's limit.
func (o NewUserOptions) AtLimit() bool {
	return o.Tenant.MaxUsers > 0 && o.Users >= int64(o.Tenant.MaxUsers)
}

// UserOptions reads the context tenant's roles (by name) and user count, for
// the create and edit forms.
func (s *Store) UserOptions(ctx context.Context) (NewUserOptions, error) {
	var o NewUserOptions
	if _, err := userAdmin(ctx, LevelFull); err != nil {
		return o, err
	}
	id, ok := TenantFrom(ctx)
	if !ok {
		return o, ErrNoTenant
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var t Tenant
		if err := tx.Where("id = ?", id).Take(&t).Error; err != nil {
			return err
		}
		o.Tenant = &t
		var usage TenantUsage
		if err := tx.Take(&usage).Error; err != nil {
			return err
		}
		o.Users = usage.Users
		var roles []Role
		if err := tx.Select("id", "name", "permissions").Order("lower(name), id").Find(&roles).Error; err != nil {
			return err
		}
		cap, capped, err := capOf(tx, &t)
		if err != nil {
			return err
		}
		a, all, _ := holder(ctx)
		for _, r := range roles {
			c := RoleChoice{ID: r.ID, Name: r.Name}
			if gives := givesIn(r.Permissions, cap, capped); !all && !MayGive(a.Permissions, gives) {
				c.Beyond = Excess(a.Permissions, gives)
			}
			o.Roles = append(o.Roles, c)
		}
		return nil
	})
	return o, err
}

// Standing is what ctx's actor may do to a user, as their page offers it:
// Outranked names what the user holds beyond the actor ("" when nothing),
// and Self says the user is the actor.
type Standing struct {
	Outranked string
	Self      bool
}

// StandingOf is ctx's actor's standing towards u, whose rights (role and
// cap) are loaded. The operations check it again themselves.
func StandingOf(ctx context.Context, u *User) Standing {
	st := Standing{Self: isSelf(ctx, u)}
	if a, all, err := holder(ctx); err == nil && !all {
		st.Outranked = Excess(a.Permissions, u.Permissions())
	}
	return st
}

// CheckNewUser checks the identity of a user about to be created (names,
// username, email) as CreateUser will, uniqueness in the context tenant
// included, and returns a message per failing field (nil when all is well):
// the create wizard's first step. CreateUser checks it all again.
func (s *Store) CheckNewUser(ctx context.Context, n NewUser) (map[string]string, error) {
	if _, err := userAdmin(ctx, LevelFull); err != nil {
		return nil, err
	}
	f := n.identity()
	username, email := n.Username, n.Email
	if f["username"] != "" {
		username = "" // checked for its form only
	}
	if f["email"] != "" {
		email = ""
	}
	if username != "" || email != "" {
		err := s.tx(ctx, func(tx *gorm.DB) error { return identityClashes(tx, username, email, 0) })
		var ve *ValidationError
		if errors.As(err, &ve) {
			for k, msg := range ve.Fields {
				f.add(k, msg)
			}
		} else if err != nil {
			return nil, err
		}
	}
	if len(f) == 0 {
		return nil, nil
	}
	return f, nil
}

// UserChanges is what editing a user may change.
type UserChanges struct {
	Username, Email, FirstName, LastName string
	RoleID                               uint64
}

// UpdateUser edits a user of the context tenant at version, the one the
// editor read (ErrConflict otherwise). A user of an external identity source
// keeps the username, email and names that source gives: a change to any of
// them is refused. The role must be one of the tenant's, and a change that
// would leave the tenant without a full-rights admin is refused. The audit
// event holds every changed field before and after.
func (s *Store) UpdateUser(ctx context.Context, id uint64, version int, ch UserChanges) (*User, error) {
	if _, err := userAdmin(ctx, LevelFull); err != nil {
		return nil, err
	}
	var u *User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := s.lockUsers(tx)
		if err != nil {
			return err
		}
		if u, err = takeUser(tx, id); err != nil {
			return err
		}
		f := fieldErrors{}
		n := NewUser{Username: ch.Username, Email: ch.Email, FirstName: ch.FirstName, LastName: ch.LastName}
		if u.IdentitySource == "local" {
			f = n.identity()
		} else {
			n = NewUser{Username: strings.TrimSpace(ch.Username), Email: strings.TrimSpace(ch.Email), FirstName: strings.TrimSpace(ch.FirstName), LastName: strings.TrimSpace(ch.LastName)}
			for _, c := range []struct{ field, before, after string }{
				{"username", u.Username, n.Username}, {"email", u.Email, n.Email},
				{"first_name", u.FirstName, n.FirstName}, {"last_name", u.LastName, n.LastName},
			} {
				if c.before != c.after {
					f.add(c.field, "Kept by "+u.IdentitySource+": change it there.")
				}
			}
		}
		if u.Version != version {
			return ErrConflict
		}
		rights, err := rightsOf(tx, t, u)
		if err != nil {
			return err
		}
		if err := checkActOn(ctx, u, rights, "edit"); err != nil {
			return err
		}
		if impersonating(ctx, u) && !strings.EqualFold(strings.TrimSpace(ch.Email), u.Email) {
			f.add("email", "Not while impersonating: "+u.Username+"'s own email stays theirs to change.")
		}
		var role Role
		if ch.RoleID == 0 {
			f.add("role", "Choose a role.")
		} else if err := tx.Where("id = ?", ch.RoleID).Take(&role).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			f.add("role", "Choose one of this tenant's roles.")
		} else if err != nil {
			return err
		}
		if err := f.err(); err != nil {
			return err
		}
		if isSelf(ctx, u) && (u.RoleID == nil || *u.RoleID != role.ID) {
			return denied("role", "You cannot change your own role: another administrator does it.")
		}
		if err := checkGrant(ctx, "role", givesIn(role.Permissions, u.Cap, u.Capped)); err != nil {
			return err
		}
		if u.RoleID == nil || *u.RoleID != role.ID {
			last, roles, err := lastAdmin(tx, t, u)
			if err != nil {
				return err
			}
			if last && !roles[role.ID] {
				return &ValidationError{Fields: map[string]string{"role": lastAdminMessage(t, u, "given a role without full rights on users and roles")}}
			}
		}
		// Only a changed name is checked against the others: a pair that
		// looked alike before the check existed stays editable.
		changedUsername, changedEmail := n.Username, n.Email
		if changedUsername == u.Username {
			changedUsername = ""
		}
		if changedEmail == u.Email {
			changedEmail = ""
		}
		if err := identityClashes(tx, changedUsername, changedEmail, u.ID); err != nil {
			return err
		}
		res := tx.Model(&User{}).Where("id = ? AND version = ?", u.ID, version).Updates(map[string]any{
			"username": n.Username, "email": n.Email, "first_name": n.FirstName, "last_name": n.LastName,
			"username_skeleton": nameSkeleton(n.Username), "email_skeleton": nameSkeleton(n.Email),
			"role_id": role.ID, "updated_at": s.now(), "version": gorm.Expr("version + 1"),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		before := *u
		beforeRole := ""
		if u.Role != nil {
			beforeRole = u.Role.Name
		}
		u.Username, u.Email, u.FirstName, u.LastName, u.RoleID, u.Role, u.Version = n.Username, n.Email, n.FirstName, n.LastName, &role.ID, &role, version+1
		return s.recordUser(tx, t, Event{Action: ActionUserUpdate, TargetType: "user", TargetID: u.Username, Outcome: OutcomeSuccess,
			Details: changeDetails(change{"username", before.Username, u.Username}, change{"email", before.Email, u.Email},
				change{"first_name", before.FirstName, u.FirstName}, change{"last_name", before.LastName, u.LastName},
				change{"role", beforeRole, role.Name})})
	})
	if err != nil {
		err = s.recordDeniedHere(ctx, err, Event{Action: ActionUserUpdate, TargetType: "user", TargetID: targetName(u, id)})
		return nil, s.clashAfter(ctx, err, ch.Username, ch.Email, id)
	}
	return u, nil
}

// SetUserEnabled enables or disables a user of the context's tenant. Either way
// the user's session version moves on, so open sessions end at once. The
// tenant's last full-rights admin cannot be disabled.
func (s *Store) SetUserEnabled(ctx context.Context, userID uint64, enabled bool) error {
	if _, err := userAdmin(ctx, LevelFull); err != nil {
		return err
	}
	action := ActionUserDisable
	if enabled {
		action = ActionUserEnable
	}
	var u *User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := s.lockUsers(tx)
		if err != nil {
			return err
		}
		if u, err = takeUser(tx, userID); err != nil {
			return err
		}
		verb := "disable"
		if enabled {
			verb = "enable"
		}
		if isSelf(ctx, u) {
			return denied("", "You cannot "+verb+" your own account: another administrator does it.")
		}
		rights, err := rightsOf(tx, t, u)
		if err != nil {
			return err
		}
		if err := checkActOn(ctx, u, rights, verb); err != nil {
			return err
		}
		if !enabled {
			last, _, err := lastAdmin(tx, t, u)
			if err != nil {
				return err
			}
			if last {
				return &ValidationError{Fields: map[string]string{"": lastAdminMessage(t, u, "disabled")}}
			}
		}
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
			"enabled": enabled, "updated_at": s.now(),
			"session_version": gorm.Expr("session_version + 1"), "version": gorm.Expr("version + 1"),
		}).Error; err != nil {
			return err
		}
		if !enabled {
			// Their sessions end with the session version; the record of a
			// running impersonation of them ends too, and says why.
			var open []Impersonation
			if err := tx.Where("user_id = ? AND ended_at IS NULL", u.ID).Find(&open).Error; err != nil {
				return err
			}
			for i := range open {
				if err := s.endImpersonation(tx, &open[i], "the user was disabled"); err != nil {
					return err
				}
			}
		}
		return s.recordUser(tx, t, Event{Action: action, TargetType: "user", TargetID: u.Username, Outcome: OutcomeSuccess,
			Details: changeDetails(change{"enabled", u.Enabled, enabled})})
	})
	return s.recordDeniedHere(ctx, err, Event{Action: action, TargetType: "user", TargetID: targetName(u, userID)})
}

// DeleteUser removes a user of the context's tenant, with their sessions and
// pending sign-in handoffs. confirm is what the person typed to confirm: it
// must be the username. The tenant's last full-rights admin cannot be deleted.
func (s *Store) DeleteUser(ctx context.Context, userID uint64, confirm string) error {
	if _, err := userAdmin(ctx, LevelFull); err != nil {
		return err
	}
	var u *User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := s.lockUsers(tx)
		if err != nil {
			return err
		}
		if u, err = takeUser(tx, userID); err != nil {
			return err
		}
		if isSelf(ctx, u) {
			return denied("", "You cannot delete your own account: another administrator does it.")
		}
		rights, err := rightsOf(tx, t, u)
		if err != nil {
			return err
		}
		if err := checkActOn(ctx, u, rights, "delete"); err != nil {
			return err
		}
		if strings.TrimSpace(confirm) != u.Username {
			return &ValidationError{Fields: map[string]string{"confirm": "Type the username, " + u.Username + ", exactly as shown."}}
		}
		last, _, err := lastAdmin(tx, t, u)
		if err != nil {
			return err
		}
		if last {
			return &ValidationError{Fields: map[string]string{"": lastAdminMessage(t, u, "deleted")}}
		}
		if err := tx.Where("id = ?", u.ID).Delete(&User{}).Error; err != nil {
			return err
		}
		role := ""
		if u.Role != nil {
			role = u.Role.Name
		}
		return s.recordUser(tx, t, Event{Action: ActionUserDelete, TargetType: "user", TargetID: u.Username, Outcome: OutcomeSuccess,
			Details: changeDetails(change{"username", u.Username, ""}, change{"email", u.Email, ""},
				change{"first_name", u.FirstName, ""}, change{"last_name", u.LastName, ""}, change{"role", role, ""})})
	})
	return s.recordDeniedHere(ctx, err, Event{Action: ActionUserDelete, TargetType: "user", TargetID: targetName(u, userID)})
}

// SetUserPassword gives a local user of the context's tenant a new password
// (PasswordRule) and ends their open sessions (the session version moves
// on). A user of an external identity source has no password here: refused.
// When the master sets it in a subtenant, both tenants' logs record it.
func (s *Store) SetUserPassword(ctx context.Context, userID uint64, password string) error {
	if _, err := userAdmin(ctx, LevelFull); err != nil {
		return err
	}
	if len(password) > MaxPasswordLength {
		return &ValidationError{Fields: map[string]string{"password": PasswordProblem(password, "", "")}}
	}
	// Hashed before the transaction, which then holds no connection for it
	// (SQLite has only one).
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	var u *User
	err = s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := s.lockUsers(tx)
		if err != nil {
			return err
		}
		if u, err = takeUser(tx, userID); err != nil {
			return err
		}
		rights, err := rightsOf(tx, t, u)
		if err != nil {
			return err
		}
		if err := checkActOn(ctx, u, rights, "set the password of"); err != nil {
			return err
		}
		if u.IdentitySource != "local" {
			return &ValidationError{Fields: map[string]string{"password": u.Username + " signs in through " + u.IdentitySource + ": no password is kept here."}}
		}
		if impersonating(ctx, u) {
			return &ValidationError{Fields: map[string]string{"password": "Not while impersonating: " + u.Username + "'s password stays theirs to change."}}
		}
		if msg := PasswordProblem(password, u.Username, u.Email); msg != "" {
			return &ValidationError{Fields: map[string]string{"password": msg}}
		}
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
			"password_hash": hash, "updated_at": s.now(),
			"session_version": gorm.Expr("session_version + 1"), "version": gorm.Expr("version + 1"),
		}).Error; err != nil {
			return err
		}
		return s.recordUser(tx, t, Event{Action: ActionUserPasswordReset, TargetType: "user", TargetID: u.Username, Outcome: OutcomeSuccess,
			Details: `{"sessions_ended":true}`})
	})
	return s.recordDeniedHere(ctx, err, Event{Action: ActionUserPasswordReset, TargetType: "user", TargetID: targetName(u, userID)})
}

// impersonating says whether the context's actor is a master user acting as
// u: their password and email, the keys to their account, stay theirs.
func impersonating(ctx context.Context, u *User) bool {
	a, ok := ActorFrom(ctx)
	return ok && a.Impersonator != nil && a.UserID == u.ID && a.TenantID == u.TenantID
}
