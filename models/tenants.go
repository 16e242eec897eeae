package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MasterSubdomain is the key of the master tenant, served on the base domain.
const MasterSubdomain = "master"

// Tenant is one isolated customer of the console. The tenants table is the
// registry every host is resolved against, so it is not itself tenant-owned.
type Tenant struct {
	ID             uint64 `gorm:"primaryKey"`
	Subdomain      string
	Name           string
	Description    string
	TenantRoleID   *uint64
	Currency       string
	AccountNumber  string
	AccountName    string
	CustomerNumber string
	Enabled        bool
	IsMaster       bool
	MaxUsers       int
	MaxResources   int
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// AuditHead is the id of the tenant's latest audit event as the
	// request's session check read it (0: not read): every change in a
	// tenant writes one, so it stamps what was read of the tenant.
	AuditHead uint64 `gorm:"-"`
}

// reservedSubdomains cannot be tenant keys: they name the console's own hosts.
var reservedSubdomains = map[string]bool{
	"www": true, "api": true, "static": true, "admin": true, "login": true, "logout": true,
	"auth": true, "app": true, "mail": true, "smtp": true, "ftp": true, "localhost": true,
	"master": true, "root": true, "console": true, "status": true, "health": true, "assets": true,
	// "new" names the create page, /tenants/new, beside /tenants/<subdomain>.
	"new": true,
}

var subdomainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// CheckSubdomain says what is wrong with a tenant key, or nil if nothing is.
func CheckSubdomain(s string) error {
	switch {
	case s == "":
		return errors.New("Enter a subdomain.")
	case len(s) > 63:
		return errors.New("Use at most 63 characters.")
	case !subdomainPattern.MatchString(s):
		return errors.New("Use lowercase letters, digits and hyphens, not starting or ending with a hyphen.")
	case reservedSubdomains[s]:
		return fmt.Errorf("%q is reserved.", s)
	}
	return nil
}

// ensureMaster creates the master tenant on a fresh install.
func (s *Store) ensureMaster(ctx context.Context) error {
	return s.db.Tx(AcrossTenants(ctx, "create the master tenant at install"), func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Tenant{}).Where("is_master").Count(&n).Error; err != nil || n > 0 {
			return err
		}
		now := s.now()
		// Another process starting at once may make it first: its row stands.
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&Tenant{Subdomain: MasterSubdomain, Name: "Master", Currency: "USD", Enabled: true, IsMaster: true, Version: 1, CreatedAt: now, UpdatedAt: now}).Error
	})
}

// TenantBySubdomain finds an enabled or disabled tenant by its key. It is one
// statement outside any transaction: the registry is readable by everyone, and
// an anonymous page needs nothing else.
func (s *Store) TenantBySubdomain(ctx context.Context, subdomain string) (*Tenant, error) {
	subdomain = strings.ToLower(subdomain)
	if len(subdomain) > 63 || !subdomainPattern.MatchString(subdomain) {
		return nil, ErrNotFound // no key has that shape: nothing to ask the database
	}
	var t Tenant
	err := s.db.Registry(ctx).Where("subdomain = ?", subdomain).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &t, err
}

// MasterTenant returns the master tenant.
func (s *Store) MasterTenant(ctx context.Context) (*Tenant, error) {
	return s.TenantBySubdomain(ctx, MasterSubdomain)
}

// ListTenants returns every tenant, master first, then by subdomain.
func (s *Store) ListTenants(ctx context.Context) ([]Tenant, error) {
	var ts []Tenant
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		return tx.Order("is_master DESC, subdomain").Find(&ts).Error
	})
	return ts, err
}

// DisableReach is whom disabling a tenant reaches: its users, and those of
// them signed in now (impersonations included), whom it signs out.
type DisableReach struct {
	Users, SignedIn int64
}

// TenantDisablePreview is the tenant with this subdomain and whom disabling
// it reaches. Master-tenant users with tenants: full.
func (s *Store) TenantDisablePreview(ctx context.Context, subdomain string) (*Tenant, DisableReach, error) {
	var r DisableReach
	if err := requireMaster(ctx, FeatureTenants, LevelFull); err != nil {
		return nil, r, err
	}
	t, err := s.TenantBySubdomain(ctx, subdomain)
	if err != nil {
		return nil, r, err
	}
	err = s.db.Tx(AcrossTenants(ctx, "count whom disabling a tenant signs out"), func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("tenant_id = ?", t.ID).Count(&r.Users).Error; err != nil {
			return err
		}
		return tx.Model(&UserSession{}).Where("tenant_id = ? AND expires_at > ?", t.ID, s.now()).Distinct("user_id").Count(&r.SignedIn).Error
	})
	return t, r, err
}

// SetTenantEnabled enables or disables a subtenant. Disabling ends every session
// of its users and spends its pending login handoffs, in the same transaction:
// the per-request check refusing a disabled tenant is not enough, since
// enabling the tenant again would bring the old sessions back.
func (s *Store) SetTenantEnabled(ctx context.Context, subdomain string, enabled bool) error {
	t, err := s.TenantBySubdomain(ctx, subdomain)
	if err != nil {
		return err
	}
	if t.IsMaster && !enabled {
		return &ValidationError{Fields: map[string]string{"subdomain": "The master tenant cannot be disabled."}}
	}
	master, err := s.MasterTenant(ctx)
	if err != nil {
		return err
	}
	action := ActionTenantDisable
	if enabled {
		action = ActionTenantEnable
	}
	return s.db.Tx(AcrossTenants(ctx, "enable or disable a tenant"), func(tx *gorm.DB) error {
		if err := requireMaster(ctx, FeatureTenants, LevelFull); err != nil {
			return err
		}
		if err := tx.Model(&Tenant{}).Where("id = ?", t.ID).Updates(map[string]any{"enabled": enabled, "updated_at": s.now(), "version": gorm.Expr("version + 1")}).Error; err != nil {
			return err
		}
		details := ""
		if !enabled {
			ended := tx.Where("tenant_id = ?", t.ID).Delete(&UserSession{})
			if ended.Error != nil {
				return ended.Error
			}
			if err := tx.Where("tenant_id = ?", t.ID).Delete(&LoginHandoff{}).Error; err != nil {
				return err
			}
			if err := tx.Model(&Impersonation{}).Where("tenant_id = ? AND ended_at IS NULL", t.ID).
				Updates(map[string]any{"ended_at": s.now(), "end_reason": "the tenant was disabled"}).Error; err != nil {
				return err
			}
			details = jsonDetails(map[string]any{"sessions_ended": ended.RowsAffected})
		}
		return s.record(tx, master.ID, Event{Action: action, TargetType: "tenant", TargetID: t.Subdomain, Outcome: OutcomeSuccess, Details: details})
	})
}
