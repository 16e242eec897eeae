package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ResourceQuery is a resource list's query: ListQuery with filters by kind
// and group (Ungrouped: those in none). A group filter shows the tenant's
// own resources only: a shared one is in none of its groups.
type ResourceQuery struct {
	ListQuery
	Kind      string
	GroupID   uint64
	Ungrouped bool
}

func (q ResourceQuery) grouped() bool { return q.Ungrouped || q.GroupID != 0 }

var resourceSorts = sortColumns{def: "name", columns: map[string]string{
	"name":    "lower(v.name)",
	"kind":    "v.kind",
	"updated": "v.updated_at",
}}

// ResourceRow is one line of the resource list: the resource, its kind's
// label and its group's name; SharedBy is the master's subdomain for a
// master resource shared with the tenant (read-only), "" for its own.
type ResourceRow struct {
	Resource
	KindLabel string
	GroupName string
	SharedBy  string
}

// ResourceList is a page of the resource list with what its filters offer:
// the kinds, and the groups the actor sees.
type ResourceList struct {
	Page[ResourceRow]
	Kinds  []ResourceKind
	Groups []ResourceGroup
}

// resourceListSQL is the resource list and its export: the tenant's own
// resources the actor may read, beside the master's shared with the tenant
// (sharedWithTenant, the one way a subtenant reads master rows), with the
// kinds' labels and the groups' names. Written out for ReadSQL, it names
// the tenant in every tenant table it reads; on PostgreSQL row-level
// security confines it too (its read policy is sharedWithTenant's rule).
//
// Own resources in a group the actor's role sets to none are hidden. The
// actor holds resources: read (the operations check it first), so their
// default, their tenant role's cap and an impersonator's rights are all at
// least read, and a group's level is below read exactly when the role sets
// it to none (resourceAccess.readable, in SQL).
const resourceListSQL = `WITH v AS (
SELECT r.id, r.tenant_id, r.kind, r.name, r.description, r.group_id, g.name AS group_name, r.attributes, r.visibility, r.version, r.updated_at
FROM resources r LEFT JOIN resource_groups g ON g.tenant_id = r.tenant_id AND g.id = r.group_id
WHERE r.tenant_id = ?{{hidden}}{{own}}{{filters}}{{shared}})
`

// resourceListQuery is resourceListSQL for tenant, the actor's role (0:
// none hidden) and q; page adds q's page and, after it, the total and the
// filters' kinds and groups.
func resourceListQuery(tenant, role uint64, q ResourceQuery, page bool) (string, []any) {
	args := []any{tenant}
	hidden := ""
	if role != 0 {
		hidden = ` AND (r.group_id IS NULL OR NOT EXISTS (SELECT 1 FROM role_group_levels l
	WHERE l.tenant_id = r.tenant_id AND l.role_id = ? AND l.group_id = r.group_id AND l.level = 'none'))`
		args = append(args, role)
	}
	own := ""
	switch {
	case q.Ungrouped:
		own = " AND r.group_id IS NULL"
	case q.GroupID != 0:
		own = " AND r.group_id = ?"
		args = append(args, q.GroupID)
	}
	filters := func(t string) (string, []any) {
		var f string
		var a []any
		if q.Kind != "" {
			f += " AND " + t + ".kind = ?"
			a = append(a, q.Kind)
		}
		if q.Search != "" {
			f += " AND lower(" + t + `.name) LIKE ? ESCAPE '\'`
			a = append(a, likePattern(q.Search))
		}
		return f, a
	}
	ownFilters, fa := filters("r")
	args = append(args, fa...)
	shared := ""
	if !q.grouped() {
		cond, ca := sharedWithTenant(tenant)
		sf, sa := filters("resources")
		shared = `
UNION ALL
SELECT resources.id, resources.tenant_id, resources.kind, resources.name, resources.description, NULL, NULL, resources.attributes,
	resources.visibility, resources.version, resources.updated_at
FROM resources WHERE ` + cond + sf
		args = append(append(args, ca...), sa...)
	}
	query := strings.NewReplacer("{{hidden}}", hidden, "{{own}}", own, "{{filters}}", ownFilters, "{{shared}}", shared).Replace(resourceListSQL)
	order := q.orderBy(resourceSorts, "v.id")
	rows := `SELECT 'r' AS part, row_number() OVER (ORDER BY ` + order + `) AS seq, v.id, v.tenant_id, v.kind, coalesce(k.label, v.kind), v.name,
	v.description, v.group_id, v.group_name, v.attributes, v.visibility, v.version, v.updated_at
FROM v LEFT JOIN resource_kinds k ON k.key = v.kind`
	if !page {
		return query + rows + " ORDER BY " + order, args
	}
	query += `SELECT * FROM (SELECT * FROM (` + rows + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?) p
