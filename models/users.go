package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// User belongs to exactly one tenant.
type User struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64
	Username string
	Email    string
	// The sign-in names' confusable skeletons (nameSkeleton), set on create.
	UsernameSkeleton string `json:"-"`
	EmailSkeleton    string `json:"-"`
	FirstName        string
	LastName         string
	RoleID           *uint64
	Role             *Role `gorm:"foreignKey:RoleID"`
	Enabled          bool
	PasswordHash     string `json:"-"`
	IdentitySource   string
	SessionVersion   int
	LastLoginAt      *time.Time
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
	// Cap is the tenant role's cap on what the role grants, loaded with the
	// user where rights are checked; Capped is false in the master tenant only.
	Cap    Permissions `gorm:"-"`
	Capped bool        `gorm:"-"`
	// Impersonation is set when a master user is acting as this user in the
	// session at hand.
	Impersonation *Impersonation `gorm:"-"`
}

// DisplayName is the user's full name, or the username when none is set.
func (u *User) DisplayName() string {
	if n := strings.TrimSpace(u.FirstName + " " + u.LastName); n != "" {
		return n
	}
	return u.Username
}

// Level is the user's effective level on feature f in the session at hand:
// their own (OwnLevel), and while a master user impersonates them, no more
// than the impersonator's own.
func (u *User) Level(f Feature) Level {
	l := u.OwnLevel(f)
	if u.Impersonation != nil {
		l = min(l, u.Impersonation.ImpersonatorRights.Level(f))
	}
	return l
}

// OwnLevel is the user's own effective level on feature f: what the role
// grants, capped by the tenant role in a subtenant, whoever is acting as them.
func (u *User) OwnLevel(f Feature) Level {
	// Asked many times a page (the navigation alone asks per feature), so it
	// reads the two levels rather than building the capped set.
	var l Level
	if u.Role != nil {
		l = u.Role.Permissions.Level(f)
	}
	if u.Capped {
		l = min(l, u.Cap.Level(f))
	}
	return l
}

// Permissions is what the user may do in the session at hand: what the role
// grants (none without a role), capped by the tenant role in a subtenant,
// and while impersonated, by the impersonator's own rights too.
func (u *User) Permissions() Permissions {
	p := Permissions{}
	if u.Role != nil {
		p = u.Role.Permissions
	}
	if u.Capped {
		p = p.Capped(u.Cap)
	}
	if u.Impersonation != nil {
		p = p.Capped(u.Impersonation.ImpersonatorRights)
	}
	return p
}

// NewUser is what creating a user needs.
type NewUser struct {
	Username, Email, FirstName, LastName string
	Password                             string
	RoleID                               uint64
}

// identity checks the fields that name the user and puts them in the form
// they are stored in: the username (required; no spaces or backslashes,
// which the sign-in form gives meanings of their own; PRECIS, checkUsername),
// an optional email address, and the names (checkDisplayName). None may
// hold a hidden character, nor a sign-in name a word mixing alphabets.
func (n *NewUser) identity() fieldErrors {
	n.Username, n.Email = strings.TrimSpace(n.Username), strings.TrimSpace(n.Email)
	n.FirstName, n.LastName = strings.TrimSpace(n.FirstName), strings.TrimSpace(n.LastName)
	f := fieldErrors{}
	n.Username = checkUsername(f, "username", n.Username)
	checkEmail(f, "email", n.Email, false)
	n.FirstName = checkDisplayName(f, "first_name", "This name", n.FirstName, "", 100)
	n.LastName = checkDisplayName(f, "last_name", "This name", n.LastName, "", 100)
	return f
}

func (n *NewUser) validate() error {
	f := n.identity()
	if msg := PasswordProblem(n.Password, n.Username, n.Email); msg != "" {
		f.add("password", msg)
	}
	if n.RoleID == 0 {
		f.add("role", "Choose a role.")
	}
	return f.err()
}

