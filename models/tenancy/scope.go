package tenancy

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// Tenant scoping.
//
// Every table with a tenant_id column is tenant-owned. The request's tenant travels
// in context.Context (WithTenant); the callbacks registered by RegisterScope
// add the tenant condition (tenant_id = the context's tenant) to every query, update, delete and row statement and
// set tenant_id on every create, so no call site has to remember it. A statement on a
// tenant table whose context carries no tenant fails with ErrNoTenant.
//
// The master tenant's cross-tenant operations go through AcrossTenants, the one
// explicit way in; grep for it to find every place that crosses tenants.

var (
	// ErrNoTenant is returned for a statement on a tenant table without a tenant in its context.
	ErrNoTenant = errors.New("tenant scope: no tenant in context")
	// ErrScopeViolation is returned for a statement the scoping cannot make safe.
	ErrScopeViolation = errors.New("tenant scope: statement not allowed")
)

func tenantCondition(table string, tenantID uint64) clause.Expression {
	return clause.Eq{Column: clause.Column{Table: table, Name: "tenant_id"}, Value: tenantID}
}

type tenantScoper struct {
	postgres bool
	// tables is every tenant-owned table, for statements that name a table but carry no schema.
	tables map[string]bool
	// joinTables are the many-to-many join tables, which GORM's association
	// queries join in a FROM clause of their own.
	joinTables map[string]bool
	// tableRef finds a tenant table named inside raw join SQL.
	tableRef *regexp.Regexp
}

// RegisterScope installs the tenant callbacks on db for tenantModels, the
// tenant-owned models (each with a TenantID; many-to-many join tables too).
func RegisterScope(db *gorm.DB, tenantModels []any) error {
	s := &tenantScoper{postgres: db.Dialector.Name() == "postgres", tables: map[string]bool{}, joinTables: map[string]bool{}}
	var names []string
	for _, m := range tenantModels {
		// Parse through the db's own cache so SetupJoinTable's join models are seen.
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			return err
		}
		sch := stmt.Schema
		if sch.LookUpField("TenantID") == nil {
			return fmt.Errorf("tenant model %s has no TenantID", sch.Name)
		}
		for _, rel := range sch.Relationships.Many2Many {
			if rel.JoinTable.LookUpField("TenantID") == nil {
				return fmt.Errorf("many-to-many %s.%s: join table %s needs a TenantID (SetupJoinTable)", sch.Name, rel.Name, rel.JoinTable.Table)
			}
			s.joinTables[rel.JoinTable.Table] = true
		}
		s.tables[sch.Table] = true
		names = append(names, regexp.QuoteMeta(sch.Table))
	}
	s.tableRef = regexp.MustCompile(`(?i)\b(` + strings.Join(names, "|") + `)\b`)

	cb := db.Callback()
	for _, err := range []error{
		cb.Create().Before("gorm:create").Register("landlord:tenant_create", s.create),
		cb.Query().Before("gorm:query").Register("landlord:tenant_query", s.filter),
		cb.Update().Before("gorm:update").Register("landlord:tenant_update", s.update),
		cb.Delete().Before("gorm:delete").Register("landlord:tenant_delete", s.delete),
		cb.Row().Before("gorm:row").Register("landlord:tenant_row", s.row),
		cb.Raw().Before("gorm:raw").Register("landlord:tenant_raw", s.raw),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *tenantScoper) isTenantTable(stmt *gorm.Statement) bool {
	if stmt.TableExpr != nil && s.tableRef.MatchString(stmt.TableExpr.SQL) {
		// Table("users u") or Table("users AS u"): stmt.Table is then the alias "u",
		// which is also what the tenant condition's CurrentTable names.
		return true
	}
	if stmt.Schema != nil && stmt.Table == stmt.Schema.Table {
		return stmt.Schema.LookUpField("TenantID") != nil
	}
	return s.tables[stmt.Table]
}

