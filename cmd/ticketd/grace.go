package main

import (
	"context"
	"time"
)

// workLimit bounds one piece of work in hand (a chunk of mail, an SMTP
// batch) when nothing stops the daemon; every IMAP and SMTP command has its
// own, shorter timeout besides.
const workLimit = 10 * time.Minute

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
