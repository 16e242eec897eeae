package models

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Resource is something a tenant owns and manages: a cloud, a network, a
// project, a device, of one of the master's kinds. The console counts a
// tenant's own against its limit; what the master shares counts for nobody.
type Resource struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64
	Kind        string // a ResourceKind's Key
	Name        string // unique in its tenant and kind, whatever its case
	Description string
	// Attributes are the kind's attributes' values, as a JSON object of
	// strings by attribute name.
	Attributes string
	GroupID    *uint64 // at most one group, of the same tenant
	// Visibility is a master resource's sharing: VisibilityPrivate,
	// VisibilityPublic or VisibilityAssigned; a subtenant's are private.
	Visibility string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// A master resource's visibility.
const (
	VisibilityPrivate  = "private"  // the master's alone
	VisibilityPublic   = "public"   // seen where a tenant role grants it, or all master resources
	VisibilityAssigned = "assigned" // seen by the tenants it is assigned to
)

// ResourceKind is one of the master's kinds of resource (network, device,
// cloud…), with the attributes a resource of that kind has. Every tenant
// uses the master's kinds.
type ResourceKind struct {
	ID    uint64 `gorm:"primaryKey"`
	Key   string // lower-case, unique: what a resource names
	Label string
	// Attributes is the JSON list of the kind's KindAttribute.
	Attributes string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// KindAttribute is one attribute of a kind.
type KindAttribute struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Type     string   `json:"type"` // AttributeText, AttributeNumber, AttributeYesNo or AttributeChoice
	Required bool     `json:"required"`
	Choices  []string `json:"choices,omitempty"` // AttributeChoice's list
	Default  string   `json:"default,omitempty"`
}

// The types of a kind's attribute.
const (
	AttributeText   = "text"
	AttributeNumber = "number"
	AttributeYesNo  = "yes/no"
	AttributeChoice = "choice"
)

// ResourceGroup is a named set of a tenant's resources (Morpheus's groups,
// Mender's device groups); a resource is in at most one.
type ResourceGroup struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64
	Name        string // unique in its tenant, whatever its case
	Description string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RoleGroupLevel is the resources level a role gives for one group of its
// tenant, over the role's own resources level for the rest.
type RoleGroupLevel struct {
	TenantID uint64 `gorm:"primaryKey"`
	RoleID   uint64 `gorm:"primaryKey"`
	GroupID  uint64 `gorm:"primaryKey"`
	Level    string // a Level's name: "none", "read" or "full"
}

// ResourceAssignment shares an assigned master resource with one subtenant.
type ResourceAssignment struct {
	ResourceID uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"primaryKey"` // the subtenant that sees it
}

// TenantRoleResource is a public master resource a tenant role grants.
type TenantRoleResource struct {
	TenantRoleID uint64 `gorm:"primaryKey"`
	ResourceID   uint64 `gorm:"primaryKey"`
}

// UsageSnapshot is a tenant's counts on one UTC day, for billing.
type UsageSnapshot struct {
	TenantID  uint64    `gorm:"primaryKey"`
	Day       time.Time `gorm:"primaryKey;type:date"`
	Users     int64
	Resources int64
	// ByKind is the JSON object of the tenant's own resources by kind.
	ByKind  string
	TakenAt time.Time
}

// KindAttributes is k's attributes, in their order.
func (k *ResourceKind) KindAttributes() ([]KindAttribute, error) {
	var attrs []KindAttribute
	if k.Attributes == "" {
		return attrs, nil
	}
	if err := json.Unmarshal([]byte(k.Attributes), &attrs); err != nil {
		return nil, fmt.Errorf("kind %s: attributes: %w", k.Key, err)
	}
	return attrs, nil
}

// maxAttributeValue bounds one attribute's value, in bytes.
const maxAttributeValue = 1000

// CheckValues checks a resource's attribute values against the kind's
// attributes and returns them as they are stored: every attribute of the
// kind present (an optional one left empty is ""), numbers in their plain
// decimal form, yes/no as "yes" or "no", nothing the kind does not have.
// The messages are by field "attr.<name>".
func CheckValues(attrs []KindAttribute, in map[string]string) (map[string]string, map[string]string) {
	out := make(map[string]string, len(attrs))
	f := fieldErrors{}
	for _, a := range attrs {
		field := "attr." + a.Name
		v := strings.TrimSpace(in[a.Name])
		if v == "" {
			if a.Required {
				f.add(field, "Enter "+a.label()+".")
			}
			out[a.Name] = ""
			continue
		}
		f.text(field, v, "", maxAttributeValue)
		switch a.Type {
		case AttributeNumber:
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
				f.add(field, "Enter a number, like 42 or 2.5.")
				break
			}
			v = strconv.FormatFloat(n, 'f', -1, 64)
		case AttributeYesNo:
			switch strings.ToLower(v) {
			case "yes", "true", "on", "1":
				v = "yes"
			case "no", "false", "off", "0":
				v = "no"
			default:
				f.add(field, "Choose yes or no.")
			}
		case AttributeChoice:
			if !slices.Contains(a.Choices, v) {
				f.add(field, "Choose one of "+strings.Join(a.Choices, ", ")+".")
			}
		}
		out[a.Name] = v
	}
	if len(f) > 0 {
		return nil, f
	}
	return out, nil
}

// label is how a message names the attribute.
func (a KindAttribute) label() string {
	if a.Label != "" {
		return a.Label
	}
	return a.Name
}
