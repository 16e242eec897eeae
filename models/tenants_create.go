package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/secure/precis"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The master's administration of tenants: create (with an initial admin)
// here, read and delete in tenants_detail.go, edit every detail in
// tenants_edit.go. Each change is one transaction with its audit event in
// the master's log.

// MaxTenantLimit is the highest user or resource limit a tenant may have. A
// limit of 0 is no limit.
const MaxTenantLimit = 1_000_000_000

// Lengths of a tenant's optional account fields, in bytes.
const (
	maxAccountNumber  = 64
	maxAccountName    = 200
	maxCustomerNumber = 64
)

// NewTenantAdmin is a new tenant's first user, who gets its Administrator role.
type NewTenantAdmin struct {
	Username, Email, Password string
}

// NewTenant is what creating a tenant needs. The field names of its
// validation messages are the create form's: subdomain, name, description,
// tenant_role, currency, max_users, max_resources, account_number,
// account_name, customer_number, admin_username, admin_email, admin_password.
type NewTenant struct {
	Subdomain   string
	Name        string
	Description string
	// TenantRoleID is the tenant role capping the tenant's users; 0 gives the
	// default one (the install's first, "Standard").
	TenantRoleID uint64
	Currency     string // an ISO 4217 code of Currencies; "" is DefaultCurrency
	MaxUsers     int    // 0: no limit
	MaxResources int    // 0: no limit
	AccountNumber,
	AccountName,
	CustomerNumber string
	Admin *NewTenantAdmin // nil: the tenant starts without users
}

func (n *NewTenant) normalize() {
	n.Subdomain = strings.ToLower(strings.TrimSpace(n.Subdomain))
	n.Name, n.Description = strings.TrimSpace(n.Name), strings.TrimSpace(n.Description)
	n.Currency = strings.ToUpper(strings.TrimSpace(n.Currency))
	if n.Currency == "" {
		n.Currency = DefaultCurrency
	}
	n.AccountNumber, n.AccountName = strings.TrimSpace(n.AccountNumber), strings.TrimSpace(n.AccountName)
	n.CustomerNumber = strings.TrimSpace(n.CustomerNumber)
	if n.Admin != nil {
		a := *n.Admin
		a.Username, a.Email = strings.TrimSpace(a.Username), strings.TrimSpace(a.Email)
		// Stored as PRECIS gives it (checkUsername), when it is valid at all.
		if u, err := precis.UsernameCasePreserved.String(a.Username); err == nil {
			a.Username = u
		}
		n.Admin = &a
	}
}

// CheckDetails checks the subdomain, name, description and currency; nil
// when they are fine. It does not look the subdomain up (SubdomainTaken does)
// nor the tenant role (CreateTenant does).
func (n NewTenant) CheckDetails() map[string]string {
	n.normalize()
	f := fieldErrors{}
	if err := CheckSubdomain(n.Subdomain); err != nil {
		f.add("subdomain", err.Error())
	}
	checkFreeText(f, "name", "This name", n.Name, 200)
	if n.Name == "" {
		f.add("name", "Enter a name.")
	}
	checkFreeText(f, "description", "This description", n.Description, 2000)
	checkCurrency(f, n.Currency, "")
	return f.messages()
}

// CheckLimits checks the user and resource limits.
func (n NewTenant) CheckLimits() map[string]string {
	f := fieldErrors{}
	checkLimit(f, "max_users", n.MaxUsers)
	checkLimit(f, "max_resources", n.MaxResources)
	return f.messages()
}

// CheckAccount checks the optional account number, account name and customer number.
func (n NewTenant) CheckAccount() map[string]string {
	n.normalize()
	f := fieldErrors{}
	checkAccount(f, n.AccountNumber, n.AccountName, n.CustomerNumber)
	return f.messages()
}

