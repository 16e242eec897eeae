package web

import (
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLoginThrottleSlowsThenRefusesAnAccount(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	th := newLoginThrottle(clk.now)
	key := "account:acme\\bob"
	for i := 0; i < 5; i++ {
		if w := th.Wait(key); w != 0 {
			t.Fatalf("attempt %d must not wait, got %v", i+1, w)
		}
		th.Failed(key)
	}
	if w := th.Wait(key); w != time.Second {
		t.Fatalf("after 5 failures wait %v, want 1s", w)
	}
	clk.advance(time.Second)
	th.Failed(key)
	if w := th.Wait(key); w != 2*time.Second {
		t.Fatalf("after 6 failures wait %v, want 2s", w)
	}
	// However patient the attacker, no more than 100 failures per hour.
	for i := 0; i < 200; i++ {
		clk.advance(th.Wait(key))
		th.Failed(key)
	}
	var lastHour int
	for _, f := range th.entries[key] {
		if clk.now().Sub(f) < time.Hour {
			lastHour++
		}
	}
	if lastHour > 100 {
		t.Fatalf("%d failures within the last hour", lastHour)
	}
	if th.Wait("account:acme\\alice") != 0 {
		t.Fatal("another account is throttled too")
	}
	th.Succeeded(key)
	if th.Wait(key) != 0 {
		t.Fatal("success did not clear the account")
	}
}

func TestLoginThrottleRefusesAtTheLimit(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	th := newLoginThrottle(clk.now)
	th.rules["account"] = throttleRule{free: 1000, limit: 100, maxWait: time.Minute}
	for i := 0; i < 100; i++ {
		th.Failed("account:x")
		clk.advance(time.Second)
	}
	if w := th.Wait("account:x"); w <= 0 || w > time.Hour {
		t.Fatalf("at the limit wait %v", w)
	}
	clk.advance(time.Hour)
	if w := th.Wait("account:x"); w != 0 {
		t.Fatalf("an hour later still waiting %v", w)
	}
}