// tenantFor decides what a statement on a tenant table may see: a tenant id, or
// across=true for the named cross-tenant way in. Anything else is an error.
func (s *tenantScoper) tenantFor(db *gorm.DB) (id uint64, across bool, ok bool) {
	ctx := db.Statement.Context
	if s.postgres && ctx.Value(scopedTxKey{}) == nil {
		// On PostgreSQL row-level security only holds inside the store's transactions,
		// which switch to the application role and carry the tenant setting.
		db.AddError(fmt.Errorf("%w: %s outside a store transaction", ErrScopeViolation, db.Statement.Table))
		return 0, false, false
	}
	if IsAcross(ctx) {
		return 0, true, true
	}
	id, found := TenantFrom(ctx)
	if !found {
		db.AddError(fmt.Errorf("%w (table %s)", ErrNoTenant, db.Statement.Table))
		return 0, false, false
	}
	return id, false, true
}

// filter confines queries and deletes to the context's tenant.
func (s *tenantScoper) filter(db *gorm.DB) {
	if db.Error != nil || !s.callerSQLConfined(db, false) {
		return
	}
	stmt := db.Statement
	if !s.isTenantTable(stmt) {
		// A global table may still join tenant tables: those joins are confined or
		// refused like any other, unless the context crosses tenants.
		s.checkJoins(db, 0, IsAcross(stmt.Context))
		s.confineFromJoins(db, 0, IsAcross(stmt.Context))
		return
	}
	id, across, ok := s.tenantFor(db)
	if !ok {
		return
	}
	s.checkJoins(db, id, across)
	s.confineFromJoins(db, id, across)
	if across {
		return
	}
	addTenantWhere(stmt, id)
}

// addTenantWhere ANDs the tenant condition onto the statement's WHERE. The existing
// conditions are wrapped in one group first, so an Or(...) cannot escape the tenant.
func addTenantWhere(stmt *gorm.Statement, id uint64) {
	cond := tenantCondition(clause.CurrentTable, id)
	c, exists := stmt.Clauses["WHERE"]
	if w, isWhere := c.Expression.(clause.Where); exists && isWhere && len(w.Exprs) > 0 {
		c.Expression = clause.Where{Exprs: []clause.Expression{Group(w.Exprs), cond}}
		stmt.Clauses["WHERE"] = c
		return
	}
	stmt.AddClause(clause.Where{Exprs: []clause.Expression{cond}})
}

// Group is a list of conditions built in parentheses, always. clause.And(...) is
// not enough: a single raw condition comes back unwrapped, and gorm then decides
// whether to parenthesise it by looking for " OR " in its text, which misses
// "a = 1\nOR b = 2" and "a = 1 OR(b = 2)"; the OR would then escape the tenant.
type Group []clause.Expression

func (g Group) Build(b clause.Builder) {
	b.WriteByte('(')
	clause.Where{Exprs: g}.Build(b)
	b.WriteByte(')')
}

// checkJoins adds the tenant condition to every joined tenant table. Joins GORM
// builds from associations get it in their ON clause; a raw SQL join naming a tenant
// table cannot be confined, so it is refused outside AcrossTenants.
func (s *tenantScoper) checkJoins(db *gorm.DB, id uint64, across bool) {
	stmt := db.Statement
	for i := range stmt.Joins {
		j := &stmt.Joins[i]
		rels, isRelation := relationPath(stmt.Schema, j.Name)
		if !isRelation {
			// The join's arguments are written into it: a *gorm.DB among them is a subquery.
			if !across && s.tableRef.MatchString(sqlOf(db, clause.NamedExpr{SQL: j.Name, Vars: j.Conds})) {
				db.AddError(fmt.Errorf("%w: raw join on a tenant table (%q); join through an association", ErrScopeViolation, j.Name))
			}
			continue
		}
		owned := 0
		for _, r := range rels {
			if r.FieldSchema.LookUpField("TenantID") != nil {
				owned++
			}
		}
		if owned == 0 {
			continue
		}
		if !across && id == 0 {
			id, across, _ = s.tenantFor(db)
			if db.Error != nil {
				return
			}
		}
		if across {
			continue
		}
		if owned != len(rels) || j.Expression != nil {
			db.AddError(fmt.Errorf("%w: join %q mixes tenant and global tables", ErrScopeViolation, j.Name))
			return
		}
		cond := tenantCondition(clause.CurrentTable, id)
		if j.On != nil {
			j.On = &clause.Where{Exprs: []clause.Expression{Group(j.On.Exprs), cond}}
		} else {
			j.On = &clause.Where{Exprs: []clause.Expression{cond}}
		}
	}
}

