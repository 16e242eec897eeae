package web

import (
	"fmt"
	"testing"
	"time"
)

// An address that fails against many accounts, once each, never trips an
// account's rule; its own rule must slow it.
func TestLoginThrottleSlowsAnAddressTryingManyAccounts(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	th := newLoginThrottle(clk.now)
	addr := "ip:203.0.113.7"
	account := func(i int) string { return fmt.Sprintf("account:acme\\user%d", i) }
	for i := range 20 {
		if w := th.Wait(addr, account(i)); w != 0 {
			t.Fatalf("attempt %d from the address must not wait, got %v", i+1, w)
		}
		th.Failed(addr, account(i))
	}
	if w := th.Wait(addr, account(20)); w != time.Second {
		t.Fatalf("after 20 failures from the address, a fresh account waits %v, want 1s", w)
	}
	clk.advance(time.Second)
	th.Failed(addr, account(20))
	if w := th.Wait(addr, account(21)); w != 2*time.Second {
		t.Fatalf("after 21 failures from the address wait %v, want 2s", w)
	}
	// The accounts themselves and other addresses are untouched.
	if w := th.Wait(account(0)); w != 0 {
		t.Fatalf("an account that failed once waits %v", w)
	}
	if w := th.Wait("ip:198.51.100.1", account(21)); w != 0 {
		t.Fatalf("another address waits %v", w)
	}
}
