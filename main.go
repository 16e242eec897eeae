// Landlord is a multi-tenant administration console.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"landlord/config"
	"landlord/models"
	"landlord/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "landlord:", err)
		os.Exit(1)
	}
}

const usage = `usage: landlord <command>

commands:
  serve                                         run the console (migrates first)
  migrate                                       apply database migrations
  set-admin-password <tenant> <email> [-]       create or reset a full-rights admin; asks for the
                                                password twice, or reads one line of stdin for -
  tenants list                                  print every tenant as JSON
  tenants create --subdomain S --name N         create a subtenant
  tenants disable S | tenants enable S          disable (ending its sessions) or enable a subtenant
  audit archive --before DATE [--tenant S] [--dir D]
                                                move events from before DATE (YYYY-MM-DD, UTC) into
                                                one JSON lines file per tenant, ending on its chain head
  audit verify [--tenant S] [--checkpoint FILE]
                                                check each tenant's chain of audit events and, with
                                                FILE, that it still reaches every head FILE names
  audit checkpoint [--tenant S]                 print each tenant's signed chain head as a JSON line
  usage snapshot [--day YYYY-MM-DD]              record every tenant's users and resources for the day
                                                (UTC, default today), once; prints how many were recorded
  dev seed --tenants N --users M [--resources R] [--password P] [--force]
                                                fill an empty install with N numbered tenants (t00001…)
                                                and M users spread over them, for demos and benchmarks
`

// run is the whole program, with its environment passed in so tests can run it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))

	switch args[0] {
	case "serve", "migrate", "set-admin-password", "tenants", "audit", "usage", "dev":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}

	auditKey, err := cfg.AuditChainKey()
	if err != nil {
		return err
	}
	store, err := models.Open(models.Options{PostgresURL: cfg.DatabaseURL, SQLitePath: cfg.SQLitePath(), AppRole: cfg.AppRole, MaxConns: cfg.DBMaxConns, AuditKey: auditKey})
	if err != nil {
		return err
	}
	defer store.Close()
	applied, err := store.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		logger.Info("migrated", "versions", applied)
	}

	// The command line acts as the system, in every tenant's audit log.
	ctx = models.WithActor(ctx, models.SystemActor("cli"))
	switch args[0] {
	case "migrate":
		fmt.Fprintf(stdout, "database is up to date (applied %d migrations now)\n", len(applied))
		return nil
	case "serve":
		return serve(ctx, cfg, store, logger, stdout)
	case "set-admin-password":
		if len(args) != 3 && len(args) != 4 {
			return errors.New("usage: landlord set-admin-password <tenant> <email> [-]")
		}
		password, err := adminPassword(ctx, args[3:], stdin, stderr)
		if err != nil {
			return err
		}
		u, err := store.SetAdminPassword(ctx, args[1], args[2], password)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "admin %s of tenant %s is ready; sign in with the email\n", u.Email, args[1])
		return nil
	case "audit":
		return auditCommand(ctx, store, args[1:], stdout)
	case "dev":
		return devCommand(ctx, store, args[1:], stdout)
	case "usage":
		return usageCommand(ctx, store, args[1:], stdout)
	default:
		return tenantsCommand(ctx, store, args[1:], stdout)
	}
}

