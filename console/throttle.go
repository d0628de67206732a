package console

import (
	"sync"
	"time"
)

// Login throttling: after maxFailures failed logins for one user name, or
// from one address, within failureWindow, further attempts are refused
// until the window has passed since the last failure.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
	// maxTracked bounds the keys remembered: beyond it the oldest
	// windows are dropped first (an attacker spraying names cannot grow
	// memory without bound).
	maxTracked = 10000
)

// throttle counts failed logins per key (a user name, an address).
type throttle struct {
	mu       sync.Mutex
	failures map[string]*failures
}

type failures struct {
	n    int
	last time.Time
}

func newThrottle() *throttle { return &throttle{failures: map[string]*failures{}} }

// blocked reports whether any of keys has too many recent failures.
func (t *throttle) blocked(now time.Time, keys ...string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if f := t.failures[k]; f != nil && now.Sub(f.last) < failureWindow && f.n >= maxFailures {
			return true
		}
	}
	return false
}

// fail records a failed login for each of keys.
func (t *throttle) fail(now time.Time, keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.failures) >= maxTracked {
		t.sweep(now)
	}
	for _, k := range keys {
		f := t.failures[k]
		if f == nil || now.Sub(f.last) >= failureWindow {
			f = &failures{}
			t.failures[k] = f
		}
		f.n++
		f.last = now
	}
}

// succeed forgets the failures of keys.
func (t *throttle) succeed(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.failures, k)
	}
}

// sweep drops expired windows, then, if still full, everything: the
// throttle errs toward letting a real user in over remembering an attack.
func (t *throttle) sweep(now time.Time) {
	for k, f := range t.failures {
		if now.Sub(f.last) >= failureWindow {
			delete(t.failures, k)
		}
	}
	if len(t.failures) >= maxTracked {
		clear(t.failures)
	}
}
