package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

func TestHandoffTokenExpiresUnusedAfterItsTTL(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		clk := newFakeClock()
		w.s.SetClockForTest(clk.now)
		admin := w.aUsers[0]
		ctx := models.WithTenant(context.Background(), w.a.ID)
		early, err := w.s.IssueHandoff(ctx, &admin)
		if err != nil {
			t.Fatal(err)
		}
		late, err := w.s.IssueHandoff(ctx, &admin)
		if err != nil {
			t.Fatal(err)
		}
		clk.advance(models.HandoffTTL - time.Second)
		if u, err := w.s.RedeemHandoff(ctx, early); err != nil || u.ID != admin.ID {
			t.Fatalf("a second before the TTL: user %v, err %v", u != nil, err)
		}
		// Issued at the same moment and never used: only its age refuses it.
		clk.advance(time.Second)
		if u, err := w.s.RedeemHandoff(ctx, late); !errors.Is(err, models.ErrInvalidCredentials) {
			t.Fatalf("at the TTL: user %v, err %v; want ErrInvalidCredentials", u != nil, err)
		}
	})
}

// meetingClock holds every reading of the clock until n have been taken (or
// a few seconds pass), then tells the real time. RedeemHandoff reads the clock
// inside its transaction before it marks the token used, so n redemptions held
// there are all open, none having marked it, when they go on together.
type meetingClock struct {
	n       int
	mu      sync.Mutex
	arrived int
	met     chan struct{}
}

func (c *meetingClock) now() time.Time {
	c.mu.Lock()
	c.arrived++
	if c.arrived == c.n {
		close(c.met)
	}
	c.mu.Unlock()
	select {
	case <-c.met:
	case <-time.After(5 * time.Second):
	}
	return time.Now().UTC()
}

func TestConcurrentRedemptionsOfOneHandoffTokenSucceedOnce(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, d string) {
		w := setup(t, d)
		admin := w.aUsers[0]
		ctx := models.WithTenant(context.Background(), w.a.ID)
		token, err := w.s.IssueHandoff(ctx, &admin)
		if err != nil {
			t.Fatal(err)
		}
		const n = 4
		// SQLite's one connection runs the transactions one after another, so
		// there they cannot meet; on PostgreSQL they all read before any writes.
		if d == "postgres" {
			w.s.SetClockForTest((&meetingClock{n: n, met: make(chan struct{})}).now)
		}
		var (
			wg   sync.WaitGroup
			errs = make([]error, n)
		)
		for i := range n {
			wg.Go(func() { _, errs[i] = w.s.RedeemHandoff(ctx, token) })
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, models.ErrInvalidCredentials):
				t.Errorf("redemption failed otherwise: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d of %d concurrent redemptions succeeded, want exactly 1 (errors %v)", won, n, errs)
		}
	})
}