// auditCommand archives, verifies or checkpoints tenants' audit logs: the
// one named, or every tenant.
func auditCommand(ctx context.Context, store *models.Store, args []string, stdout io.Writer) error {
	const use = "usage: landlord audit archive --before YYYY-MM-DD [--tenant S] [--dir D] | audit verify [--tenant S] [--checkpoint FILE] | audit checkpoint [--tenant S]"
	if len(args) == 0 || (args[0] != "archive" && args[0] != "verify" && args[0] != "checkpoint") {
		return errors.New(use)
	}
	fs := flag.NewFlagSet("audit "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	tenant := fs.String("tenant", "", "one tenant's subdomain (default: every tenant)")
	before := fs.String("before", "", "archive events from before this day (UTC)")
	dir := fs.String("dir", ".", "where archive files go")
	checkpoints := fs.String("checkpoint", "", "a file of checkpoints the chains must still reach")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("audit %s: %w; %s", args[0], err, use)
	}
	var tenants []models.Tenant
	if *tenant == "" {
		ts, err := store.ListTenants(ctx)
		if err != nil {
			return err
		}
		tenants = ts
	} else {
		t, err := store.TenantBySubdomain(ctx, *tenant)
		if err != nil {
			return fmt.Errorf("tenant %q: %w", *tenant, err)
		}
		tenants = []models.Tenant{*t}
	}
	switch args[0] {
	case "verify":
		if *checkpoints != "" {
			return verifyCheckpoints(ctx, store, tenants, *tenant != "", *checkpoints, stdout)
		}
		broken := 0
		for _, t := range tenants {
			check, err := store.VerifyAuditChain(models.WithTenant(ctx, t.ID))
			if err != nil {
				return err
			}
			if check.BrokenID != 0 {
				broken++
				fmt.Fprintf(stdout, "%s: broken at event %d: %s (%d events before it hold)\n", t.Subdomain, check.BrokenID, check.Reason, check.Checked)
			} else {
				fmt.Fprintf(stdout, "%s: %d events, chain holds\n", t.Subdomain, check.Checked)
			}
		}
		if broken > 0 {
			return fmt.Errorf("%d tenant(s) have a broken audit chain", broken)
		}
		return nil
	case "checkpoint":
		// A broken chain gets no line: signing its head would vouch for it.
		enc := json.NewEncoder(stdout)
		var broken []string
		for _, t := range tenants {
			cp, check, err := store.CheckpointAuditChain(ctx, &t)
			if err != nil {
				return err
			}
			if check.BrokenID != 0 {
				broken = append(broken, fmt.Sprintf("%s (broken at event %d: %s)", t.Subdomain, check.BrokenID, check.Reason))
				continue
			}
			if err := enc.Encode(cp); err != nil {
				return err
			}
		}
		if len(broken) > 0 {
			return fmt.Errorf("no checkpoint for %d tenant(s) whose audit chain is broken: %s", len(broken), strings.Join(broken, "; "))
		}
		return nil
	}
	day, err := time.Parse(time.DateOnly, *before)
	if err != nil {
		return fmt.Errorf("audit archive: --before %q: give a day as YYYY-MM-DD", *before)
	}
	for _, t := range tenants {
		if err := archiveTenant(ctx, store, t.Subdomain, day, *dir, stdout); err != nil {
			return fmt.Errorf("audit archive %s: %w", t.Subdomain, err)
		}
	}
	return nil
}

// verifyCheckpoints checks every tenant's chain against the checkpoints in
// file: each of a tenant's lines must be signed with the key and its head
// still reached. With one tenant named, other tenants' lines are skipped;
// otherwise a line of a tenant no longer in the database fails too.
func verifyCheckpoints(ctx context.Context, store *models.Store, tenants []models.Tenant, one bool, file string, stdout io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	lines, err := models.ReadAuditCheckpoints(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("audit verify: %s: %w", file, err)
	}
	var failures []string
	fail := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		failures = append(failures, msg)
		fmt.Fprintln(stdout, msg)
	}
	known := map[uint64]bool{}
	for _, t := range tenants {
		known[t.ID] = true
		rep, err := store.VerifyAuditCheckpoints(models.WithTenant(ctx, t.ID), lines)
		if err != nil {
			return err
		}
		if rep.Chain.BrokenID != 0 {
			fail("%s: broken at event %d: %s (%d events before it hold)", t.Subdomain, rep.Chain.BrokenID, rep.Chain.Reason, rep.Chain.Checked)
			continue
		}
		for _, res := range rep.Results {
			cp := res.Checkpoint
			switch {
			case !res.Reached:
				fail("%s: checkpoint on line %d (event %d at %s) not reached: %s", t.Subdomain, res.Line, cp.HeadID, cp.At.Format(time.RFC3339), res.Reason)
			case res.Reason != "":
				fmt.Fprintf(stdout, "%s: checkpoint on line %d (event %d at %s) reached: %s\n", t.Subdomain, res.Line, cp.HeadID, cp.At.Format(time.RFC3339), res.Reason)
			}
		}
		fmt.Fprintf(stdout, "%s: %d events, chain holds; %d checkpoint(s) checked\n", t.Subdomain, rep.Chain.Checked, len(rep.Results))
	}
	others := 0
	for _, l := range lines {
		switch cp := l.Checkpoint; {
		case l.Unreadable != "":
			fail("line %d: %s", l.Line, l.Unreadable)
		case known[cp.TenantID]:
		case one:
			others++
		case !store.CheckpointSigned(&cp):
			fail("line %d (tenant %q): its signature does not match: the line was changed, or not made with this server's audit key", l.Line, cp.Tenant)
		default:
			fail("%s: checkpoint on line %d names tenant id %d, which is no longer in the database", cp.Tenant, l.Line, cp.TenantID)
		}
	}
	if others > 0 {
		fmt.Fprintf(stdout, "%d line(s) of other tenants not checked\n", others)
	}
	if len(failures) > 0 {
		return fmt.Errorf("audit verify --checkpoint %s: %d failure(s), the first: %s", file, len(failures), failures[0])
	}
	return nil
}

