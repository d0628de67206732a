// Package retry holds the one backoff policy of ticketd (the inbox's
// reconnections and the outbox's redeliveries) and a sleep that ends on
// cancellation.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff returns how long to wait before retry number attempt (0 for the
// first retry): base doubled attempt times, capped at max, with "equal
// jitter": a random value in [d/2, d] where d = min(base<<attempt, max).
// base <= 0 gives 0; max < base is taken as base.
func Backoff(attempt int, base, max time.Duration) time.Duration {
	if base <= 0 {
		return 0
	}
	if max < base {
		max = base
	}
	d := base
	for i := 0; i < attempt && d < max; i++ {
		d *= 2 // cannot overflow before passing max: max is a Duration too
		if d <= 0 {
			d = max
		}
	}
	d = min(d, max)
	half := d / 2
	return half + rand.N(d-half+1)
}

// Sleep waits for d, returning early with the context's error when ctx
// ends first (after mox's mox.Sleep). d <= 0 returns at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
