package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// How the seeded master shares its resources, as the benchmark's reference
// does: of masterSeedResources, the first 400 private, the next 500 public,
// the last 100 assigned to seedAssignees tenants each; the tenant role
// "Shared networks" (every odd-numbered seeded tenant) grants 200 of the
// public ones, "All master resources" (numbers ending in 3) all of them,
// later ones included; the rest keep the default tenant role, which grants
// none.
const (
	masterSeedResources = 1000
	seedPrivate         = 400
	seedPublic          = 500
	seedAssignees       = 50
	seedGranted         = 200
)

// seedKinds are the kinds a seed's resources are of, made when missing.
var seedKinds = []struct{ key, label, attributes string }{
	{"network", "Network", `[{"name":"cidr","label":"CIDR","type":"text","required":true},{"name":"vlan","label":"VLAN","type":"number"},{"name":"managed","label":"Managed","type":"yes/no"}]`},
	{"device", "Device", `[{"name":"serial","label":"Serial number","type":"text","required":true}]`},
	{"cloud", "Cloud", `[{"name":"provider","label":"Provider","type":"choice","required":true,"choices":["aws","azure","gcp"]},{"name":"region","label":"Region","type":"text"}]`},
	{"project", "Project", `[]`},
}

// seedResources gives the seeded tenants numbered after+1..after+tenants n
// own resources round-robin (four kinds in turn, each with its kind's
// required attributes), and the master its shared ones; set-based, in tx.
func (s *Store) seedResources(tx *gorm.DB, masterID uint64, after, tenants, n int, now time.Time) (int64, error) {
	exec := func(what, sql string, args ...any) (int64, error) {
		r := tx.Exec(sql, args...)
		if r.Error != nil {
			return 0, fmt.Errorf("seed %s: %w", what, r.Error)
		}
		return r.RowsAffected, nil
	}
	for _, k := range seedKinds {
		if _, err := exec("kinds", `INSERT INTO resource_kinds (key, label, attributes, version, created_at, updated_at)
SELECT ?, ?, ?, 1, ?, ? WHERE NOT EXISTS (SELECT 1 FROM resource_kinds WHERE key = ?)`, k.key, k.label, k.attributes, now, now, k.key); err != nil {
			return 0, err
		}
	}
	sq := s.seedSQL(after, tenants)
	rq := s.seedSQL(0, n)
	kind := "CASE g.n % 4 WHEN 1 THEN 'network' WHEN 2 THEN 'device' WHEN 3 THEN 'cloud' ELSE 'project' END"
	attrs := "CASE g.n % 4 WHEN 1 THEN '{\"cidr\":\"10.' || (g.n % 250) || '.0.0/16\"}' WHEN 2 THEN '{\"serial\":\"SN' || g.n || '\"}' WHEN 3 THEN '{\"provider\":\"aws\"}' ELSE '{}' END"
	made, err := exec("resources", rq.with+`
INSERT INTO resources (tenant_id, kind, name, description, attributes, visibility, version, created_at, updated_at)
SELECT t.id, `+kind+`, 'res-' || `+rq.number+`, '', `+attrs+`, 'private', 1, ?, ?
FROM g JOIN tenants t ON t.subdomain = `+sq.subdomainOf(fmt.Sprintf("(%d + (g.n - 1) %% %d)", after+1, tenants)), now, now)
	if err != nil {
		return 0, err
	}
	// The master's, once: a forced seed adds tenants, not master resources.
	var have int64
	if err := tx.Model(&Resource{}).Where("tenant_id = ? AND name LIKE 'master-%'", masterID).Count(&have).Error; err != nil {
		return 0, err
	}
	if have > 0 {
		return made, nil
	}
	mq := s.seedSQL(0, masterSeedResources)
	if _, err := exec("master resources", mq.with+`
INSERT INTO resources (tenant_id, kind, name, description, attributes, visibility, version, created_at, updated_at)
SELECT ?, 'network', 'master-' || `+mq.number+`, 'Shared by the master.', '{"cidr":"172.16.' || (g.n % 250) || '.0/24"}',
	CASE WHEN g.n <= ? THEN 'private' WHEN g.n <= ? THEN 'public' ELSE 'assigned' END, 1, ?, ?
FROM g`, masterID, seedPrivate, seedPrivate+seedPublic, now, now); err != nil {
		return 0, err
	}
	// Each assigned one to seedAssignees seeded tenants, spread by two primes.
	kq := s.seedSQL(0, seedAssignees)
	if _, err := exec("assignments", kq.with+`
INSERT INTO resource_assignments (resource_id, tenant_id)
SELECT DISTINCT r.id, t.id FROM resources r CROSS JOIN g
JOIN tenants t ON t.subdomain = `+sq.subdomainOf(fmt.Sprintf("(%d + (r.id * 7919 + g.n * 104729) %% %d)", after+1, tenants))+`
WHERE r.tenant_id = ? AND r.visibility = 'assigned'`, masterID); err != nil {
		return 0, err
	}
	var standard TenantRole
	if err := tx.Order("id").Take(&standard).Error; err != nil {
		return 0, err
	}
	for _, tr := range []struct {
		name, description string
		all               bool
		pick              string // which seeded tenants hold it, by number
	}{
		{"Shared networks", "Standard, with 200 of the master's public networks.", false, "% 2 = 1"},
		{"All master resources", "Standard, with every public master resource, later ones included.", true, "% 10 = 3"},
	} {
		role := TenantRole{Name: tr.name, Description: tr.description, Permissions: standard.Permissions, AllMasterResources: tr.all}
		if err := tx.Create(&role).Error; err != nil {
			return 0, fmt.Errorf("seed tenant role %s: %w", tr.name, err)
		}
		if !tr.all {
			if _, err := exec("granted resources", `INSERT INTO tenant_role_resources (tenant_role_id, resource_id)
SELECT ?, id FROM resources WHERE tenant_id = ? AND visibility = 'public' ORDER BY id LIMIT ?`, role.ID, masterID, seedGranted); err != nil {
				return 0, err
			}
		}
		if _, err := exec("tenant roles", sq.with+`
UPDATE tenants SET tenant_role_id = ? WHERE subdomain IN (SELECT `+sq.subdomain+` FROM g WHERE (g.n + ?) `+tr.pick+`)`, role.ID, after); err != nil {
			return 0, err
		}
	}
	return made, nil
}