// archiveTenant writes the archive to a temporary file and gives it its name
// only once the events are gone from the database, so a file under the final
// name always matches what was removed.
func archiveTenant(ctx context.Context, store *models.Store, sub string, before time.Time, dir string, stdout io.Writer) error {
	f, err := os.CreateTemp(dir, "."+sub+"-audit-*.jsonl")
	if err != nil {
		return err
	}
	h, err := store.ArchiveAudit(ctx, sub, before, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || h.Events == 0 {
		os.Remove(f.Name()) // nothing was removed from the database
		if err == nil {
			fmt.Fprintf(stdout, "%s: no events from before %s\n", sub, before.Format(time.DateOnly))
		}
		return err
	}
	name := filepath.Join(dir, fmt.Sprintf("%s-audit-through-%d.jsonl", sub, h.ThroughID))
	if err := os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("the events are archived in %s, which could not be renamed: %w", f.Name(), err)
	}
	fmt.Fprintf(stdout, "%s: %d events through %d archived to %s; the chain now starts after %s\n", sub, h.Events, h.ThroughID, name, h.EndsOnHash)
	return nil
}

const serveGCPercent = 400

func serve(ctx context.Context, cfg config.Config, store *models.Store, logger *slog.Logger, stdout io.Writer) error {
	if os.Getenv("GOGC") == "" {
		// The server's live heap is a few megabytes, so the collector's
		// default (run when the heap doubles) runs it thousands of times a
		// second under load: a tenth of the CPU. Letting the heap grow five
		// times over costs tens of megabytes and wins that back. GOGC
		// overrides it.
		debug.SetGCPercent(serveGCPercent)
	}
	if err := cfg.LoadOrCreateSessionSecret(); err != nil {
		return err
	}
	if err := store.UseRequestRole(ctx, cfg.AppDatabaseURL, models.RequestRolePassword(cfg.SessionSecret)); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv, err := web.NewServer(cfg, store, logger)
	if err == nil {
		// Migrations, the key and the request role's login are done: from
		// here on nothing in the server can reach a connection that
		// row-level security does not bind. (audit archive opens its own.)
		err = store.CloseOwner()
	}
	if err == nil {
		err = announce(ctx, cfg, store, ln.Addr(), stdout)
	}
	if err != nil {
		ln.Close()
		return err
	}
	go recordUsageDaily(ctx, store, logger)
	return srv.Serve(ctx, ln)
}

// announce tells the person who started the server where to open it and, on
// an install nobody can sign in to yet, how to make the first admin. The
// listener is up: connections wait in its queue until Serve takes them.
func announce(ctx context.Context, cfg config.Config, store *models.Store, addr net.Addr, stdout io.Writer) error {
	_, port, _ := net.SplitHostPort(addr.String())
	fmt.Fprintf(stdout, "Landlord is ready: open %s\n", cfg.ConsoleURL(port))
	has, err := store.MasterHasAdmin(ctx)
	if err != nil {
		return err
	}
	if !has {
		fmt.Fprintln(stdout, "No admin yet: in another terminal run `landlord set-admin-password master <your email>` (or `go run . set-admin-password master <your email>`); it asks for the password, then sign in with the email")
	}
	return nil
}

type tenantJSON struct {
	ID        uint64    `json:"id"`
	Subdomain string    `json:"subdomain"`
	Name      string    `json:"name"`
	Enabled   bool      `json:"enabled"`
	Created   time.Time `json:"created"`
}

