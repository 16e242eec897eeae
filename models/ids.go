package models

import (
	"fmt"
	"math"
	"reflect"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"landlord/models/tenancy"
)

// Ids are kept in signed 64-bit columns on both databases, while the models
// take them as uint64. An id above 2^63-1 therefore names no row; sent to
// PostgreSQL it would fail the statement as out of range (a server error)
// instead. So a statement whose conditions or arguments carry such an id is
// not sent: it fails with errIDOutOfRange, which is ErrNotFound, and
// gorm.ErrRecordNotFound too, so the callers' "no such row" paths (a 404, a
// message by a field) take it as what it is.
var errIDOutOfRange = fmt.Errorf("%w: an id above 2^63-1 (%w)", ErrNotFound, gorm.ErrRecordNotFound)

// registerIDRange refuses, before it runs, every query, update, delete and
// raw statement that names an id no column can hold.
func registerIDRange(db *gorm.DB) error {
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().Before("gorm:query").Register("landlord:id_range_query", refuseIDsOutOfRange),
		cb.Update().Before("gorm:update").Register("landlord:id_range_update", refuseIDsOutOfRange),
		cb.Delete().Before("gorm:delete").Register("landlord:id_range_delete", refuseIDsOutOfRange),
		cb.Row().Before("gorm:row").Register("landlord:id_range_row", refuseIDsOutOfRange),
		cb.Raw().Before("gorm:raw").Register("landlord:id_range_raw", refuseIDsOutOfRange),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func refuseIDsOutOfRange(db *gorm.DB) {
	if db.Error != nil {
		return
	}
	stmt := db.Statement
	// Raw and Exec have their arguments in Vars already; built statements
	// have theirs in the conditions.
	bad := anyOutOfRange(stmt.Vars)
	if c, ok := stmt.Clauses["WHERE"]; ok && !bad {
		if w, ok := c.Expression.(clause.Where); ok {
			bad = exprsOutOfRange(w.Exprs)
		}
	}
	if bad {
		db.AddError(errIDOutOfRange)
	}
}

func exprsOutOfRange(es []clause.Expression) bool {
	for _, e := range es {
		if exprOutOfRange(e) {
			return true
		}
	}
	return false
}

func exprOutOfRange(e clause.Expression) bool {
	switch e := e.(type) {
	case clause.Expr:
		return anyOutOfRange(e.Vars)
	case clause.NamedExpr:
		return anyOutOfRange(e.Vars)
	case clause.IN:
		return anyOutOfRange(e.Values)
	case clause.Eq:
		return outOfRange(e.Value)
	case clause.Neq:
		return outOfRange(e.Value)
	case clause.Gt:
		return outOfRange(e.Value)
	case clause.Gte:
		return outOfRange(e.Value)
	case clause.Lt:
		return outOfRange(e.Value)
	case clause.Lte:
		return outOfRange(e.Value)
	case clause.AndConditions:
		return exprsOutOfRange(e.Exprs)
	case clause.OrConditions:
		return exprsOutOfRange(e.Exprs)
	case clause.NotConditions:
		return exprsOutOfRange(e.Exprs)
	case tenancy.Group:
		return exprsOutOfRange(e)
	}
	return false
}

func anyOutOfRange(vs []any) bool {
	for _, v := range vs {
		if outOfRange(v) {
			return true
		}
	}
	return false
}

// outOfRange is true for an unsigned integer above 2^63-1, alone, behind a
// pointer or in a slice (an IN list).
func outOfRange(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case uint64:
		return v > math.MaxInt64
	case uint:
		return uint64(v) > math.MaxInt64
	case *uint64:
		return v != nil && *v > math.MaxInt64
	case []uint64:
		for _, n := range v {
			if n > math.MaxInt64 {
				return true
			}
		}
		return false
	case clause.Expression:
		return exprOutOfRange(v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Interface {
		for i := 0; i < rv.Len(); i++ {
			if outOfRange(rv.Index(i).Interface()) {
				return true
			}
		}
	}
	return false
}
