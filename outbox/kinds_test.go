package outbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// recordingDest records the items it is given and answers each with err
// (nil: delivered); unavailable makes err a failure of the destination as
// a whole.
type recordingDest struct {
	err         error
	unavailable bool

	mu    sync.Mutex
	calls []string // "kind:to" per item given
}

func (d *recordingDest) Deliver(_ context.Context, items []store.OutboxItem, accepted func(int)) []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	errs := make([]error, len(items))
	for i, it := range items {
		d.calls = append(d.calls, it.Kind+":"+it.To)
		errs[i] = d.err
		if d.err == nil {
			accepted(i)
		}
	}
	return errs
}

func (d *recordingDest) Permanent(error) bool   { return false }
func (d *recordingDest) Unavailable(error) bool { return d.unavailable }
func (d *recordingDest) Refused(error) bool     { return false }
func (d *recordingDest) given() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.calls)
}
func (d *recordingDest) reset() { d.mu.Lock(); defer d.mu.Unlock(); d.calls = nil }

var _ Destination = (*recordingDest)(nil)

// queued numbers queueKinds' intakes, whose dedupe keys must differ.
var queued atomic.Int64

// queueKinds queues one item of each kind, in order, addressed to "<kind><i>".
func queueKinds(t *testing.T, db *store.DB, kinds ...string) {
	t.Helper()
	for i, kind := range kinds {
		in := &store.Intake{
			Key:     fmt.Sprintf("mid:kinds-%d@x", queued.Add(1)),
			Outcome: rules.Rejected,
			Compose: func(*store.Ticket) ([]store.Outgoing, error) {
				return []store.Outgoing{{Kind: kind, To: fmt.Sprintf("%s%d", kind, i), Payload: []byte("{}"), Uncapped: true}}, nil
			},
		}
		if _, err := db.Record(in); err != nil {
			t.Fatal(err)
		}
	}
}

// Two workers share one outbox, split by kind: each is given only its own
// kinds, and the failures of one (items retried later, or its destination
// down) neither reach nor hold back the other.
func TestWorkersSplitByKind(t *testing.T) {
	for _, tc := range []struct {
		name        string
		unavailable bool
	}{
		{"webhook items retried", false},
		{"webhook destination down", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Now()
			clock := func() time.Time { return now }
			db, err := store.Open(filepath.Join(t.TempDir(), "ticketd.db"), store.Options{Timeout: time.Second, Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			queueKinds(t, db, "receipt", "webhook", "rejection", "webhook", "receipt")
			retry := Retry{Min: time.Minute, Max: time.Hour, MaxAge: 24 * time.Hour}
			mail := &recordingDest{}
			hooks := &recordingDest{err: errors.New("HTTP 500"), unavailable: tc.unavailable}
			mailW := New(Options{Store: db, Destination: mail, Retry: retry, ExceptKinds: []string{"webhook"}, Now: clock})
			hookW := New(Options{Store: db, Destination: hooks, Retry: retry, Kinds: []string{"webhook"}, Now: clock})

			ctx := t.Context()
			hookW.DeliverDue(ctx, now)
			if got := hooks.given(); !slices.Equal(got, []string{"webhook:webhook1", "webhook:webhook3"}) {
				t.Errorf("webhook worker given %v, want the two webhooks", got)
			}
			mailW.DeliverDue(ctx, now)
			if got := mail.given(); !slices.Equal(got, []string{"receipt:receipt0", "rejection:rejection2", "receipt:receipt4"}) {
				t.Errorf("email worker given %v, want the three emails", got)
			}
			if depth, _, err := mailW.Stats(); err != nil || depth != 0 {
				t.Errorf("email worker's depth = %d, %v; want 0", depth, err)
			}
			if depth, _, err := hookW.Stats(); err != nil || depth != 2 {
				t.Errorf("webhook worker's depth = %d, %v; want 2", depth, err)
			}
			// The webhooks wait for a retry; the email worker has nothing
			// to wake up for, and later passes give it nothing.
			if _, ok, err := db.NextDueOf(mailW.f); err != nil || ok {
				t.Errorf("the email worker would wake for a retry (%v, %v): it has none", ok, err)
			}
			if next, ok, err := db.NextDueOf(hookW.f); err != nil || !ok || !next.After(now) {
				t.Errorf("webhooks' next retry = %v, %v, %v; want one after now", next, ok, err)
			}
			mail.reset()
			hooks.reset()
			mailW.DeliverDue(ctx, now.Add(2*time.Hour))
			if got := mail.given(); len(got) != 0 {
				t.Errorf("email worker given %v once the webhooks fell due", got)
			}
			// Meanwhile new emails go out at once, whatever the webhooks'
			// state.
			queueKinds(t, db, "ack")
			mailW.DeliverDue(ctx, now)
			if got := mail.given(); !slices.Equal(got, []string{"ack:ack0"}) {
				t.Errorf("email worker given %v, want the new ack", got)
			}
			hooks.err = nil
			hookW.DeliverDue(ctx, time.Time{}) // every pending item, as run --once
			if got := hooks.given(); !slices.Equal(got, []string{"webhook:webhook1", "webhook:webhook3"}) {
				t.Errorf("webhook worker given %v on its retry, want the two webhooks", got)
			}
			if depth, _, err := db.OutboxStats(now); err != nil || depth != 0 {
				t.Errorf("outbox depth %d, %v; want 0", depth, err)
			}
		})
	}
}