// CreateUser adds a local user to the context's tenant, with a role of that
// tenant. Usernames and emails are unique per tenant, whatever their case, and
// neither may be another user's sign-in name of the other kind. The tenant's
// user limit (tenants.max_users, 0 for none) is checked under the tenant's
// user lock (lockUsers), so concurrent creates cannot pass it together. A
// master actor may create a user in another tenant (see ManagedTenant); the
// event is then in both tenants' logs.
func (s *Store) CreateUser(ctx context.Context, n NewUser) (*User, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	if _, err := userAdmin(ctx, LevelFull); err != nil {
		return nil, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	now := s.now()
	u := &User{Username: n.Username, Email: n.Email, FirstName: n.FirstName, LastName: n.LastName, RoleID: &n.RoleID,
		Enabled: true, PasswordHash: hash, IdentitySource: "local", SessionVersion: 1, Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		t, users, err := s.lockUsers(tx)
		if err != nil {
			return err
		}
		if t.MaxUsers > 0 && users >= int64(t.MaxUsers) {
			return &ValidationError{Fields: map[string]string{"": LimitMessage(t)}}
		}
		// The role is looked up in this tenant only, so another tenant's role id is "no such role".
		var role Role
		if err := tx.Where("id = ?", *u.RoleID).Take(&role).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return &ValidationError{Fields: map[string]string{"role": "Choose one of this tenant's roles."}}
			}
			return err
		}
		gives, err := rightsOf(tx, t, &User{Role: &role})
		if err != nil {
			return err
		}
		if err := checkGrant(ctx, "role", gives); err != nil {
			return err
		}
		if err := identityClashes(tx, u.Username, u.Email, 0); err != nil {
			return err
		}
		if err := tx.Create(u).Error; err != nil {
			return err
		}
		return s.recordUser(tx, t, Event{Action: ActionUserCreate, TargetType: "user", TargetID: u.Username, Outcome: OutcomeSuccess,
			Details: changeDetails(change{"username", "", u.Username}, change{"email", "", u.Email},
				change{"first_name", "", u.FirstName}, change{"last_name", "", u.LastName}, change{"role", "", role.Name})})
	})
	if err != nil {
		err = s.recordDeniedHere(ctx, err, Event{Action: ActionUserCreate, TargetType: "user", TargetID: u.Username})
		return nil, s.clashAfter(ctx, err, u.Username, u.Email, 0)
	}
	return u, nil
}

