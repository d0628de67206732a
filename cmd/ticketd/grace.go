package main

import (
	"context"
	"time"
)

// inHand returns the context for work already in hand: it is not cancelled
// when ctx is (a batch being recorded, an email being sent, finish), but
// ends grace after ctx does, so that a stop never waits longer than that,
// and in any case after limit.
func inHand(ctx context.Context, grace, limit time.Duration) (context.Context, context.CancelFunc) {
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), limit)
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	return work, func() {
		stop()
		cancel()
	}
}
