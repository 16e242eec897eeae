package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
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
}

// reservedSubdomains cannot be tenant keys: they name the console's own hosts.
var reservedSubdomains = map[string]bool{
	"www": true, "api": true, "static": true, "admin": true, "login": true, "logout": true,
	"auth": true, "app": true, "mail": true, "smtp": true, "ftp": true, "localhost": true,
	"master": true, "root": true, "console": true, "status": true, "health": true, "assets": true,
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

// NewTenant is what creating a tenant needs.
type NewTenant struct {
	Subdomain string
	Name      string
}

func (n NewTenant) validate() error {
	f := fieldErrors{}
	if err := CheckSubdomain(n.Subdomain); err != nil {
		f.add("subdomain", err.Error())
	}
	f.text("name", strings.TrimSpace(n.Name), "Enter a name.", 200)
	return f.err()
}

// ensureMaster creates the master tenant on a fresh install.
func (s *Store) ensureMaster(ctx context.Context) error {
	return s.tx(AcrossTenants(ctx, "create the master tenant at install"), func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Tenant{}).Where("is_master").Count(&n).Error; err != nil || n > 0 {
			return err
		}
		now := s.now()
		return tx.Create(&Tenant{Subdomain: MasterSubdomain, Name: "Master", Currency: "USD", Enabled: true, IsMaster: true, Version: 1, CreatedAt: now, UpdatedAt: now}).Error
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
	err := s.db.WithContext(ctx).Where("subdomain = ?", subdomain).Take(&t).Error
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
	err := s.tx(ctx, func(tx *gorm.DB) error {
		return tx.Order("is_master DESC, subdomain").Find(&ts).Error
	})
	return ts, err
}

// CreateTenant creates a subtenant with a full-rights "Administrator" role, and
// records it in the master tenant's audit log.
func (s *Store) CreateTenant(ctx context.Context, n NewTenant) (*Tenant, error) {
	n.Subdomain = strings.ToLower(strings.TrimSpace(n.Subdomain))
	n.Name = strings.TrimSpace(n.Name)
	if err := n.validate(); err != nil {
		return nil, err
	}
	master, err := s.MasterTenant(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	t := &Tenant{Subdomain: n.Subdomain, Name: n.Name, Currency: "USD", Enabled: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.tx(AcrossTenants(ctx, "create a tenant and seed its admin role"), func(tx *gorm.DB) error {
		if err := requireMaster(ctx, FeatureTenants, LevelFull); err != nil {
			return err
		}
		if t.TenantRoleID == nil {
			id, err := s.defaultTenantRole(tx)
			if err != nil {
				return err
			}
			t.TenantRoleID = &id
		}
		if err := tx.Create(t).Error; err != nil {
			if isUniqueViolation(err) {
				return &ValidationError{Fields: map[string]string{"subdomain": "That subdomain is taken."}}
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
		return s.record(tx, master.ID, Event{Action: ActionTenantCreate, TargetType: "tenant", TargetID: t.Subdomain, Outcome: OutcomeSuccess})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
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
	return s.tx(AcrossTenants(ctx, "enable or disable a tenant"), func(tx *gorm.DB) error {
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
			details = fmt.Sprintf("%d sessions ended", ended.RowsAffected)
		}
		return s.record(tx, master.ID, Event{Action: action, TargetType: "tenant", TargetID: t.Subdomain, Outcome: OutcomeSuccess, Details: details})
	})
}

// TenantChanges is what editing a tenant's details may change.
type TenantChanges struct {
	Name        string
	Description string
}

// UpdateTenant changes a tenant's details if it is still at version, the one
// the editor read; otherwise someone changed it meanwhile and the answer is
// ErrConflict, so no edit is silently lost.
func (s *Store) UpdateTenant(ctx context.Context, subdomain string, version int, ch TenantChanges) (*Tenant, error) {
	ch.Name, ch.Description = strings.TrimSpace(ch.Name), strings.TrimSpace(ch.Description)
	f := fieldErrors{}
	f.text("name", ch.Name, "Enter a name.", 200)
	f.text("description", ch.Description, "", 2000)
	if err := f.err(); err != nil {
		return nil, err
	}
	if err := requireMaster(ctx, FeatureTenants, LevelFull); err != nil {
		return nil, err
	}
	master, err := s.MasterTenant(ctx)
	if err != nil {
		return nil, err
	}
	var t Tenant
	err = s.tx(AcrossTenants(ctx, "edit a tenant's details"), func(tx *gorm.DB) error {
		if err := tx.Where("subdomain = ?", subdomain).Take(&t).Error; err != nil {
			return err
		}
		if t.Version != version {
			return ErrConflict
		}
		before := t
		res := tx.Model(&Tenant{}).Where("id = ? AND version = ?", t.ID, version).Updates(map[string]any{
			"name": ch.Name, "description": ch.Description, "updated_at": s.now(), "version": gorm.Expr("version + 1"),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict // changed between the read and the write
		}
		t.Name, t.Description, t.Version = ch.Name, ch.Description, version+1
		return s.record(tx, master.ID, Event{Action: ActionTenantUpdate, TargetType: "tenant", TargetID: t.Subdomain,
			Outcome: OutcomeSuccess, Details: changeDetails(
				change{"name", before.Name, t.Name}, change{"description", before.Description, t.Description})})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}
