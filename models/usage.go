package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// snapshotSQL records, in one statement, every tenant's counts on a day from
// its counters, with its own resources counted by kind; a tenant already
// recorded for the day keeps what was recorded. {{day}} and {{byKind}} are
// the dialect's forms below.
const snapshotSQL = `
INSERT {{ignore}}INTO usage_snapshots (tenant_id, day, users, resources, by_kind, taken_at)
SELECT u.tenant_id, {{day}}, u.users, u.resources, COALESCE(k.by_kind, '{}'), ?
FROM tenant_usage u
LEFT JOIN (
	SELECT tenant_id, {{byKind}} AS by_kind
	FROM (SELECT tenant_id, kind, count(*) AS n FROM resources GROUP BY tenant_id, kind) g
	GROUP BY tenant_id
) k ON k.tenant_id = u.tenant_id
WHERE TRUE
{{conflict}}`

// snapshotLockSQL lets one server process of an installation record a day:
// the lock is the installation's (its schema), held until the transaction ends.
const snapshotLockSQL = `SELECT pg_try_advisory_xact_lock(hashtext('landlord usage snapshot ' || current_schema()))`

// UTCDay is t's day in UTC, at midnight.
func UTCDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// SnapshotResult says what one snapshot did.
type SnapshotResult struct {
	Day      time.Time
	Recorded int64 // tenants recorded now; those recorded before are skipped
	// Busy: another server process was recording at the same moment, so
	// this one recorded nothing (PostgreSQL).
	Busy bool
}

// SnapshotUsage records every tenant's users and resources (by kind) for
// day's UTC day, as the system, in one statement across tenants. A tenant
// already recorded that day is skipped, so a day is never recorded twice and
// a tenant created since the last run is recorded by the next. On PostgreSQL
// an advisory lock lets one process do it while the others skip.
func (s *Store) SnapshotUsage(ctx context.Context, day time.Time) (SnapshotResult, error) {
	res := SnapshotResult{Day: UTCDay(day)}
	if a, ok := ActorFrom(ctx); !ok || !a.System {
		return res, fmt.Errorf("%w: only the system records usage", ErrForbidden)
	}
	r := strings.NewReplacer("{{ignore}}", "OR IGNORE ", "{{day}}", "?", "{{byKind}}", "json_group_object(kind, n)", "{{conflict}}", "")
	if s.postgres {
		r = strings.NewReplacer("{{ignore}}", "", "{{day}}", "CAST(? AS DATE)", "{{byKind}}", "json_object_agg(kind, n)::text",
			"{{conflict}}", "ON CONFLICT (tenant_id, day) DO NOTHING")
	}
	query := r.Replace(snapshotSQL)
	err := s.db.Tx(AcrossTenants(ctx, "record every tenant's daily usage"), func(tx *gorm.DB) error {
		if s.postgres {
			var got bool
			if err := tx.Raw(snapshotLockSQL).Row().Scan(&got); err != nil {
				return fmt.Errorf("usage snapshot lock: %w", err)
			}
			if !got {
				res.Busy = true
				return nil
			}
		}
		ins := tx.Exec(query, res.Day.Format(time.DateOnly), s.now())
		res.Recorded = ins.RowsAffected
		return ins.Error
	})
	return res, err
}

// UsagePeriod is what a usage report covers: one UTC day, or with Month the
// month Day falls in (the last day recorded in it, per tenant).
type UsagePeriod struct {
	Day   time.Time
	Month bool
}

// ParseUsagePeriod reads a period from YYYY-MM-DD (a day) or YYYY-MM (a month).
func ParseUsagePeriod(s string) (UsagePeriod, bool) {
	s = strings.TrimSpace(s)
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return UsagePeriod{Day: d}, true
	}
	if m, err := time.Parse("2006-01", s); err == nil {
		return UsagePeriod{Day: m, Month: true}, true
	}
	return UsagePeriod{}, false
}

// String is the period as ParseUsagePeriod reads it.
func (p UsagePeriod) String() string {
	if p.Month {
		return p.Day.Format("2006-01")
	}
	return p.Day.Format(time.DateOnly)
}

// bounds are the first day of the period and the day after its last.
func (p UsagePeriod) bounds() (from, until time.Time) {
	if p.Month {
		from = time.Date(p.Day.Year(), p.Day.Month(), 1, 0, 0, 0, 0, time.UTC)
		return from, from.AddDate(0, 1, 0)
	}
	from = UTCDay(p.Day)
	return from, from.AddDate(0, 0, 1)
}

// UsageRow is one tenant's line of a usage report.
type UsageRow struct {
	TenantID                   uint64
	Subdomain, Name, Currency  string
	AccountNumber, AccountName string
	CustomerNumber             string
	Day                        string // YYYY-MM-DD the counts are of
	Users, Resources           int64
	ByKind                     map[string]int64
	Live                       bool // today's counters, not yet recorded
}