// CheckAdmin checks the initial admin, if there is one: a username, an email
// address and a password long enough.
func (n NewTenant) CheckAdmin() map[string]string {
	n.normalize()
	if n.Admin == nil {
		return nil
	}
	a := n.Admin
	f := fieldErrors{}
	checkUsername(f, "admin_username", a.Username)
	checkEmail(f, "admin_email", a.Email, true)
	// A new tenant has no other user to look like.
	mixedSignInName(f, "admin_username", "This username", a.Username)
	mixedSignInName(f, "admin_email", "This email address", a.Email)
	if len(a.Password) < MinPasswordLength {
		f.add("admin_password", fmt.Sprintf("Use at least %d characters.", MinPasswordLength))
	} else if len(a.Password) > MaxPasswordLength {
		f.add("admin_password", fmt.Sprintf("Use at most %d characters.", MaxPasswordLength))
	}
	return f.messages()
}

func (n NewTenant) validate() error {
	f := fieldErrors{}
	for _, check := range []func() map[string]string{n.CheckDetails, n.CheckLimits, n.CheckAccount, n.CheckAdmin} {
		for k, v := range check() {
			f.add(k, v)
		}
	}
	return f.err()
}

func checkCurrency(f fieldErrors, code, current string) {
	if _, ok := CurrencyName(code); !ok && code != current {
		f.add("currency", "Choose a currency from the list.")
	}
}

func checkLimit(f fieldErrors, field string, v int) {
	if v < 0 || v > MaxTenantLimit {
		f.add(field, fmt.Sprintf("Enter a whole number from 0 to %d (0: no limit).", MaxTenantLimit))
	}
}

func checkAccount(f fieldErrors, number, name, customer string) {
	f.text("account_number", number, "", maxAccountNumber)
	f.text("account_name", name, "", maxAccountName)
	f.text("customer_number", customer, "", maxCustomerNumber)
}

// messages is f, or nil when empty.
func (f fieldErrors) messages() map[string]string {
	if len(f) == 0 {
		return nil
	}
	return f
}

// SubdomainTaken says whether a tenant has this subdomain (any case), so a
// form can say so before the commit, which checks again.
func (s *Store) SubdomainTaken(ctx context.Context, subdomain string) (bool, error) {
	_, err := s.TenantBySubdomain(ctx, strings.TrimSpace(subdomain))
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// TenantRoleChoices lists the tenant roles a tenant may be given, by name,
// and the one a tenant gets when none is named. Master-tenant users with
// tenants: read (the tenant forms), whatever their rights on roles.
func (s *Store) TenantRoleChoices(ctx context.Context) ([]TenantRole, uint64, error) {
	if err := requireMaster(ctx, FeatureTenants, LevelRead); err != nil {
		return nil, 0, err
	}
	var (
		roles []TenantRole
		def   uint64
	)
	err := s.tx(AcrossTenants(ctx, "the tenant roles a tenant may be given"), func(tx *gorm.DB) error {
		if err := tx.Order("lower(name), id").Find(&roles).Error; err != nil {
			return err
		}
		if len(roles) == 0 {
			return nil
		}
		var err error
		def, err = s.defaultTenantRole(tx)
		return err
	})
	return roles, def, err
}

// tenantRoleFor finds the tenant role id names (0: the default one) inside
// tx. On PostgreSQL the row is locked against a concurrent delete, which
// locks it to count its tenants, until tx ends.
func (s *Store) tenantRoleFor(tx *gorm.DB, id uint64) (*TenantRole, error) {
	if id == 0 {
		def, err := s.defaultTenantRole(tx)
		if err != nil {
			return nil, err
		}
		id = def
	}
	q := tx
	if s.postgres {
		q = q.Clauses(clause.Locking{Strength: "SHARE"})
	}
	var tr TenantRole
	err := q.Where("id = ?", id).Take(&tr).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, &ValidationError{Fields: map[string]string{"tenant_role": "Choose one of the tenant roles."}}
	}
	return &tr, err
}

