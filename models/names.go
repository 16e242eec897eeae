package models

import (
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"unicode"

	"github.com/mtibben/confusables"
	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"landlord/models/tenancy"
)

// Names people read and sign in with: usernames, email addresses, first and
// last names, role names. A name that looks like another (a Cyrillic "о" for
// a Latin "o"), hides characters (zero-width, byte order marks) or reorders
// what is shown (bidirectional overrides) lets one account pass for another,
// so the model refuses them on every path that writes a name.
//
// Usernames follow PRECIS (RFC 8265): checked with the UsernameCaseMapped
// profile and stored as UsernameCasePreserved gives them (width-folded, NFC),
// keeping the person's case for display; uniqueness stays case-insensitive.
// First, last and role names follow the Nickname profile (RFC 8266).
// Look-alikes are found by the confusable skeleton of Unicode TS #39 of the
// case-folded name, stored beside it (users.username_skeleton,
// users.email_skeleton, roles.name_skeleton, tenant_roles.name_skeleton)
// and compared in one indexed query.

// hiddenCharacter names the first character of s that changes how text runs
// (a bidirectional control) or is not seen at all (a default-ignorable code
// point), as a message about what (e.g. "This username"); "" when none.
func hiddenCharacter(what, s string) string {
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Bidi_Control, r):
			return fmt.Sprintf("%s contains a text-direction control character (U+%04X); remove it.", what, r)
		case invisible(r):
			return fmt.Sprintf("%s contains an invisible character (U+%04X); remove it.", what, r)
		}
	}
	return ""
}

// invisible reports a default-ignorable code point (Unicode's derived
// property: Other_Default_Ignorable_Code_Point, variation selectors and
// format characters other than the few that show) or a blank that is not a
// space: text that renders as nothing.
func invisible(r rune) bool {
	switch {
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r), unicode.Is(unicode.Variation_Selector, r):
		return true
	case r == 0x180E, r == 0x2800: // Mongolian vowel separator, braille blank
		return true
	case unicode.Is(unicode.Cf, r):
		return !unicode.Is(unicode.Prepended_Concatenation_Mark, r) &&
			!(r >= 0xFFF9 && r <= 0xFFFB) && !(r >= 0x13430 && r <= 0x1343F)
	}
	return false
}

// mixedScripts names the first word of s (a run of letters and digits)
// whose letters come from more than one script, as "Latin and Cyrillic
// letters in “оps”"; "" when none does. Han with Hiragana and Katakana, with
// Bopomofo or with Hangul, each with Latin, is one writing system
// (TS #39's "highly restrictive" level), as Common and Inherited characters
// (digits, combining marks) belong to any.
func mixedScripts(s string) string {
	for _, word := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) }) {
		set := map[string]bool{}
		for _, r := range word {
			if sc := scriptOf(r); sc != "" {
				set[sc] = true
			}
		}
		if len(set) < 2 || oneWritingSystem(set) {
			continue
		}
		names := make([]string, 0, len(set))
		for sc := range set {
			names = append(names, sc)
		}
		sort.Strings(names)
		return fmt.Sprintf("%s letters in “%s”", strings.Join(names, " and "), word)
	}
	return ""
}

var writingSystems = []map[string]bool{
	{"Latin": true, "Han": true, "Hiragana": true, "Katakana": true},
	{"Latin": true, "Han": true, "Bopomofo": true},
	{"Latin": true, "Han": true, "Hangul": true},
}

func oneWritingSystem(set map[string]bool) bool {
	for _, ws := range writingSystems {
		all := true
		for sc := range set {
			all = all && ws[sc]
		}
		if all {
			return true
		}
	}
	return false
}

