package tenancy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// ReadRows runs one read-only statement, built by build on a session
// confined to ctx's tenant (the scoping callbacks see it as they see every
// statement), and calls row for each row it returns with the row's column
// names and a scan function.
//
// On PostgreSQL the tenant entry and the statement go to the server as one
// pipeline ending in one Sync: one implicit transaction, so the entry's
// signed scope holds for the statement and ends with it, in one round trip
// instead of four (BEGIN, the entry, the statement, COMMIT). Elsewhere it is
// an ordinary store transaction.
func (d *DB) ReadRows(ctx context.Context, build func(tx *gorm.DB) *gorm.DB, row func(cols []string, scan func(dest ...any) error) error) error {
	if !d.postgres {
		return d.Tx(ctx, func(tx *gorm.DB) error {
			rows, err := build(tx).Rows()
			if err != nil {
				return err
			}
			defer rows.Close()
			cols, err := rows.Columns()
			if err != nil {
				return err
			}
			for rows.Next() {
				if err := row(cols, rows.Scan); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	}
	if d.rlsKey == nil {
		return errors.New("tenant context: the store was not migrated")
	}
	// Built, not run: the statement with its arguments, after the scoping.
	dry := build(d.db.WithContext(scoped(ctx)).Session(&gorm.Session{DryRun: true}))
	if _, err := dry.Rows(); err != nil && !errors.Is(err, gorm.ErrDryRunModeUnsupported) {
		return err
	}
	if dry.Error != nil && !errors.Is(dry.Error, gorm.ErrDryRunModeUnsupported) {
		return dry.Error
	}
	query, args := dry.Statement.SQL.String(), dry.Statement.Vars
	if query == "" {
		return errors.New("read: the statement was not built")
	}
	return d.pipeline(ctx, query, args, row)
}

// ReadSQL runs query, a read-only statement written with ? placeholders that
// confines itself to ctx's tenant, and calls row for each row it returns. It
// skips GORM and its scoping: a statement for it names the tenant in every
// tenant table it reads, and on PostgreSQL row-level security, bound by the
// tenant entry sent with it, confines it too.
func (d *DB) ReadSQL(ctx context.Context, query string, args []any, row func(scan func(dest ...any) error) error) error {
	if !d.postgres {
		return d.Tx(ctx, func(tx *gorm.DB) error {
			rows, err := tx.Statement.ConnPool.QueryContext(ctx, query, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				if err := row(rows.Scan); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	}
	if d.rlsKey == nil {
		return errors.New("tenant context: the store was not migrated")
	}
	return d.pipeline(ctx, Numbered(query), args, func(_ []string, scan func(dest ...any) error) error { return row(scan) })
}

// Numbered turns the ? placeholders of query, which holds no literal ?,
// into PostgreSQL's $1, $2, ...
func Numbered(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// pipeline sends ctx's tenant entry and query as one pipeline ending in one
// Sync (see ReadRows) and calls row for each row of query's result.
func (d *DB) pipeline(ctx context.Context, query string, args []any, row func(cols []string, scan func(dest ...any) error) error) error {
	tenant, _ := TenantFrom(ctx)
	return d.Pipeline(ctx, tenant, IsAcross(ctx), nil, query, args, row)
}

// Lead is a statement sent ahead of a pipeline's tenant entry, one that
// needs no tenant (the session check): its one row goes into Dest, and Err
// is what scanning it gave (nil, or pgx.ErrNoRows).
type Lead struct {
	Query string
	Args  []any
	Dest  []any
	Err   error
}

// Pipeline sends lead (if not nil), the entry of tenant (across tenants if
// across) and query as one pipeline ending in one Sync, on PostgreSQL only:
// the session check and a page's read in one round trip (see ReadRows).
// lead's row goes into lead.Dest; query's rows go to row.
func (d *DB) Pipeline(ctx context.Context, tenant uint64, across bool, lead *Lead, query string, args []any, row func(cols []string, scan func(dest ...any) error) error) error {
	conn, err := d.sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		b := &pgx.Batch{}
		if lead != nil {
			b.Queue(lead.Query, lead.Args...)
		}
		b.Queue(d.enterSQL(true), int64(tenant), across, d.EnterProof(tenant, across))
		b.Queue(query, args...)
		br := dc.(*stdlib.Conn).Conn().SendBatch(ctx, b)
		if lead != nil {
			lead.Err = br.QueryRow().Scan(lead.Dest...)
			if lead.Err != nil && !errors.Is(lead.Err, pgx.ErrNoRows) {
				br.Close()
				return lead.Err
			}
		}
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("enter tenant as %s: %w", d.appRole, err)
		}
		if err := readResult(br, row); err != nil {
			br.Close()
			return err
		}
		return br.Close()
	})
}

// readResult calls row for each row of br's next result.
func readResult(br pgx.BatchResults, row func(cols []string, scan func(dest ...any) error) error) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	fields := rows.FieldDescriptions()
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = f.Name
	}
	for rows.Next() {
		if err := row(cols, rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// QueryRow reads the one row of query, a statement that needs no tenant
// (the session check), into dest, or returns sql.ErrNoRows or pgx.ErrNoRows.
// On PostgreSQL it scans with the driver's own types, every request's first
// statement being worth more than database/sql's conversions.
func (d *DB) QueryRow(ctx context.Context, query string, args []any, dest ...any) error {
	if !d.postgres {
		return d.sqlDB.QueryRowContext(ctx, query, args...).Scan(dest...)
	}
	conn, err := d.sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		return dc.(*stdlib.Conn).Conn().QueryRow(ctx, query, args...).Scan(dest...)
	})
}
