package models

import (
	"testing"
	"time"
)

var throttleStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestAccountRuleSlowsThenWaitsTwiceAsLongEachTime(t *testing.T) {
	now := throttleStart
	f := loginFailures{WindowStart: now, LastFailureAt: now}
	for i := 0; i < 5; i++ {
		if !accountRule.allows(f, now) {
			t.Fatalf("attempt %d refused", i+1)
		}
		f = f.plusOne(now)
	}
	for _, wait := range []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300} {
		wait *= time.Second
		if accountRule.allows(f, now.Add(wait-time.Millisecond)) {
			t.Fatalf("after %d failures let in before %v", f.Failures, wait)
		}
		now = now.Add(wait)
		if !accountRule.allows(f, now) {
			t.Fatalf("after %d failures still refused after %v", f.Failures, wait)
		}
		f = f.plusOne(now)
	}
}

// attack fails as often as rule allows, once a second at most, for d, and
// returns when each failure was.
func attack(rule throttleRule, d time.Duration) []time.Time {
	var fails []time.Time
	f := loginFailures{WindowStart: throttleStart, LastFailureAt: throttleStart}
	for now := throttleStart; now.Before(throttleStart.Add(d)); now = now.Add(time.Second) {
		if rule.allows(f, now) {
			f = f.plusOne(now)
			fails = append(fails, now)
		}
	}
	return fails
}

// mostInAnHour is the largest number of fails within any hour.
func mostInAnHour(fails []time.Time) int {
	most := 0
	for i := range fails {
		n := 0
		for j := i; j < len(fails) && fails[j].Sub(fails[i]) < time.Hour; j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}

func TestNoRuleLetsMoreThanItsLimitFailWithinAnHour(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule throttleRule
		most int
	}{
		{"account", accountRule, accountRule.limit},
		{"address", addressRule, addressRule.limit},
		{"limit without slowing", throttleRule{free: 1000, limit: 100, maxWait: time.Minute}, 100},
	} {
		fails := attack(tc.rule, 8*time.Hour)
		if got, least := mostInAnHour(fails), min(tc.rule.free, tc.most); got > tc.most || got < least {
			t.Errorf("%s: %d failures within an hour, want between %d and %d", tc.name, got, least, tc.most)
		}
		if len(fails) < 8 {
			t.Errorf("%s: only %d failures in 8 hours: the count never ages out", tc.name, len(fails))
		}
	}
}

func TestAKeyAtItsLimitIsLetInAgainWhenItsFailuresAgeOut(t *testing.T) {
	rule := throttleRule{free: 1000, limit: 100, maxWait: time.Minute}
	now := throttleStart
	f := loginFailures{WindowStart: now, LastFailureAt: now}
	for i := 0; i < 100; i++ {
		f = f.plusOne(now)
		now = now.Add(time.Second)
	}
	for _, later := range []time.Duration{0, time.Hour, 2*time.Hour - time.Second} {
		if rule.allows(f, throttleStart.Add(later)) {
			t.Fatalf("at the limit, let in %v later", later)
		}
	}
	if !rule.allows(f, throttleStart.Add(2*time.Hour)) {
		t.Fatal("still refused two hours later")
	}
}
