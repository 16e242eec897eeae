package views

import "strings"

// ResourceRow is one line of the resource list and of its export.
type ResourceRow struct {
	ID          uint64            `json:"id"`
	Kind        string            `json:"kind"`
	KindLabel   string            `json:"kind_label"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Group       string            `json:"group"`
	Updated     string            `json:"updated"`
	Attributes  map[string]string `json:"attributes"`
	// SharedBy is the master's subdomain on a master resource shared with
	// the tenant, read-only there; "" on the tenant's own.
	SharedBy string `json:"shared_by,omitempty"`
}

// SelectOption is one entry of a select: its value, its label, whether chosen.
type SelectOption struct {
	Value, Label string
	Selected     bool
}

// ResourceList is the resource list page.
type ResourceList struct {
	List      ListState
	Rows      []ResourceRow
	Kinds     []SelectOption // the kind filter, "" first
	Groups    []SelectOption // the group filter, "" first, then "none"
	CanCreate bool
	CanExport bool
}

// ExportURL is the export's address in format, with the list's filters.
func (l ResourceList) ExportURL(format string) string {
	u := l.List.At("/resources/export")
	if strings.Contains(u, "?") {
		return u + "&format=" + format
	}
	return u + "?format=" + format
}

// AttrField is one of a kind's attributes in a resource's form.
type AttrField struct {
	Name, Label, Type string
	Required          bool
	Choices           []string
	Value, Error      string
}

// ResourceForm creates (ID 0) or edits a resource. Without a kind chosen,
// the new form asks for one first.
type ResourceForm struct {
	ID          uint64
	Version     int
	Kind        string
	KindLabel   string
	Kinds       []SelectOption
	Name        string
	Description string
	Groups      []SelectOption // "" (no group) first
	Attrs       []AttrField
	Errors      map[string]string
	Stored      string
}

// ResourceDetail is a resource's page.
type ResourceDetail struct {
	Row     ResourceRow
	Labels  []AttrField // the attributes, labelled, with their values
	CanEdit bool
	// CanShare links the master's own resource to its sharing page.
	CanShare bool
}

// ResourceDelete confirms deleting a resource.
type ResourceDelete struct {
	ID   uint64
	Name string
	Kind string
}

// GroupListRow is one line of the group list.
type GroupListRow struct {
	ID          uint64
	Name        string
	Description string
	Resources   int64
}

// GroupList is the group list page.
type GroupList struct {
	Rows    []GroupListRow
	CanEdit bool
}

// GroupForm creates (ID 0) or edits a group.
type GroupForm struct {
	ID                uint64
	Version           int
	Name, Description string
	Stored            string
	Errors            map[string]string
}

// GroupDelete asks what becomes of a deleted group's resources.
type GroupDelete struct {
	ID        uint64
	Name      string
	Resources int64
	Fate      string
	To        []SelectOption
	Errors    map[string]string
}

// RoleGroups is a role's group access page: per group, the level it sets.
type RoleGroups struct {
	RoleID  uint64
	Role    string
	Default string // the role's own resources level
	Rows    []RoleGroupRow
	Errors  map[string]string
}

// RoleGroupRow is one group's level in RoleGroups ("" : the role's default).
type RoleGroupRow struct {
	Field string
	Group string
	Level string
}

func (f ResourceForm) action() string {
	if f.ID == 0 {
		return "/resources/new"
	}
	return "/resources/" + Number(f.ID) + "/edit"
}

func (a AttrField) choices() []string {
	if a.Type == "yes/no" {
		return []string{"yes", "no"}
	}
	return a.Choices
}

func (f GroupForm) action() string {
	if f.ID == 0 {
		return "/resource-groups/new"
	}
	return "/resource-groups/" + Number(f.ID) + "/edit"
}
