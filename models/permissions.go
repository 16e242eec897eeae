package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"maps"
	"sync"
)

// Feature is one entry of the permission catalogue.
type Feature string

// The permission catalogue: every feature a role grants a level of.
const (
	FeatureTenants       Feature = "tenants"
	FeatureUsers         Feature = "users"
	FeatureRoles         Feature = "roles"
	FeatureResources     Feature = "resources"
	FeatureAudit         Feature = "audit"
	FeatureImpersonation Feature = "impersonation"
	FeatureAPITokens     Feature = "api-tokens"
	FeatureExport        Feature = "export"
)

// Features lists the catalogue in display order.
var Features = []Feature{FeatureTenants, FeatureUsers, FeatureRoles, FeatureResources, FeatureAudit, FeatureImpersonation, FeatureAPITokens, FeatureExport}

// featureLabels are the catalogue's names for people, as the pages show them
// (views.FeatureLabel): messages name a feature by its label, never its key.
var featureLabels = map[Feature]string{
	FeatureTenants: "Tenants", FeatureUsers: "Users", FeatureRoles: "Roles", FeatureResources: "Resources",
	FeatureAudit: "Audit log", FeatureImpersonation: "Impersonation", FeatureAPITokens: "API tokens", FeatureExport: "Export",
}

// Label is f's name for people.
func (f Feature) Label() string {
	if l, ok := featureLabels[f]; ok {
		return l
	}
	return string(f)
}

// Level is how much of a feature a role grants: none < read < full.
type Level int

const (
	LevelNone Level = iota
	LevelRead
	LevelFull
)

func (l Level) String() string {
	switch l {
	case LevelRead:
		return "read"
	case LevelFull:
		return "full"
	}
	return "none"
}

// ParseLevel reads "none", "read" or "full".
func ParseLevel(s string) (Level, error) {
	switch s {
	case "none", "":
		return LevelNone, nil
	case "read":
		return LevelRead, nil
	case "full":
		return LevelFull, nil
	}
	return LevelNone, fmt.Errorf("unknown level %q", s)
}

// Permissions maps features to levels; a missing feature is none.
type Permissions map[Feature]Level

// FullPermissions grants every feature at full.
func FullPermissions() Permissions {
	p := Permissions{}
	for _, f := range Features {
		p[f] = LevelFull
	}
	return p
}

// Level returns the level granted for f.
func (p Permissions) Level(f Feature) Level { return p[f] }

// Value stores permissions as a JSON object of level names.
func (p Permissions) Value() (driver.Value, error) {
	out := map[string]string{}
	for f, l := range p {
		out[string(f)] = l.String()
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// Scan reads permissions stored by Value.
func (p *Permissions) Scan(src any) error {
	var raw []byte
	switch v := src.(type) {
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	case nil:
		*p = Permissions{}
		return nil
	default:
		return fmt.Errorf("permissions: cannot scan %T", src)
	}
	// Every signed-in request reads its role's permissions, and there are few
	// distinct ones (at most three levels per feature): decode each text once.
	if known, ok := decodedPermissions.Load(string(raw)); ok {
		*p = maps.Clone(known.(Permissions))
		return nil
	}
	in := map[string]string{}
	if err := json.Unmarshal(raw, &in); err != nil {
		return err
	}
	out := Permissions{}
	for f, s := range in {
		l, err := ParseLevel(s)
		if err != nil {
			return err
		}
		out[Feature(f)] = l
	}
	if len(in) <= len(Features) {
		decodedPermissions.Store(string(raw), maps.Clone(out))
	}
	*p = out
	return nil
}

// decodedPermissions maps stored permission texts to their decoded values,
// which callers receive as copies.
var decodedPermissions sync.Map

// Capped is what p grants under a tenant role's cap: per feature, the lower
// of the two levels.
func (p Permissions) Capped(cap Permissions) Permissions {
	out := Permissions{}
	for _, f := range Features {
		out[f] = min(p.Level(f), cap.Level(f))
	}
	return out
}

// cleaned keeps the catalogue's features only, so a stored role names nothing
// the console does not know.
func (p Permissions) cleaned() Permissions {
	out := Permissions{}
	for _, f := range Features {
		if l := p.Level(f); l > LevelNone {
			out[f] = l
		}
	}
	return out
}

// Right is one feature of a user's effective permissions, with why: the
// level the user's role grants and the cap of the tenant's role.
type Right struct {
	Feature   Feature
	Role      Level
	Cap       Level
	Capped    bool // the tenant has a cap (every subtenant; the master has none)
	Effective Level
}

// Rights lays role permissions and a cap side by side, feature by feature.
func Rights(role Permissions, cap Permissions, capped bool) []Right {
	out := make([]Right, 0, len(Features))
	for _, f := range Features {
		r := Right{Feature: f, Role: role.Level(f), Cap: LevelFull, Capped: capped, Effective: role.Level(f)}
		if capped {
			r.Cap = cap.Level(f)
			r.Effective = min(r.Role, r.Cap)
		}
		out = append(out, r)
	}
	return out
}
