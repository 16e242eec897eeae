package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// `landlord usage snapshot` records a day once: the second run of the same
// day records nothing, a tenant created since is recorded by the next.
func TestUsageSnapshotCommandRecordsADayOnce(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			in := newInstance(t, d)
			in.cli("tenants", "create", "--subdomain", "acme", "--name", "Acme Corp")
			if out := in.cli("usage", "snapshot", "--day", "2026-03-01"); !strings.Contains(out, "usage of 2026-03-01: recorded 2 tenants") {
				t.Fatalf("first run: %q", out)
			}
			if out := in.cli("usage", "snapshot", "--day", "2026-03-01"); !strings.Contains(out, "recorded 0 tenants") {
				t.Fatalf("second run: %q", out)
			}
			in.cli("tenants", "create", "--subdomain", "beta", "--name", "Beta Corp")
			if out := in.cli("usage", "snapshot", "--day", "2026-03-01"); !strings.Contains(out, "recorded 1 tenants") {
				t.Fatalf("after beta: %q", out)
			}
			if out := in.cli("usage", "snapshot"); !strings.Contains(out, "usage of "+time.Now().UTC().Format(time.DateOnly)+": recorded 3 tenants") {
				t.Fatalf("today: %q", out)
			}
			if msg, _ := in.fails("usage", "snapshot", "--day", "March"); !strings.Contains(msg, "give a day as YYYY-MM-DD") {
				t.Fatalf("bad day: %s", msg)
			}
			if msg, _ := in.fails("usage", "frobnicate"); !strings.Contains(msg, "usage: landlord usage snapshot") {
				t.Fatalf("bad subcommand: %s", msg)
			}
		})
	}
}

// The server records today's usage when it starts, without a cron job.
func TestServeRecordsTodaysUsageAtStart(t *testing.T) {
	in := newInstance(t, "sqlite")
	in.serve()
	opts := models.Options{SQLitePath: filepath.Join(in.env["LANDLORD_DATA_DIR"], "landlord.db")}
	deadline := time.Now().Add(10 * time.Second)
	for storetest.ExecAt(t, opts, "UPDATE usage_snapshots SET users = users WHERE day = ?", time.Now().UTC().Format(time.DateOnly)) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("no usage recorded for today 10s after the server started")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