func relationPath(sch *schema.Schema, name string) ([]*schema.Relationship, bool) {
	if sch == nil {
		return nil, false
	}
	var path []*schema.Relationship
	rels := sch.Relationships.Relations
	for _, part := range strings.Split(name, ".") {
		r, ok := rels[part]
		if !ok {
			return nil, false
		}
		path = append(path, r)
		rels = r.FieldSchema.Relationships.Relations
	}
	return path, true
}

// Caller-written SQL. The tenant condition reaches the statement's own table and
// its association joins, nothing else, so a tenant table named anywhere else
// would be read or written unconfined: in a FROM, INSERT or UPDATE clause of the
// caller's, in a Table() listing several tables or a subquery, or in a subquery
// in any clause, selected column, join condition or written value. GORM writes
// a *gorm.DB argument into the SQL as it stands: Raw SQL no callback saw, or a
// query scoped by its own context, not this statement's. Outside AcrossTenants
// these are refused.
var (
	// readsTable finds the words with which an expression reads a table: a
	// subquery's SELECT, PostgreSQL's TABLE t, SQLite's x IN t.
	readsTable = regexp.MustCompile(`(?i)\b(SELECT|TABLE|IN)\b`)
	// oneTable is what Table("users"), Table("users u") and Table("users AS u") write.
	oneTable = regexp.MustCompile(`(?i)^\s*(\w+\.)?\w+(\s+(AS\s+)?\w+)?\s*$`)
	// tableClauses name the tables a statement reads or writes. GORM adds its own
	// only when it builds the SQL, so one present in the callbacks is the caller's.
	tableClauses = map[string]bool{"FROM": true, "INSERT": true, "UPDATE": true}
	// identQuotes are the identifier quotes of both databases (and SQLite's brackets).
	identQuotes = strings.NewReplacer(`"`, "", "`", "", "[", "", "]", "")
)

// callerSQLConfined refuses a statement whose caller-written SQL names a tenant
// table out of the tenant condition's reach. writes says the statement is a
// create or update: stmt.Dest holds the values it writes, and a FROM clause
// naming a tenant table is refused outright (GORM joins none for writes).
func (s *tenantScoper) callerSQLConfined(db *gorm.DB, writes bool) bool {
	stmt := db.Statement
	if IsAcross(stmt.Context) || stmt.Context.Value(internalSQLKey{}) != nil {
		return true
	}
	refuse := func(where string) bool {
		db.AddError(fmt.Errorf("%w: %s names a tenant table the tenant condition cannot reach; use an association, or AcrossTenants", ErrScopeViolation, where))
		return false
	}
	if e := stmt.TableExpr; e != nil && s.tableRef.MatchString(sqlOf(db, e)) &&
		(len(e.Vars) > 0 || !oneTable.MatchString(identQuotes.Replace(e.SQL))) {
		return refuse("Table(...)")
	}
	for name, c := range stmt.Clauses {
		for _, e := range []clause.Expression{c.BeforeExpression, c.AfterNameExpression, c.Expression, c.AfterExpression} {
			if e == nil {
				continue
			}
			if from, isFrom := e.(clause.From); isFrom && name == "FROM" && !writes {
				if where, ok := s.fromConfinable(db, from); !ok {
					return refuse(where)
				}
				continue
			}
			text := sqlOf(db, e)
			if tableClauses[name] && s.tableRef.MatchString(text) || s.inSubquery(text) {
				return refuse(name)
			}
		}
	}
	for _, sel := range stmt.Selects {
		if s.inSubquery(sel) {
			return refuse("Select(...)")
		}
	}
	for _, j := range stmt.Joins {
		if j.On != nil && s.inSubquery(sqlOf(db, j.On)) {
			return refuse("the condition of join " + j.Name)
		}
	}
	if writes {
		for _, v := range mapValues(stmt.Dest) {
			if s.inSubquery(sqlOf(db, clause.Expr{SQL: "?", Vars: []any{v}})) {
				return refuse("a written value")
			}
		}
	}
	return true
}