// CreateTenant creates a subtenant in one transaction: the tenant, its
// full-rights Administrator role, linked copies of the master's role
// templates, the initial admin (if any) with the Administrator role, and the
// audit events (tenant.create with the details in the master's log,
// user.create in the new tenant's). Anything refused on the way leaves
// nothing behind. A subdomain taken meanwhile, by a concurrent create too,
// is a ValidationError on "subdomain".
func (s *Store) CreateTenant(ctx context.Context, n NewTenant) (*Tenant, error) {
	n.normalize()
	if err := n.validate(); err != nil {
		return nil, err
	}
	master, err := s.masterActing(ctx, FeatureTenants, LevelFull)
	if err != nil {
		return nil, err
	}
	// The ~30 ms hash runs before the transaction, which it would hold open.
	hash := ""
	if n.Admin != nil {
		if hash, err = HashPassword(n.Admin.Password); err != nil {
			return nil, err
		}
	}
	now := s.now()
	t := &Tenant{Subdomain: n.Subdomain, Name: n.Name, Description: n.Description, Currency: n.Currency,
		MaxUsers: n.MaxUsers, MaxResources: n.MaxResources, AccountNumber: n.AccountNumber, AccountName: n.AccountName,
		CustomerNumber: n.CustomerNumber, Enabled: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	taken := &ValidationError{Fields: map[string]string{"subdomain": "That subdomain is taken."}}
	err = s.tx(AcrossTenants(ctx, "create a tenant, its admin role and its initial admin"), func(tx *gorm.DB) error {
		tr, err := s.tenantRoleFor(tx, n.TenantRoleID)
		if err != nil {
			return err
		}
		t.TenantRoleID = &tr.ID
		if n.Admin != nil {
			if err := checkGrant(ctx, "admin", FullPermissions().Capped(tr.Permissions)); err != nil {
				return err
			}
		}
		var exists int64
		if err := tx.Model(&Tenant{}).Where("subdomain = ?", t.Subdomain).Count(&exists).Error; err != nil {
			return err
		}
		if exists > 0 {
			return taken
		}
		// A create that passed the same check at the same moment meets the
		// unique index here: the later of the two waits for the earlier and fails.
		if err := tx.Create(t).Error; err != nil {
			if isUniqueViolation(err) {
				return taken
			}
			return err
		}
		role := &Role{TenantID: t.ID, Name: AdminRoleName, Description: "Full rights in this tenant.", Permissions: FullPermissions(), Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(role).Error; err != nil {
			return err
		}
		if err := s.seedTemplates(tx, t.ID); err != nil {
			return err
		}
		details := map[string]any{
			"subdomain": t.Subdomain, "name": t.Name, "description": t.Description, "tenant_role": tr.Name,
			"currency": t.Currency, "max_users": t.MaxUsers, "max_resources": t.MaxResources,
			"account_number": t.AccountNumber, "account_name": t.AccountName, "customer_number": t.CustomerNumber,
			"initial_admin": nil,
		}
		if n.Admin != nil {
			u := &User{TenantID: t.ID, Username: n.Admin.Username, Email: n.Admin.Email, RoleID: &role.ID, Enabled: true,
				PasswordHash: hash, IdentitySource: "local", SessionVersion: 1, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(u).Error; err != nil {
				return err
			}
			if err := s.record(tx, t.ID, Event{Action: ActionUserCreate, TargetType: "user", TargetID: u.Username, Outcome: OutcomeSuccess,
				Details: jsonDetails(map[string]any{"role": AdminRoleName, "email": u.Email, "initial_admin": true})}); err != nil {
				return err
			}
			details["initial_admin"] = u.Username
		}
		return s.record(tx, master.ID, Event{Action: ActionTenantCreate, TargetType: "tenant", TargetID: t.Subdomain, Outcome: OutcomeSuccess,
			Details: jsonDetails(details)})
	})
	if err != nil {
		return nil, s.recordDeniedHere(ctx, err, Event{Action: ActionTenantCreate, TargetType: "tenant", TargetID: n.Subdomain})
	}
	return t, nil
}
