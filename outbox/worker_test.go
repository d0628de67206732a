package outbox

import (
	"fmt"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/store"
)

// TestRunOnceTriesEveryQueuedEmail: with --once every queued email is
// tried, even when the oldest ones (more than a batch) keep failing.
func TestRunOnceTriesEveryQueuedEmail(t *testing.T) {
	r := newRig(t)
	w := r.worker()
	failing := perConnection*r.opts.Connections + 5 // more than one pass of the outbox takes
	r.queue("en-incident-screenshot.eml", "<alice-%d@acme.example>", failing)
	r.queue("en-question-how-to.eml", "<bob-%d@acme.example>", 3)
	r.smtp.FailRecipient("alice@acme.example", 451) // alice's receipts, the oldest, keep failing
	w.DeliverDue(t.Context(), time.Time{})          // what run --once does last
	toBob := 0
	for _, m := range r.smtp.Messages() {
		if m.To[0] == "bob@acme.example" {
			toBob++
		}
	}
	if toBob != 3 {
		t.Errorf("%d of bob's 3 receipts delivered behind %d failing ones", toBob, failing)
	}
}

// A backlog of receipts goes out over smtp.connections sessions at once,
// never more; a few receipts over one.
func TestOutboxConnections(t *testing.T) {
	for _, tc := range []struct{ connections, emails, want int }{
		{2, 40, 2},
		{1, 40, 1},
		{3, 5, 1},
	} {
		t.Run(fmt.Sprintf("%d connections, %d emails", tc.connections, tc.emails), func(t *testing.T) {
			r := newRig(t)
			r.opts.Connections = tc.connections
			w := r.worker()
			r.queue("en-incident-screenshot.eml", "<c-%d@acme.example>", tc.emails)
			r.smtp.HoldDataUntilSessions(tc.want)
			w.DeliverDue(t.Context(), time.Time{})
			if n := len(r.smtp.Messages()); n != tc.emails {
				t.Errorf("%d receipts delivered, want %d", n, tc.emails)
			}
			if n := r.smtp.MaxSessions(); n != tc.want {
				t.Errorf("at most %d SMTP sessions at once, want %d", n, tc.want)
			}
		})
	}
}

// Acceptances are recorded as soon as markBatch of them wait, without
// waiting for markDelay; the rest when the sessions are done.
func TestAcceptancesRecordedInGroups(t *testing.T) {
	r := newRig(t)
	r.opts.MarkDelay = time.Hour // only the count (or the end) may commit
	w := r.worker()
	r.queue("en-incident-screenshot.eml", "<g-%d@acme.example>", markBatch+3)
	due, err := r.db.DueOutbox(time.Now().Add(time.Hour), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, it := range due {
		ids = append(ids, it.ID)
	}
	if len(ids) != markBatch+3 {
		t.Fatalf("%d emails queued, want %d", len(ids), markBatch+3)
	}
	sent := func(id uint64) bool {
		it, err := r.db.OutboxItem(id)
		return err == nil && it.State == store.StateSent
	}
	accepted := make(chan uint64, len(ids))
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.markSentAsAccepted(accepted)
	}()
	for _, id := range ids {
		accepted <- id
	}
	mailtest.WaitUntil(t, 5*time.Second, "the first group recorded", func() bool { return sent(ids[markBatch-1]) })
	for _, id := range ids[markBatch:] {
		if sent(id) {
			t.Errorf("email %d recorded before its group was full or the sessions ended", id)
		}
	}
	close(accepted)
	<-done
	for _, id := range ids {
		if !sent(id) {
			t.Errorf("email %d not recorded after the sessions ended", id)
		}
	}
}

func TestConnectionShares(t *testing.T) {
	for _, tc := range []struct {
		n, conns int
		want     string
	}{
		{0, 2, "[]"},
		{1, 2, "[[0 1]]"},
		{10, 2, "[[0 10]]"},
		{15, 2, "[[0 10] [10 15]]"},
		{60, 2, "[[0 30] [30 60]]"},
		{100, 2, "[[0 50] [50 100]]"},
		{100, 1, "[[0 100]]"},
		{25, 4, "[[0 10] [10 20] [20 25]]"},
	} {
		var got [][2]int
		for lo, hi := range connectionShares(tc.n, tc.conns) {
			got = append(got, [2]int{lo, hi})
		}
		if fmt.Sprint(got) != tc.want {
			t.Errorf("connectionShares(%d, %d) = %v, want %s", tc.n, tc.conns, got, tc.want)
		}
	}
}

// A 4xx answer is retried until it clears; a 5xx fails the email for
// good.
func TestTemporaryAndPermanentSMTPFailures(t *testing.T) {
	r := newRig(t)
	r.smtp.FailRecipient("alice@acme.example", 451)
	r.smtp.FailRecipient("carmen@globex.example", 550)
	r.queue("en-incident-screenshot.eml", "<temp-%d@acme.example>", 1)
	r.queue("es-incidencia-captura-octet-stream.eml", "<perm-%d@globex.example>", 1)
	w := r.worker()
	r.run(w)
	w.Kick()
	mailtest.WaitUntil(t, 10*time.Second, "carmen's receipt failed for good", func() bool {
		failed, err := r.db.FailedOutbox()
		return err == nil && len(failed) == 1
	})
	r.smtp.FailRecipient("alice@acme.example", 0)
	msgs := r.smtp.WaitFor(1, 10*time.Second)
	if len(msgs) != 1 || msgs[0].To[0] != "alice@acme.example" {
		t.Fatalf("after the 4xx cleared, alice's receipt should arrive; got %d emails", len(msgs))
	}
	failed, err := r.db.FailedOutbox()
	if err != nil || len(failed) != 1 || failed[0].To != "carmen@globex.example" {
		t.Errorf("the 5xx receipt must be recorded as failed for good: %+v, %v", failed, err)
	}
}

// StopAfterPass (run --once once the inbox is drained) lets the pass in
// flight finish its SMTP session rather than cutting it: an email whose
// data the server is still reading is accepted and recorded as sent.
func TestStopAfterPassFinishesTheSession(t *testing.T) {
	r := newRig(t)
	started, release := make(chan struct{}, 1), make(chan struct{})
	r.smtp = mailtest.StartSMTPWith(t, mailtest.SMTPOptions{DataStarted: started, Release: release})
	r.queue("en-incident-screenshot.eml", "<stop-%d@acme.example>", 3)
	w := r.worker()
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(t.Context())
	}()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("DATA never started")
	}
	w.StopAfterPass()
	select {
	case <-done:
		t.Fatal("Run returned with a session in flight")
	case <-time.After(200 * time.Millisecond):
	}
	go r.smtp.Stop() // releases the data held
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its pass")
	}
	if depth, _, err := w.Stats(); err != nil || depth != 0 {
		t.Errorf("%d emails still queued (%v), want every one sent", depth, err)
	}
	if n := len(r.smtp.Messages()); n != 3 {
		t.Errorf("%d emails accepted, want 3", n)
	}
}