func tenantsCommand(ctx context.Context, store *models.Store, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: landlord tenants list | create --subdomain S --name N | disable S | enable S")
	}
	switch args[0] {
	case "list":
		ts, err := store.ListTenants(ctx)
		if err != nil {
			return err
		}
		out := make([]tenantJSON, 0, len(ts))
		for _, t := range ts {
			out = append(out, tenantJSON{t.ID, t.Subdomain, t.Name, t.Enabled, t.CreatedAt})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "create":
		fs := flag.NewFlagSet("tenants create", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		sub := fs.String("subdomain", "", "tenant key, the host's first label")
		name := fs.String("name", "", "display name")
		if err := fs.Parse(args[1:]); err != nil {
			return fmt.Errorf("tenants create: %w", err)
		}
		t, err := store.CreateTenant(ctx, models.NewTenant{Subdomain: *sub, Name: *name})
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(tenantJSON{t.ID, t.Subdomain, t.Name, t.Enabled, t.CreatedAt})
	case "disable", "enable":
		if len(args) != 2 {
			return fmt.Errorf("usage: landlord tenants %s <subdomain>", args[0])
		}
		if err := store.SetTenantEnabled(ctx, args[1], args[0] == "enable"); err != nil {
			return fmt.Errorf("tenants %s %s: %w", args[0], args[1], err)
		}
		fmt.Fprintf(stdout, "tenant %s %sd\n", args[1], args[0])
		return nil
	}
	return fmt.Errorf("unknown tenants command %q", args[0])
}

const devUsage = "usage: landlord dev seed --tenants N --users M [--resources R] [--password P] [--force]"

// devCommand is what developers and benchmarks need and a production install
// does not: demo data.
func devCommand(ctx context.Context, store *models.Store, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "seed" {
		return errors.New(devUsage)
	}
	fs := flag.NewFlagSet("dev seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	tenants := fs.Int("tenants", 0, "tenants to make")
	users := fs.Int("users", 0, "users to spread over them")
	resources := fs.Int("resources", 0, "resources to spread over them (the first such seed also shares the master's)")
	password := fs.String("password", "", "every seeded user's password (default: a random one, printed)")
	force := fs.Bool("force", false, "seed even though the database holds subtenants")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("dev seed: %w\n%s", err, devUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("dev seed: unexpected %q\n%s", fs.Arg(0), devUsage)
	}
	res, err := store.Seed(ctx, models.SeedOptions{Tenants: *tenants, Users: *users, Resources: *resources, Password: *password, Force: *force})
	if err != nil {
		return fmt.Errorf("dev seed: %w", err)
	}
	fmt.Fprintf(stdout, "seeded %d tenants (%s to %s), %d users, %d resources, %d template copies in %s\n",
		res.Tenants, res.First, res.Last, res.Users, res.Resources, res.Templates, res.Took.Round(time.Millisecond))
	if res.Users > 0 {
		fmt.Fprintf(stdout, "every seeded user's password: %s\nfor example %s on %s's host\n", res.Password, res.ExampleUser, res.First)
	}
	return nil
}

const usageUsage = "usage: landlord usage snapshot [--day YYYY-MM-DD]"

// usageCommand records every tenant's usage of a day, as the server does
// daily, for a cron job: a day already recorded is not recorded again.
func usageCommand(ctx context.Context, store *models.Store, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "snapshot" {
		return errors.New(usageUsage)
	}
	fs := flag.NewFlagSet("usage snapshot", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dayFlag := fs.String("day", "", "the UTC day to record (default today)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("usage snapshot: %v; %s", err, usageUsage)
	}
	day := time.Now().UTC()
	if *dayFlag != "" {
		d, err := time.Parse(time.DateOnly, *dayFlag)
		if err != nil {
			return fmt.Errorf("usage snapshot: --day %q: give a day as YYYY-MM-DD", *dayFlag)
		}
		day = d
	}
	res, err := store.SnapshotUsage(ctx, day)
	if err != nil {
		return err
	}
	if res.Busy {
		fmt.Fprintf(stdout, "usage of %s: another process is recording it; recorded 0 tenants\n", res.Day.Format(time.DateOnly))
		return nil
	}
	fmt.Fprintf(stdout, "usage of %s: recorded %d tenants\n", res.Day.Format(time.DateOnly), res.Recorded)
	return nil
}

// recordUsageDaily records every tenant's usage at start and after each UTC
// midnight until ctx ends. Tenants already recorded that day are skipped,
// and on PostgreSQL one server process of several records it.
func recordUsageDaily(ctx context.Context, store *models.Store, logger *slog.Logger) {
	ctx = models.WithActor(ctx, models.SystemActor("daily usage"))
	for {
		res, err := store.SnapshotUsage(ctx, time.Now())
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			logger.Error("usage snapshot", "err", err)
		case res.Recorded > 0:
			logger.Info("usage snapshot", "day", res.Day.Format(time.DateOnly), "tenants", res.Recorded)
		}
		// A minute past midnight, so a clock a little behind still sees the new day.
		next := models.UTCDay(time.Now()).AddDate(0, 0, 1).Add(time.Minute)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
		}
	}
}