// fromConfinable says whether a query's FROM clause can be confined: it lists
// no tenant table besides the statement's own, and joins no tenant table but a
// many-to-many join table, by name with an ON condition, as GORM's association
// queries do; confineFromJoins adds the tenant condition to that ON. A RIGHT or
// CROSS join would keep the joined table's rows whatever its ON says, and USING
// has no ON.
func (s *tenantScoper) fromConfinable(db *gorm.DB, from clause.From) (where string, ok bool) {
	for _, t := range from.Tables {
		if t.Name != clause.CurrentTable && s.tableRef.MatchString(sqlOf(db, clause.Expr{SQL: "?", Vars: []any{t}})) {
			return "FROM", false
		}
	}
	for _, j := range from.Joins {
		switch {
		case j.Expression != nil || j.Table.Raw:
			if s.tableRef.MatchString(sqlOf(db, j)) {
				return "a raw join in FROM", false
			}
		case s.joinTables[j.Table.Name]:
			if j.Type != "" && j.Type != clause.InnerJoin && j.Type != clause.LeftJoin || len(j.ON.Exprs) == 0 {
				return strings.TrimSpace(string(j.Type)+" JOIN") + " of a join table in FROM", false
			}
		case s.tableRef.MatchString(j.Table.Name):
			return "a join in FROM", false
		}
		if s.inSubquery(sqlOf(db, j.ON)) {
			return "a join condition in FROM", false
		}
	}
	return "", true
}

// confineFromJoins adds the tenant condition to the ON condition of every join
// on a join table in the query's FROM clause (fromConfinable let no other
// tenant table in).
func (s *tenantScoper) confineFromJoins(db *gorm.DB, id uint64, across bool) {
	stmt := db.Statement
	c, exists := stmt.Clauses["FROM"]
	from, isFrom := c.Expression.(clause.From)
	if db.Error != nil || !exists || !isFrom {
		return
	}
	joins := append([]clause.Join(nil), from.Joins...) // not the slice a cloned statement shares
	changed := false
	for i, j := range joins {
		if j.Expression != nil || j.Table.Raw || !s.joinTables[j.Table.Name] {
			continue
		}
		if !across && id == 0 {
			id, across, _ = s.tenantFor(db)
			if db.Error != nil {
				return
			}
		}
		if across {
			return
		}
		table := j.Table.Name
		if j.Table.Alias != "" {
			table = j.Table.Alias
		}
		joins[i].ON = clause.Where{Exprs: []clause.Expression{Group(j.ON.Exprs), tenantCondition(table, id)}}
		changed = true
	}
	if changed {
		from.Joins = joins
		c.Expression = from
		stmt.Clauses["FROM"] = c
	}
}

// inSubquery says whether text reads a tenant table: it has a word that reads a
// table, and names a tenant table other than as a column's qualifier (a name
// followed by a dot: "users.id" in a correlated subquery is the statement's
// own, confined table).
func (s *tenantScoper) inSubquery(text string) bool {
	if !readsTable.MatchString(text) {
		return false
	}
	text = identQuotes.Replace(text)
	for _, at := range s.tableRef.FindAllStringIndex(text, -1) {
		if !strings.HasPrefix(strings.TrimLeft(text[at[1]:], " \t\r\n"), ".") {
			return true
		}
	}
	return false
}

// sqlOf is the SQL e builds, on a scratch statement so the statement itself and
// its error stay as they were. The scratch statement has no table: the
// statement's own table, which the tenant condition confines, is written as "".
func sqlOf(db *gorm.DB, e clause.Expression) string {
	scratch := &gorm.DB{Config: db.Config}
	scratch.Statement = &gorm.Statement{DB: scratch, Context: db.Statement.Context, Schema: db.Statement.Schema, Clauses: map[string]clause.Clause{}}
	e.Build(scratch.Statement)
	return scratch.Statement.SQL.String()
}

// mapValues are the values of the maps GORM creates and updates from.
func mapValues(dest any) []any {
	rv := reflect.ValueOf(dest)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil
	}
	var out []any
	switch d := rv.Interface().(type) {
	case map[string]any:
		for _, v := range d {
			out = append(out, v)
		}
	case []map[string]any:
		for _, m := range d {
			for _, v := range m {
				out = append(out, v)
			}
		}
	}
	return out
}