// SetAdminPassword creates or resets a full-rights admin of the tenant with this
// subdomain, who logs in with the email. The user and the role are created if
// missing; a reset also ends the admin's open sessions.
func (s *Store) SetAdminPassword(ctx context.Context, subdomain, email, password string) (*User, error) {
	email = strings.TrimSpace(email)
	f := fieldErrors{}
	checkEmail(f, "email", email, true)
	if len(password) < MinPasswordLength {
		f.add("password", fmt.Sprintf("Use at least %d characters.", MinPasswordLength))
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	t, err := s.TenantBySubdomain(ctx, subdomain)
	if err != nil {
		return nil, fmt.Errorf("tenant %q: %w", subdomain, err)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	var u User
	err = s.inTenant(ctx, t.ID, func(tx *gorm.DB) error {
		now := s.now()
		var role Role
		err := tx.Where("lower(name) = lower(?)", AdminRoleName).Take(&role).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			role = Role{Name: AdminRoleName, Description: "Full rights in this tenant.", Permissions: FullPermissions(), Version: 1, CreatedAt: now, UpdatedAt: now}
			err = tx.Create(&role).Error
		} else if err == nil {
			err = tx.Model(&role).Updates(map[string]any{"permissions": FullPermissions(), "updated_at": now}).Error
		}
		if err != nil {
			return err
		}
		err = tx.Where("lower(email) = lower(?) OR lower(username) = lower(?)", email, email).Take(&u).Error
		action := ActionUserPasswordReset
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			// A new admin signs in with the email: not one that looks like another user's.
			f := fieldErrors{}
			if err := lookAlikeUsers(tx, f, "", email, 0); err != nil {
				return err
			}
			if err := f.err(); err != nil {
				return err
			}
			u = User{Username: email, Email: email, RoleID: &role.ID, Enabled: true, PasswordHash: hash,
				IdentitySource: "local", SessionVersion: 1, Version: 1, CreatedAt: now, UpdatedAt: now}
			action = ActionUserCreate
			err = tx.Create(&u).Error
		case err == nil:
			err = tx.Model(&u).Updates(map[string]any{
				"password_hash": hash, "role_id": role.ID, "enabled": true, "updated_at": now,
				"session_version": gorm.Expr("session_version + 1"), "version": gorm.Expr("version + 1"),
			}).Error
		}
		if err != nil {
			return err
		}
		return s.record(tx, t.ID, Event{Action: action, TargetType: "user", TargetID: u.Username, Outcome: OutcomeSuccess, Details: "admin set from the command line"})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// MasterHasAdmin says whether someone can sign in to the master console and
// administer it: an enabled user of the master tenant with a password here
// and a role that makes a full-rights admin (IsFullRightsAdmin). A fresh
// install has none until set-admin-password makes one.
func (s *Store) MasterHasAdmin(ctx context.Context) (bool, error) {
	t, err := s.TenantBySubdomain(ctx, MasterSubdomain)
	if err != nil {
		return false, fmt.Errorf("master tenant: %w", err)
	}
	var n int64
	err = s.inTenant(ctx, t.ID, func(tx *gorm.DB) error {
		roles, err := adminRoles(tx, t)
		if err != nil || len(roles) == 0 {
			return err
		}
		ids := make([]uint64, 0, len(roles))
		for id := range roles {
			ids = append(ids, id)
		}
		return tx.Model(&User{}).Where("enabled AND password_hash <> '' AND role_id IN ?", ids).Limit(1).Count(&n).Error
	})
	return n > 0, err
}

// authenticate checks a login in tenant t, reached as tenantKey; t nil means
// the tenant named at login does not exist. The attempt is first counted
// against the account it resolves to and the client's address, and refused
// with ErrTooManyAttempts, without a password check, when either has failed
// too often lately. Every other failure returns ErrInvalidCredentials after
// the same password-hash work. Both are recorded in the audit log (the
// master's when the tenant is unknown).
func (s *Store) authenticate(ctx context.Context, t *Tenant, tenantKey, login, password string) (*User, error) {
	login = strings.TrimSpace(login)
	logTenant := uint64(0)
	if t != nil {
		logTenant = t.ID
	} else {
		m, err := s.MasterTenant(ctx)
		if err != nil {
			return nil, err
		}
		logTenant = m.ID
	}
	if err := s.forgetOldFailures(ctx); err != nil {
		return nil, err
	}
	var (
		u       User
		found   bool
		account throttleKey
		address *throttleKey
		allowed bool
	)
	err := s.inTenant(ctx, logTenant, func(tx *gorm.DB) error {
		// A login no user can have (NUL, invalid UTF-8) is an unknown user,
		// not a question for the database.
		if t != nil && login != "" && utf8.ValidString(login) && !strings.ContainsRune(login, 0) {
			err := tx.Preload("Role").Where("lower(username) = lower(?) OR (email <> '' AND lower(email) = lower(?))", login, login).
				Order("id").Take(&u).Error
			found = err == nil
			if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		if found {
			account = accountKey(t, tenantKey, &u, login)
		} else {
			account = accountKey(t, tenantKey, nil, login)
		}
		keys := []throttleKey{account}
		if client, _ := ctx.Value(clientKey{}).(Client); client.IP != "" {
			k := addressKey(client.IP)
			address, keys = &k, append(keys, k)
		}
		var err error
		if allowed, err = s.reserveAttempt(tx, keys); err != nil || allowed {
			return err
		}
		return s.record(tx, logTenant, loginEvent(login, found, &u, "too many failed sign-ins"))
	})
	if err != nil {
		return nil, err
	}
	if !allowed {
		return nil, ErrTooManyAttempts
	}
	// The ~30 ms hash runs between two short transactions rather than inside one,
	// so it holds no database connection (SQLite has only one).
	hash := dummyHash
	if found && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	passwordOK := CheckPassword(hash, password) && found && u.PasswordHash != ""
	ok := passwordOK && t != nil && t.Enabled && u.Enabled && u.IdentitySource == "local"

	reason := ""
	if !ok {
		reason = failureReason(t, found, passwordOK, &u)
	}
	err = s.inTenant(ctx, logTenant, func(tx *gorm.DB) error {
		if ok {
			now := s.now()
			if err := tx.Model(&u).UpdateColumn("last_login_at", now).Error; err != nil {
				return err
			}
			u.LastLoginAt = &now
			if err := s.releaseAttempt(tx, account, address); err != nil {
				return err
			}
		}
		return s.record(tx, logTenant, loginEvent(login, found, &u, reason))
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrInvalidCredentials
	}
	return &u, nil
}

// loginEvent is the audit event of a login as typed: a success when failure
// is empty, else a failure for that reason.
func loginEvent(login string, found bool, u *User, failure string) Event {
	e := Event{ActorName: truncate(login, 200), Action: ActionLogin, TargetType: "user", TargetID: truncate(login, 200), Outcome: OutcomeSuccess}
	if found {
		id := u.ID
		e.ActorUserID, e.ActorName, e.TargetID = &id, u.Username, u.Username
	}
	if failure != "" {
		e.Action, e.Outcome, e.Details = ActionLoginFailed, OutcomeFailure, failure
	}
	return e
}

// failureReason is for the audit log only; the person sees one message for all.
func failureReason(t *Tenant, found, passwordOK bool, u *User) string {
	switch {
	case t == nil:
		return "unknown tenant"
	case !found:
		return "unknown user"
	case !passwordOK:
		return "wrong password"
	case !t.Enabled:
		return "tenant disabled"
	case !u.Enabled:
		return "user disabled"
	}
	return "external identity"
}

// RecordLogout writes the logout event into the context's tenant's log.
func (s *Store) RecordLogout(ctx context.Context, u *User) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		id := u.ID
		return s.record(tx, u.TenantID, Event{ActorUserID: &id, ActorName: u.Username, Action: ActionLogout, TargetType: "user", TargetID: u.Username, Outcome: OutcomeSuccess})
	})
}
