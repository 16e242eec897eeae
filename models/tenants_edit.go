package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// TenantChanges is every detail of a tenant its edit form may change. It is
// the whole new state, not a patch: start from Tenant.Changes.
type TenantChanges struct {
	Name, Description string
	// TenantRoleID is the subtenant's tenant role; the master has none and
	// takes 0.
	TenantRoleID   uint64
	Currency       string
	MaxUsers       int // 0: no limit
	MaxResources   int // 0: no limit
	AccountNumber  string
	AccountName    string
	CustomerNumber string
}

// Changes is t's details as they are, for an edit to change some of.
func (t *Tenant) Changes() TenantChanges {
	ch := TenantChanges{Name: t.Name, Description: t.Description, Currency: t.Currency, MaxUsers: t.MaxUsers, MaxResources: t.MaxResources,
		AccountNumber: t.AccountNumber, AccountName: t.AccountName, CustomerNumber: t.CustomerNumber}
	if t.TenantRoleID != nil {
		ch.TenantRoleID = *t.TenantRoleID
	}
	return ch
}

func (ch *TenantChanges) normalize() {
	ch.Name, ch.Description = strings.TrimSpace(ch.Name), strings.TrimSpace(ch.Description)
	ch.Currency = strings.ToUpper(strings.TrimSpace(ch.Currency))
	ch.AccountNumber, ch.AccountName = strings.TrimSpace(ch.AccountNumber), strings.TrimSpace(ch.AccountName)
	ch.CustomerNumber = strings.TrimSpace(ch.CustomerNumber)
}

// UpdateTenant changes a tenant's details if it is still at version, the one
// the editor read; otherwise someone changed it meanwhile and the answer is
// ErrConflict, so no edit is silently lost. A limit below what the tenant
// already has (users, resources) is refused by its field. A new tenant role
// takes effect for the tenant's users on their next request, which reads it.
// The audit event has each changed field's before and after.
func (s *Store) UpdateTenant(ctx context.Context, subdomain string, version int, ch TenantChanges) (*Tenant, error) {
	ch.normalize()
	f := fieldErrors{}
	f.text("name", ch.Name, "Enter a name.", 200)
	f.text("description", ch.Description, "", 2000)
	checkLimit(f, "max_users", ch.MaxUsers)
	checkLimit(f, "max_resources", ch.MaxResources)
	checkAccount(f, ch.AccountNumber, ch.AccountName, ch.CustomerNumber)
	if err := f.err(); err != nil {
		return nil, err
	}
	master, err := s.masterActing(ctx, FeatureTenants, LevelFull)
	if err != nil {
		return nil, err
	}
	var t Tenant
	err = s.tx(AcrossTenants(ctx, "edit a tenant's details"), func(tx *gorm.DB) error {
		if err := tx.Where("subdomain = ?", strings.ToLower(subdomain)).Take(&t).Error; err != nil {
			return err
		}
		if t.Version != version {
			return ErrConflict
		}
		before := t
		f := fieldErrors{}
		// A code since dropped from the list may stay where it is.
		checkCurrency(f, ch.Currency, before.Currency)
		var beforeRole, afterRole string
		var oldCap, newCap *TenantRole
		switch {
		case t.IsMaster && ch.TenantRoleID != 0:
			f.add("tenant_role", "The master tenant has no tenant role.")
		case !t.IsMaster:
			beforeCap := Permissions{}
			if before.TenantRoleID != nil {
				var old TenantRole
				if err := tx.Where("id = ?", *before.TenantRoleID).Take(&old).Error; err == nil {
					beforeRole, beforeCap, oldCap = old.Name, old.Permissions, &old
				}
			}
			if ch.TenantRoleID == 0 {
				f.add("tenant_role", "Choose a tenant role.")
				break
			}
			tr, err := s.tenantRoleFor(tx, ch.TenantRoleID)
			var ve *ValidationError
			if errors.As(err, &ve) {
				f.add("tenant_role", ve.Fields["tenant_role"])
				break
			}
			if err != nil {
				return err
			}
			if err := checkRaise(ctx, "tenant_role", beforeCap, tr.Permissions, "This tenant role"); err != nil {
				return err
			}
			afterRole, t.TenantRoleID, newCap = tr.Name, &tr.ID, tr
		}
		var usage TenantUsage
		if err := tx.Where("tenant_id = ?", t.ID).Take(&usage).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if ch.MaxUsers > 0 && int64(ch.MaxUsers) < usage.Users {
			f.add("max_users", fmt.Sprintf("The tenant has %d users already: enter %d or more, or 0 for no limit.", usage.Users, usage.Users))
		}
		if ch.MaxResources > 0 && int64(ch.MaxResources) < usage.Resources {
			f.add("max_resources", fmt.Sprintf("The tenant has %d resources already: enter %d or more, or 0 for no limit.", usage.Resources, usage.Resources))
		}
		if err := f.err(); err != nil {
			return err
		}
		moved := newCap != nil && (before.TenantRoleID == nil || *before.TenantRoleID != newCap.ID)
		if moved {
			if err := s.keepAdminsForMove(tx, t.ID, newCap.Permissions); err != nil {
				return err
			}
		}
		res := tx.Model(&Tenant{}).Where("id = ? AND version = ?", t.ID, version).Updates(map[string]any{
			"name": ch.Name, "description": ch.Description, "tenant_role_id": t.TenantRoleID, "currency": ch.Currency,
			"max_users": ch.MaxUsers, "max_resources": ch.MaxResources, "account_number": ch.AccountNumber,
			"account_name": ch.AccountName, "customer_number": ch.CustomerNumber,
			"updated_at": s.now(), "version": gorm.Expr("version + 1"),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConflict // changed between the read and the write
		}
		t.Name, t.Description, t.Currency = ch.Name, ch.Description, ch.Currency
		t.MaxUsers, t.MaxResources = ch.MaxUsers, ch.MaxResources
		t.AccountNumber, t.AccountName, t.CustomerNumber = ch.AccountNumber, ch.AccountName, ch.CustomerNumber
		t.Version = version + 1
		if moved {
			if err := s.recordTenantMove(tx, &t, oldCap, newCap); err != nil {
				return err
			}
		}
		return s.record(tx, master.ID, Event{Action: ActionTenantUpdate, TargetType: "tenant", TargetID: t.Subdomain,
			Outcome: OutcomeSuccess, Details: changeDetails(
				change{"name", before.Name, t.Name}, change{"description", before.Description, t.Description},
				change{"tenant_role", beforeRole, afterRole}, change{"currency", before.Currency, t.Currency},
				change{"max_users", before.MaxUsers, t.MaxUsers}, change{"max_resources", before.MaxResources, t.MaxResources},
				change{"account_number", before.AccountNumber, t.AccountNumber}, change{"account_name", before.AccountName, t.AccountName},
				change{"customer_number", before.CustomerNumber, t.CustomerNumber})})
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, s.recordDeniedHere(ctx, err, Event{Action: ActionTenantUpdate, TargetType: "tenant", TargetID: subdomain})
	}
	return &t, nil
}