// delete confines deletes like queries; the tenant registry only across tenants.
func (s *tenantScoper) delete(db *gorm.DB) {
	if db.Error != nil || !registryWriteAllowed(db) || !namesItsRows(db) {
		return
	}
	s.filter(db)
}

// namesItsRows refuses an update or delete of a tenant table that says
// nothing of which rows: GORM refuses such statements (ErrMissingWhereClause)
// by seeing no WHERE, and the tenant condition added here would otherwise pass
// for one and change every row of the tenant. The rows are named by a
// condition of the caller's or by the primary key of the model passed.
func namesItsRows(db *gorm.DB) bool {
	stmt := db.Statement
	if db.AllowGlobalUpdate || stmt.Schema == nil || stmt.Schema.LookUpField("TenantID") == nil {
		return true
	}
	if c, ok := stmt.Clauses["WHERE"]; ok {
		if w, isWhere := c.Expression.(clause.Where); isWhere && len(w.Exprs) > 0 {
			return true
		}
	}
	named := false
	if stmt.ReflectValue.IsValid() {
		each(stmt.ReflectValue, func(rv reflect.Value) bool {
			if rv.Kind() == reflect.Struct && rv.Type() == stmt.Schema.ModelType {
				for _, f := range stmt.Schema.PrimaryFields {
					if _, zero := f.ValueOf(stmt.Context, rv); !zero {
						named = true
						return false
					}
				}
			}
			return true
		})
	}
	if !named {
		db.AddError(gorm.ErrMissingWhereClause)
	}
	return named
}

// registryTables are the tenant registry and the master's tenant roles: every
// request may read them, but only the master's cross-tenant operations may
// change them (the same rule as their row-level security policies on PostgreSQL).
var registryTables = map[string]bool{"tenants": true, "tenant_roles": true}

func registryWriteAllowed(db *gorm.DB) bool {
	if !registryTables[db.Statement.Table] || IsAcross(db.Statement.Context) {
		return true
	}
	db.AddError(fmt.Errorf("%w: the tenant registry changes only through AcrossTenants", ErrScopeViolation))
	return false
}

// row handles Row/Rows/Scan: built queries are filtered, raw SQL is refused.
func (s *tenantScoper) row(db *gorm.DB) {
	if db.Statement.SQL.Len() > 0 {
		s.raw(db)
		return
	}
	s.filter(db)
}

// raw refuses Raw and Exec, which skip the other callbacks, unless the statement
// comes through AcrossTenants or is the store's own. On PostgreSQL, row-level
// security still confines what such SQL sees.
func (s *tenantScoper) raw(db *gorm.DB) {
	if db.Error != nil {
		return
	}
	ctx := db.Statement.Context
	if ctx.Value(internalSQLKey{}) != nil || IsAcross(ctx) {
		return
	}
	db.AddError(fmt.Errorf("%w: raw SQL outside AcrossTenants", ErrScopeViolation))
}

// update confines updates to the tenant and refuses moving a row to another tenant.
func (s *tenantScoper) update(db *gorm.DB) {
	if db.Error != nil || !registryWriteAllowed(db) || !s.callerSQLConfined(db, true) || !namesItsRows(db) {
		return
	}
	stmt := db.Statement
	if !s.isTenantTable(stmt) {
		return
	}
	id, across, ok := s.tenantFor(db)
	if !ok || across {
		return
	}
	for _, sel := range stmt.Selects {
		if sel == "*" {
			// Save and Select("*") write every column, tenant_id included, and Save
			// falls back to an upsert: tenant models update explicit columns instead.
			db.AddError(fmt.Errorf("%w: Save or Select(\"*\") on tenant table %s", ErrScopeViolation, stmt.Table))
			return
		}
	}
	// An explicit Clauses(clause.Set{...}) is written as it is, Dest unread.
	if set, isSet := stmt.Clauses["SET"].Expression.(clause.Set); isSet {
		for _, a := range set {
			if namesTenantID(a.Column.Name) {
				db.AddError(fmt.Errorf("%w: tenant_id cannot change", ErrScopeViolation))
				return
			}
		}
	}
	dest := reflect.ValueOf(stmt.Dest)
	for dest.Kind() == reflect.Pointer && !dest.IsNil() {
		dest = dest.Elem() // gorm writes Updates(&m) like Updates(m)
	}
	if dest.Kind() == reflect.Map {
		m, _ := dest.Interface().(map[string]any) // gorm writes no other map type
		for k, v := range m {
			if namesTenantID(k) && fmt.Sprint(v) != fmt.Sprint(id) {
				db.AddError(fmt.Errorf("%w: tenant_id cannot change", ErrScopeViolation))
				return
			}
		}
	} else if stmt.Schema != nil {
		if !s.rowsBelong(db, stmt.ReflectValue, id) || !s.rowsBelong(db, dest, id) {
			return
		}
	}
	addTenantWhere(stmt, id)
}