// scriptOf is r's script, "" for Common and Inherited.
func scriptOf(r rune) string {
	for _, name := range []string{"Latin", "Cyrillic", "Greek"} { // the usual, first
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	for name, table := range unicode.Scripts {
		if name != "Common" && name != "Inherited" && unicode.Is(table, r) {
			return name
		}
	}
	return ""
}

// refusedRune names the first character of s that profile p refuses on its
// own, for a message; "" when each passes alone (the string as a whole broke
// a rule, such as the bidi rule).
func refusedRune(p *precis.Profile, s string) string {
	for _, r := range s {
		if _, err := p.String(string(r)); err != nil {
			return fmt.Sprintf("“%c” (U+%04X)", r, r)
		}
	}
	return ""
}

// checkUsername checks a typed username (trimmed) and returns the form to
// store. Usernames may be email addresses.
func checkUsername(f fieldErrors, field, s string) string {
	f.text(field, s, "Enter a username.", MaxLoginLength)
	if f[field] != "" {
		return s
	}
	if msg := hiddenCharacter("This username", s); msg != "" {
		f.add(field, msg)
		return s
	}
	if strings.ContainsAny(s, `\ `) {
		f.add(field, "Use no spaces or backslashes.")
		return s
	}
	if _, err := precis.UsernameCaseMapped.String(s); err != nil {
		if r := refusedRune(precis.UsernameCaseMapped, s); r != "" {
			f.add(field, "A username cannot contain "+r+".")
		} else {
			f.add(field, "Write this username in one direction: right-to-left letters cannot mix with left-to-right ones.")
		}
		return s
	}
	stored, err := precis.UsernameCasePreserved.String(s)
	if err != nil { // the case-mapped profile passed, so this cannot fail; refuse rather than store unchecked
		f.add(field, "Use letters, digits and punctuation only.")
		return s
	}
	if len(stored) > MaxLoginLength {
		f.add(field, fmt.Sprintf("Use at most %d characters.", MaxLoginLength))
	}
	return stored
}

// checkEmail checks an email address (trimmed; optional unless required):
// its form, and no hidden characters, since it is a sign-in name too.
func checkEmail(f fieldErrors, field, s string, required bool) {
	if s == "" {
		if required {
			f.add(field, "Enter the admin's email address.")
		}
		return
	}
	if msg := hiddenCharacter("This email address", s); msg != "" {
		f.add(field, msg)
		return
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || len(s) > MaxLoginLength {
		f.add(field, "Enter an email address like name@example.com.")
	}
}

// mixedSignInName refuses a sign-in name (a username, or an email's local
// part and domain) with a word that mixes alphabets (mixedScripts). It runs
// after the look-alike check, whose message naming the existing user says
// more.
func mixedSignInName(f fieldErrors, field, what, s string) {
	if mixed := mixedScripts(s); mixed != "" {
		f.add(field, what+" mixes "+mixed+"; use one alphabet per word.")
	}
}

// checkDisplayName checks a person's or a role's name (trimmed, optional
// when empty is "") with the Nickname profile, and returns the form to store.
func checkDisplayName(f fieldErrors, field, what, s, empty string, max int) string {
	f.text(field, s, empty, max)
	if f[field] != "" || s == "" {
		return s
	}
	if msg := hiddenCharacter(what, s); msg != "" {
		f.add(field, msg)
		return s
	}
	stored, err := precis.Nickname.String(s)
	if err != nil {
		if r := refusedRune(precis.Nickname, s); r != "" {
			f.add(field, what+" cannot contain "+r+".")
		} else {
			f.add(field, "Use letters, digits and punctuation only.")
		}
		return s
	}
	if len(stored) > max {
		f.add(field, fmt.Sprintf("Use at most %d characters.", max))
	}
	return stored
}

// checkFreeText checks free text (a description): stored as typed, but with
// no hidden characters.
func checkFreeText(f fieldErrors, field, what, s string, max int) {
	f.text(field, s, "", max)
	if f[field] == "" {
		if msg := hiddenCharacter(what, s); msg != "" {
			f.add(field, msg)
		}
	}
}

// nameSkeleton is the key two names share when they look alike: the TS #39
// skeleton (NFD, default-ignorable code points removed, each character
// mapped to its prototype in Unicode's confusables data, NFD again) of the
// lower-cased name, lower-cased again so that prototypes differing only in
// case ("0" maps to "O") meet. "" for "".
func nameSkeleton(s string) string {
	if s == "" {
		return ""
	}
	s = strings.Map(func(r rune) rune {
		if invisible(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, norm.NFD.String(strings.ToLower(s)))
	return strings.ToLower(confusables.Skeleton(s))
}

// BeforeCreate stores the skeletons of a new user's sign-in names, whichever
// operation creates it.
func (u *User) BeforeCreate(*gorm.DB) error {
	u.UsernameSkeleton, u.EmailSkeleton = nameSkeleton(u.Username), nameSkeleton(u.Email)
	return nil
}

// BeforeCreate stores the skeleton of a new role's name.
func (r *Role) BeforeCreate(*gorm.DB) error {
	r.NameSkeleton = nameSkeleton(r.Name)
	return nil
}

// BeforeCreate stores the skeleton of a new tenant role's name.
func (tr *TenantRole) BeforeCreate(*gorm.DB) error {
	tr.NameSkeleton = nameSkeleton(tr.Name)
	return nil
}

// lookAlikeUsers refuses a username or email (either may be "") whose
// skeleton is another user's username or email skeleton (other than except),
// in tx's tenant: one query on the skeleton indexes; then one that mixes
// alphabets. A field already refused keeps its message.
func lookAlikeUsers(tx *gorm.DB, f fieldErrors, username, email string, except uint64) error {
	su, se := nameSkeleton(username), nameSkeleton(email)
	var keys []string
	for _, k := range []string{su, se} {
		if k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	var others []User
	if err := tx.Select("id", "username", "email", "username_skeleton", "email_skeleton").
		Where("id <> ? AND (username_skeleton IN ? OR email_skeleton IN ?)", except, keys, keys).
		Order("id").Limit(10).Find(&others).Error; err != nil {
		return err
	}
	like := func(key string) string {
		for _, o := range others {
			switch key {
			case o.UsernameSkeleton:
				return "the existing user " + o.Username
			case o.EmailSkeleton:
				return o.Email + ", the email address of the existing user " + o.Username
			}
		}
		return ""
	}
	if su != "" {
		if o := like(su); o != "" {
			f.add("username", "This username looks like "+o+"; choose one that cannot be mistaken for it.")
		}
	}
	if se != "" {
		if o := like(se); o != "" {
			f.add("email", "This email address looks like "+o+"; use another.")
		}
	}
	mixedSignInName(f, "username", "This username", username)
	mixedSignInName(f, "email", "This email address", email)
	return nil
}

// lookAlikeRole refuses a role name whose skeleton is another role's (other
// than except) in tx's tenant, or, for a tenant role, among the tenant roles.
func lookAlikeRole(tx *gorm.DB, model any, what, name string, except uint64) error {
	var other struct{ Name string }
	err := tx.Model(model).Select("name").Where("id <> ? AND name_skeleton = ?", except, nameSkeleton(name)).
		Order("id").Limit(1).Scan(&other).Error
	if err != nil || other.Name == "" {
		return err
	}
	if strings.EqualFold(other.Name, name) { // the same name in another case (lower() in SQLite folds ASCII only)
		return &ValidationError{Fields: map[string]string{"name": "A " + what + " with this name exists."}}
	}
	return &ValidationError{Fields: map[string]string{"name": fmt.Sprintf("This name looks like the existing %s %s; choose one that cannot be mistaken for it.", what, other.Name)}}
}

// fillNameSkeletons computes the skeleton of every name stored without one:
// after migration 15 added the columns, and after a seed's set-based
// inserts. tx must reach every tenant (the owner's migration, or across
// tenants). Rows are read and written a batch at a time.
func fillNameSkeletons(tx *gorm.DB) error {
	type row struct {
		ID   uint64
		A, B string
	}
	fill := func(table, a, b, cond string) error {
		cols := "id, " + a + " AS a"
		if b != "" {
			cols += ", " + b + " AS b"
		} else {
			cols += ", '' AS b"
		}
		var after uint64
		for {
			var rows []row
			if err := tx.Raw("SELECT "+cols+" FROM "+table+" WHERE id > ? AND "+cond+" ORDER BY id LIMIT 500", after).Scan(&rows).Error; err != nil {
				return fmt.Errorf("fill %s skeletons: %w", table, err)
			}
			if len(rows) == 0 {
				return nil
			}
			// One statement a batch, its rows found by primary key: CASE rather
			// than UPDATE … FROM (VALUES …), which SQLite runs as a scan of
			// the table per batch.
			var sql strings.Builder
			args := make([]any, 0, 5*len(rows))
			ids := make([]any, 0, len(rows))
			cases := func(col string, value func(row) string) {
				sql.WriteString(col + "_skeleton = CASE id")
				for _, r := range rows {
					sql.WriteString(" WHEN ? THEN ?")
					args = append(args, r.ID, nameSkeleton(value(r)))
				}
				sql.WriteString(" END")
			}
			sql.WriteString("UPDATE " + table + " SET ")
			cases(a, func(r row) string { return r.A })
			if b != "" {
				sql.WriteString(", ")
				cases(b, func(r row) string { return r.B })
			}
			for _, r := range rows {
				ids = append(ids, r.ID)
				after = r.ID
			}
			sql.WriteString(" WHERE id IN ?")
			args = append(args, ids)
			if err := tx.Exec(sql.String(), args...).Error; err != nil {
				return fmt.Errorf("fill %s skeletons: %w", table, err)
			}
		}
	}
	if err := fill("users", "username", "email", "username_skeleton = ''"); err != nil {
		return err
	}
	if err := fill("roles", "name", "", "name_skeleton = ''"); err != nil {
		return err
	}
	return fill("tenant_roles", "name", "", "name_skeleton = ''")
}

// enterAcrossAsOwner lets the owner's migration transaction reach every
// tenant's rows on PostgreSQL, where row-level security is forced on the
// owner too (only a superuser or BYPASSRLS role passes it without).
func enterAcrossAsOwner(tx *gorm.DB) error { return tenancy.EnterAcrossAsOwner(tx) }