UNION ALL SELECT 't', count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM v
UNION ALL SELECT 'k', row_number() OVER (ORDER BY key), NULL, NULL, key, label, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM resource_kinds
UNION ALL SELECT 'g', row_number() OVER (ORDER BY lower(g.name), g.id), g.id, g.tenant_id, NULL, NULL, g.name, g.description, NULL, NULL, NULL, NULL, NULL, NULL
	FROM resource_groups g WHERE g.tenant_id = ?{{hidden_groups}}) x ORDER BY part, seq`
	args = append(args, q.PerPage, q.offset(), tenant)
	hiddenGroups := ""
	if role != 0 {
		hiddenGroups = ` AND NOT EXISTS (SELECT 1 FROM role_group_levels l
	WHERE l.tenant_id = g.tenant_id AND l.role_id = ? AND l.group_id = g.id AND l.level = 'none')`
		args = append(args, role)
	}
	return strings.Replace(query, "{{hidden_groups}}", hiddenGroups, 1), args
}

// listRole is the role whose group levels hide resources from ctx's actor
// in tenant: 0 for the system, and for an actor of another tenant.
func listRole(ctx context.Context, tenant uint64) (uint64, error) {
	a, all, err := holder(ctx)
	if err != nil || all || a.TenantID != tenant {
		return 0, err
	}
	return a.RoleID, nil
}

// timeValue scans a time as either driver gives it through a union: a time,
// or SQLite's text.
type timeValue struct{ t time.Time }

func (v *timeValue) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		v.t = time.Time{}
	case time.Time:
		v.t = x
	case string:
		return v.parse(x)
	case []byte:
		return v.parse(string(x))
	default:
		return fmt.Errorf("resource list: a time as %T", src)
	}
	return nil
}

func (v *timeValue) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			v.t = t
			return nil
		}
	}
	return fmt.Errorf("resource list: time %q", s)
}

// readResourceList runs resourceListQuery in ctx's tenant and hands each
// row to fn: part "r" a resource, "t" the total (in seq), "k" a kind, "g" a
// group.
func (s *Store) readResourceList(ctx context.Context, q ResourceQuery, page bool, fn func(part string, seq int64, r *ResourceRow) error) error {
	tenant, ok := TenantFrom(ctx)
	if !ok || tenant == 0 {
		return errors.New("resource list: no tenant in context")
	}
	role, err := listRole(ctx, tenant)
	if err != nil {
		return err
	}
	query, args := resourceListQuery(tenant, role, q, page)
	return s.db.ReadSQL(ctx, query, args, func(scan func(dest ...any) error) error {
		var (
			part                                         string
			seq                                          int64
			id, owner, group, version                    sql.NullInt64
			kind, label, name, desc, gname, attrs, visib sql.NullString
			updated                                      timeValue
		)
		if err := scan(&part, &seq, &id, &owner, &kind, &label, &name, &desc, &group, &gname, &attrs, &visib, &version, &updated); err != nil {
			return err
		}
		r := ResourceRow{Resource: Resource{ID: uint64(id.Int64), TenantID: uint64(owner.Int64), Kind: kind.String, Name: name.String,
			Description: desc.String, Attributes: attrs.String, Visibility: visib.String, Version: int(version.Int64), UpdatedAt: updated.t},
			KindLabel: label.String, GroupName: gname.String}
		if group.Valid {
			g := uint64(group.Int64)
			r.GroupID = &g
		}
		if part == "r" && r.TenantID != tenant {
			r.SharedBy = MasterSubdomain
		}
		return fn(part, seq, &r)
	})
}

// ResourcesPage is one page of the resources the context tenant's actor may
// read, its own beside the master's shared with it, filtered, searched,
// sorted and paged together, with the total and the filters' kinds and
// groups: one statement.
func (s *Store) ResourcesPage(ctx context.Context, q ResourceQuery) (ResourceList, error) {
	q.ListQuery = q.ListQuery.normalize(resourceSorts)
	l := ResourceList{Page: Page[ResourceRow]{Query: q.ListQuery}}
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return l, err
	}
	err := s.readResourceList(ctx, q, true, func(part string, seq int64, r *ResourceRow) error {
		switch part {
		case "r":
			l.Rows = append(l.Rows, *r)
		case "t":
			l.Total = seq
		case "k":
			l.Kinds = append(l.Kinds, ResourceKind{Key: r.Kind, Label: r.KindLabel})
		case "g":
			l.Groups = append(l.Groups, ResourceGroup{ID: r.ID, TenantID: r.TenantID, Name: r.Name, Description: r.Description})
		}
		return nil
	})
	return l, err
}

// EachResource calls fn for every resource ResourcesPage would list for q,
// in q's order, the shared ones marked, reading rows as they are needed.
func (s *Store) EachResource(ctx context.Context, q ResourceQuery, fn func(*ResourceRow) error) error {
	q.ListQuery = q.ListQuery.normalize(resourceSorts)
	if err := requireLevel(ctx, FeatureResources, LevelRead); err != nil {
		return err
	}
	return s.readResourceList(ctx, q, false, func(_ string, _ int64, r *ResourceRow) error { return fn(r) })
}