// create sets tenant_id on every new row and refuses rows of another tenant and
// upserts, whose ON CONFLICT DO UPDATE could overwrite another tenant's row (this
// is also what Save falls back to when its UPDATE matched nothing).
func (s *tenantScoper) create(db *gorm.DB) {
	if db.Error != nil || !registryWriteAllowed(db) || !s.callerSQLConfined(db, true) {
		return
	}
	stmt := db.Statement
	if !s.isTenantTable(stmt) {
		return
	}
	if c, ok := stmt.Clauses["ON CONFLICT"]; ok {
		if oc, isOC := c.Expression.(clause.OnConflict); !isOC || !oc.DoNothing {
			db.AddError(fmt.Errorf("%w: upsert (or Save) on tenant table %s", ErrScopeViolation, stmt.Table))
			return
		}
	}
	id, across, ok := s.tenantFor(db)
	if !ok {
		return
	}
	if stmt.Schema == nil || !stmt.ReflectValue.IsValid() || stmt.ReflectValue.Kind() == reflect.Map {
		db.AddError(fmt.Errorf("%w: create tenant rows from structs", ErrScopeViolation))
		return
	}
	field := stmt.Schema.LookUpField("TenantID")
	each(stmt.ReflectValue, func(rv reflect.Value) bool {
		v, zero := field.ValueOf(stmt.Context, rv)
		switch {
		case zero && across:
			db.AddError(fmt.Errorf("%w: a row created across tenants needs its TenantID", ErrScopeViolation))
			return false
		case zero:
			if err := field.Set(stmt.Context, rv, id); err != nil {
				db.AddError(err)
				return false
			}
		case !across && v.(uint64) != id:
			db.AddError(fmt.Errorf("%w: row belongs to another tenant", ErrScopeViolation))
			return false
		}
		return true
	})
}

// namesTenantID says whether a column name written by a map key or a SET clause
// is tenant_id. SQLite matches column names case-insensitively, so "TENANT_ID" is
// tenant_id there.
func namesTenantID(name string) bool {
	name = strings.Trim(strings.TrimSpace(name), "`\"")
	return strings.EqualFold(name, "tenant_id") || strings.EqualFold(name, "TenantID")
}

// rowsBelong checks that struct values being written carry no other tenant's id.
// A struct of another type (Updates(patch{...})) is written by its fields' column
// names, so its tenant_id column counts too.
func (s *tenantScoper) rowsBelong(db *gorm.DB, values reflect.Value, id uint64) bool {
	ok := true
	if !values.IsValid() {
		return true
	}
	each(values, func(rv reflect.Value) bool {
		if rv.Kind() != reflect.Struct {
			return true
		}
		field := db.Statement.Schema.LookUpField("TenantID")
		if rv.Type() != db.Statement.Schema.ModelType {
			other := &gorm.Statement{DB: db}
			if err := other.Parse(reflect.New(rv.Type()).Interface()); err != nil {
				return true // gorm cannot write it either
			}
			if field = other.Schema.LookUpField("tenant_id"); field == nil {
				return true
			}
		}
		if v, zero := field.ValueOf(db.Statement.Context, rv); !zero && fmt.Sprint(v) != fmt.Sprint(id) {
			db.AddError(fmt.Errorf("%w: row belongs to another tenant", ErrScopeViolation))
			ok = false
		}
		return ok
	})
	return ok
}

func each(rv reflect.Value, fn func(reflect.Value) bool) {
	rv = reflect.Indirect(rv)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			if !fn(reflect.Indirect(rv.Index(i))) {
				return
			}
		}
	case reflect.Struct:
		fn(rv)
	}
}
