// Package lifecycle holds what the inbox and outbox workers share about
// stopping: how long work in hand may go on after a stop was asked for.
package lifecycle

import (
	"context"
	"time"
)

// Grace is how long the work in hand (a batch of mail being recorded, an
// SMTP session) may take after the daemon was told to stop.
const Grace = 8 * time.Second

// WorkLimit bounds one piece of work in hand (a chunk of mail, an SMTP
// batch) when nothing stops the daemon; every IMAP and SMTP command has
// its own, shorter timeout besides.
const WorkLimit = 10 * time.Minute

// InHand returns the context for work already in hand: it is not cancelled
// when ctx is (a batch being recorded, an email being sent, finish), but
// ends grace after ctx does, so that a stop never waits longer than that,
// and in any case after limit.
func InHand(ctx context.Context, grace, limit time.Duration) (context.Context, context.CancelFunc) {
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), limit)
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	return work, func() {
		stop()
		cancel()
	}
}