// UsageReport is the master's billing report of a period.
type UsageReport struct {
	Period UsagePeriod
	Rows   []UsageRow
	Kinds  []string // the kinds present in Rows, sorted
}

// usageReportSQL reads the recorded rows of a period: each tenant's last
// recorded day in it (a day's period has one day), newest first.
const usageReportSQL = `
SELECT t.id, t.subdomain, t.name, t.currency, t.account_number, t.account_name, t.customer_number,
	{{dayText}}, s.users, s.resources, s.by_kind
FROM usage_snapshots s
JOIN tenants t ON t.id = s.tenant_id
WHERE s.day = (SELECT max(l.day) FROM usage_snapshots l WHERE l.tenant_id = s.tenant_id AND l.day >= {{date}} AND l.day < {{date}})
ORDER BY s.day DESC, lower(t.name), t.id`

// usageLiveSQL reads today's counters of the tenants not yet recorded today.
const usageLiveSQL = `
SELECT t.id, t.subdomain, t.name, t.currency, t.account_number, t.account_name, t.customer_number,
	u.users, u.resources, COALESCE(k.by_kind, '{}')
FROM tenants t
JOIN tenant_usage u ON u.tenant_id = t.id
LEFT JOIN (
	SELECT tenant_id, {{byKind}} AS by_kind
	FROM (SELECT tenant_id, kind, count(*) AS n FROM resources GROUP BY tenant_id, kind) g
	GROUP BY tenant_id
) k ON k.tenant_id = t.id
WHERE NOT EXISTS (SELECT 1 FROM usage_snapshots s WHERE s.tenant_id = t.id AND s.day = {{date}})
ORDER BY lower(t.name), t.id`

// UsageReport reads every tenant's usage of a period for the master
// (tenants: read): a day's snapshot, or a month's last recorded day per
// tenant (each row says which), newest first. When the day is today, the
// tenants not yet recorded come with their live counters.
func (s *Store) UsageReport(ctx context.Context, p UsagePeriod) (UsageReport, error) {
	rep := UsageReport{Period: p, Rows: []UsageRow{}}
	if err := requireMaster(ctx, FeatureTenants, LevelRead); err != nil {
		return rep, err
	}
	date, dayText, byKind := "?", "CAST(s.day AS TEXT)", "json_group_object(kind, n)"
	if s.postgres {
		date, dayText, byKind = "CAST(? AS DATE)", "to_char(s.day, 'YYYY-MM-DD')", "json_object_agg(kind, n)::text"
	}
	r := strings.NewReplacer("{{date}}", date, "{{dayText}}", dayText, "{{byKind}}", byKind)
	from, until := p.bounds()
	across := AcrossTenants(ctx, "the master's usage report")
	scan := func(live bool) func(_ []string, scan func(dest ...any) error) error {
		return func(_ []string, scan func(dest ...any) error) error {
			var (
				row                    UsageRow
				cur, accN, accName, cn sql.NullString
				byKind                 string
			)
			dest := []any{&row.TenantID, &row.Subdomain, &row.Name, &cur, &accN, &accName, &cn}
			if !live {
				dest = append(dest, &row.Day)
			}
			if err := scan(append(dest, &row.Users, &row.Resources, &byKind)...); err != nil {
				return err
			}
			row.Currency, row.AccountNumber, row.AccountName, row.CustomerNumber = cur.String, accN.String, accName.String, cn.String
			row.ByKind = map[string]int64{}
			if err := json.Unmarshal([]byte(byKind), &row.ByKind); err != nil {
				return fmt.Errorf("usage of tenant %d: by kind: %w", row.TenantID, err)
			}
			if live {
				row.Day, row.Live = from.Format(time.DateOnly), true
			}
			rep.Rows = append(rep.Rows, row)
			return nil
		}
	}
	query := r.Replace(usageReportSQL)
	err := s.db.ReadRows(across, func(tx *gorm.DB) *gorm.DB {
		return tx.Raw(query, from.Format(time.DateOnly), until.Format(time.DateOnly))
	}, scan(false))
	if err != nil {
		return rep, err
	}
	if !p.Month && from.Equal(UTCDay(s.now())) {
		query := r.Replace(usageLiveSQL)
		recorded := len(rep.Rows)
		err = s.db.ReadRows(across, func(tx *gorm.DB) *gorm.DB { return tx.Raw(query, from.Format(time.DateOnly)) }, scan(true))
		// Live counts are newer than anything recorded: they come first.
		rep.Rows = append(rep.Rows[recorded:], rep.Rows[:recorded]...)
	}
	kinds := map[string]bool{}
	for _, row := range rep.Rows {
		for k := range row.ByKind {
			kinds[k] = true
		}
	}
	for k := range kinds {
		rep.Kinds = append(rep.Kinds, k)
	}
	slices.Sort(rep.Kinds)
	return rep, err
}
