package web

import (
	"sync"
	"time"
)

// loginThrottle counts failed logins per key (an account, an address) over a
// sliding window. After `free` failures each further attempt must wait twice as
// long as the last (up to maxWait); after `limit` failures in the window the key
// is refused until old failures age out.
type loginThrottle struct {
	mu      sync.Mutex
	now     func() time.Time
	window  time.Duration
	rules   map[string]throttleRule // by key prefix
	entries map[string][]time.Time
	sweep   time.Time
}

type throttleRule struct {
	free    int
	limit   int
	maxWait time.Duration
}

func newLoginThrottle(now func() time.Time) *loginThrottle {
	return &loginThrottle{
		now:    now,
		window: time.Hour,
		rules: map[string]throttleRule{
			// At most 100 failures per account per hour, slowed after 5.
			"account": {free: 5, limit: 100, maxWait: 5 * time.Minute},
			// An address may try many accounts (an office behind NAT), so it gets more room.
			"ip": {free: 20, limit: 300, maxWait: 5 * time.Minute},
		},
		entries: map[string][]time.Time{},
	}
}

func (t *loginThrottle) rule(key string) throttleRule {
	for prefix, r := range t.rules {
		if len(key) > len(prefix) && key[:len(prefix)] == prefix {
			return r
		}
	}
	return t.rules["account"]
}

// recent drops failures older than the window; the caller holds mu.
func (t *loginThrottle) recent(key string, now time.Time) []time.Time {
	fails := t.entries[key]
	i := 0
	for i < len(fails) && now.Sub(fails[i]) >= t.window {
		i++
	}
	fails = fails[i:]
	if len(fails) == 0 {
		delete(t.entries, key)
	} else {
		t.entries[key] = fails
	}
	return fails
}

// Wait says how long the caller must wait before trying any of keys again.
func (t *loginThrottle) Wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var longest time.Duration
	for _, k := range keys {
		r := t.rule(k)
		fails := t.recent(k, now)
		var wait time.Duration
		switch {
		case len(fails) >= r.limit:
			wait = fails[len(fails)-r.limit].Add(t.window).Sub(now)
		case len(fails) >= r.free:
			delay := time.Second << min(len(fails)-r.free, 20)
			wait = fails[len(fails)-1].Add(min(delay, r.maxWait)).Sub(now)
		}
		longest = max(longest, wait)
	}
	return longest
}

// Failed records a failed attempt against every key.
func (t *loginThrottle) Failed(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range keys {
		t.entries[k] = append(t.recent(k, now), now)
	}
	// Now and then forget keys whose failures have all aged out, so memory stays bounded.
	if now.Sub(t.sweep) > t.window {
		for k := range t.entries {
			t.recent(k, now)
		}
		t.sweep = now
	}
}

// Succeeded clears the keys' failures.
func (t *loginThrottle) Succeeded(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.entries, k)
	}
}
