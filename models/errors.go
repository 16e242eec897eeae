package models

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// ErrNotFound means no record matched in the caller's tenant.
	ErrNotFound = errors.New("not found")
	// ErrInvalidCredentials is the one answer to every failed login but one.
	ErrInvalidCredentials = errors.New("invalid username or password")
	// ErrTenantDisabled is that one: the right password of an enabled local
	// user, on the disabled tenant's own host. Only someone who knows the
	// password learns the tenant is disabled.
	ErrTenantDisabled = errors.New("tenant disabled")
	// ErrConflict means the record changed since it was read.
	ErrConflict = errors.New("changed by someone else")
)

// ValidationError carries one message per failing field.
type ValidationError struct {
	Fields map[string]string
	// Denied marks a refused climb (delegation), which is also audited.
	Denied bool
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// fieldErrors collects validation messages, first message per field wins.
type fieldErrors map[string]string

func (f fieldErrors) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// text checks a typed value: present (when empty says what to ask for; ""
// makes it optional), at most max bytes, and text that can be stored (valid
// UTF-8, no control characters but tab and newline).
func (f fieldErrors) text(field, value, empty string, max int) {
	switch {
	case value == "" && empty != "":
		f.add(field, empty)
	case len(value) > max:
		f.add(field, fmt.Sprintf("Use at most %d characters.", max))
	case !utf8.ValidString(value) || strings.ContainsFunc(value, func(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' }):
		f.add(field, "Use letters, digits and punctuation only.")
	}
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}
