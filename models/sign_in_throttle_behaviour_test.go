package models

import (
	"testing"
	"time"
)

// A count moves on by whole windows; a failure made late in one window must
// still count minutes later, at the start of the next, wherever the count's
// first window began.
func TestAFailureMinutesAgoCountsWhateverWindowItFellIn(t *testing.T) {
	start := throttleStart
	f := loginFailures{WindowStart: start, LastFailureAt: start}.plusOne(start)
	late := start.Add(2*throttleWindow - time.Minute) // late in the count's second window
	f = f.plusOne(late)
	if got := f.recent(late.Add(2 * time.Minute)); got < 1 {
		t.Fatalf("two minutes after a failure the count is %d", got)
	}
}

// An address (an office behind NAT, or one attacker) gets more free failures
// than an account, but is then slowed the same way.
func TestAnAddressIsSlowedAfterItsFreeFailures(t *testing.T) {
	now := throttleStart
	f := loginFailures{WindowStart: now, LastFailureAt: now}
	for i := 0; i < addressRule.free; i++ {
		if !addressRule.allows(f, now) {
			t.Fatalf("free failure %d refused", i+1)
		}
		f = f.plusOne(now)
	}
	if addressRule.allows(f, now) {
		t.Fatal("let in at once after its free failures")
	}
	if !addressRule.allows(f, now.Add(time.Second)) {
		t.Fatal("still refused a second later")
	}
}
