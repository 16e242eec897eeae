package views

import "strconv"

// KindListRow is one line of the master's resource kinds page.
type KindListRow struct {
	Key, Label string
	Attributes []KindAttributeRow
	Resources  int64
}

// KindList is the master's resource kinds page.
type KindList struct {
	Rows    []KindListRow
	CanEdit bool
}

// KindAttributeRow is one attribute of a kind as a form shows it: choices
// comma-separated.
type KindAttributeRow struct {
	Name, Label, Type string
	Required          bool
	Choices, Default  string
}

// Summary is the attribute as the list tells it: "vlan (number, required)".
func (a KindAttributeRow) Summary() string {
	s := a.Name + " (" + a.Type
	if a.Required {
		s += ", required"
	}
	return s + ")"
}

// KindForm is the new and edit form of a resource kind: its attribute rows
// are the ones typed and some empty ones.
type KindForm struct {
	Stored    string // the key being edited; "" for a new kind
	Key       string
	Label     string
	Version   int
	Resources int64 // resources having the kind: its key stays while there are any
	Rows      []KindAttributeRow
	Types     []string
	Errors    map[string]string
}

func (f KindForm) action() string {
	if f.Stored == "" {
		return "/resource-kinds/new"
	}
	return kindURL(f.Stored, "edit")
}

// attrName is attribute row i's (from 0) form field name.
func attrName(i int, field string) string {
	return "attr." + strconv.Itoa(i+1) + "." + field
}

func (f KindForm) attrError(i int, field string) string {
	return f.Errors[attrName(i, field)]
}

// KindDelete is the confirmation page of deleting a kind.
type KindDelete struct {
	Key, Label string
	Resources  int64
	Error      string
}

func kindURL(key, action string) string { return "/resource-kinds/" + key + "/" + action }
