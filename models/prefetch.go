package models

import (
	"context"

	"landlord/models/tenancy"
)

// A Prefetch is a page's read sent with the request's session check: on
// PostgreSQL the check, the tenant entry and the read travel as one pipeline
// in one implicit transaction, one round trip where there were two. The read
// runs before the check has answered, so it is held, not handed out:
//
//   - it runs in the tenant the session cookie was issued for, entered with
//     the server's proof, so row-level security confines it to that tenant;
//   - its rows count only if the check then finds a signed-in user of that
//     very tenant (Confirmed);
//   - they are used only by the model function that would have made the
//     same read, for the same tenant and query, after that function's own
//     permission check (a user below the page's level gets 403 and the rows
//     are dropped with the request).
//
// Elsewhere (SQLite) nothing is read ahead and the page reads as usual.
type Prefetch struct {
	tenant    uint64
	query     string // numbered
	args      []any
	page      Page[User] // its Query is the list's query, normalized
	read      bool       // the rows arrived
	confirmed bool       // the check found a signed-in user of tenant
}

// PrefetchUsers is page q of tenant's user list (UsersPage), to be read with
// the session check.
func PrefetchUsers(tenant uint64, q ListQuery) *Prefetch {
	q = q.normalize(userSorts)
	query, args := usersQuery(tenant, q, true)
	return &Prefetch{tenant: tenant, query: tenancy.Numbered(query), args: args,
		page: Page[User]{Query: q, Rows: make([]User, 0, q.PerPage)}}
}

// Confirmed says whether the session check that carried p found a signed-in
// user of p's tenant, so that p's rows may serve that user's request.
func (p *Prefetch) Confirmed() bool { return p != nil && p.read && p.confirmed }

// row collects one row of p's read.
func (p *Prefetch) row() func(scan func(dest ...any) error) error {
	return listedUserRow(p.tenant, func(u *User, total int64) error {
		p.page.Rows, p.page.Total = append(p.page.Rows, *u), total
		return nil
	})
}

type prefetchKey struct{}

// WithPrefetch offers p's rows to the request's model calls, which take
// them only if p's check confirmed them.
func WithPrefetch(ctx context.Context, p *Prefetch) context.Context {
	if p == nil {
		return ctx
	}
	return context.WithValue(ctx, prefetchKey{}, p)
}

// prefetchedUsers is the user list page the request read ahead, if it is
// page q (normalized) of ctx's tenant.
func prefetchedUsers(ctx context.Context, q ListQuery) (Page[User], bool) {
	p, _ := ctx.Value(prefetchKey{}).(*Prefetch)
	tenant, ok := TenantFrom(ctx)
	if !p.Confirmed() || !ok || tenant != p.tenant || q != p.page.Query {
		return Page[User]{}, false
	}
	return p.page, true
}

// checkAndRead sends the session check (query, a statement that needs no
// tenant), read's tenant entry and read's statement as one pipeline ending in
// one Sync, scans the check's one row into dest (or returns pgx.ErrNoRows)
// and collects read's rows into read.
func (s *Store) checkAndRead(ctx context.Context, query string, args []any, read *Prefetch, dest ...any) error {
	lead := &tenancy.Lead{Query: query, Args: args, Dest: dest}
	row := read.row()
	err := s.db.Pipeline(ctx, read.tenant, false, lead, read.query, read.args, func(_ []string, scan func(dest ...any) error) error { return row(scan) })
	if err != nil {
		return err
	}
	read.read = true
	return lead.Err
}
