package inbox

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

func TestSeenMessagesAreProcessed(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	markAllSeen(t, r)
	r.runOnce()
	if n := r.imap.Count("Processed"); n != 1 {
		t.Fatalf("a message someone had read was skipped: Processed has %d", n)
	}
}

func TestWithoutMoveCapability(t *testing.T) {
	r := newRig(t, mailtest.WithoutMove())
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.imap.Append("INBOX", fixture(t, "rejected-en-stranger.eml"))
	r.runOnce()
	if n := r.imap.Count("Processed"); n != 2 {
		t.Errorf("Processed has %d messages, want 2 copies", n)
	}
	r.smtp.WaitFor(2, 5*time.Second)
	// Without UIDPLUS the originals stay flagged \Deleted; a second run
	// must not take them again.
	r.runOnce()
	if got := len(r.smtp.Messages()); got != 2 {
		t.Errorf("second run sent more emails: %d", got)
	}
	if n := r.imap.Count("Processed"); n != 2 {
		t.Errorf("second run copied again: Processed has %d", n)
	}
}

func TestUnparseableMessageIsQuarantined(t *testing.T) {
	r := newRig(t)
	broken := []byte("X-Note: this is not an email\r\n\r\nbody\r\n")
	r.imap.Append("INBOX", broken)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.runOnce()
	if n := r.imap.Count("Quarantine"); n != 1 {
		t.Errorf("Quarantine has %d messages, want 1", n)
	}
	if n := r.imap.Count("Processed"); n != 1 {
		t.Errorf("the daemon did not go on after the broken message: Processed has %d", n)
	}
	if n := r.imap.Count("INBOX"); n != 0 {
		t.Errorf("INBOX has %d", n)
	}
	reason, _, err := r.openStore().QuarantineReason(registration.ContentKey(broken))
	if err != nil || !strings.Contains(reason, "parse") {
		t.Errorf("quarantine reason %q, %v", reason, err)
	}
}

func TestOversizedMessageIsQuarantined(t *testing.T) {
	r := newRig(t)
	r.inbox.MaxMessageBytes = 2048
	big := append(fixture(t, "en-incident-screenshot.eml"), bytes.Repeat([]byte("padding line of text\r\n"), 200)...)
	r.imap.Append("INBOX", big)
	r.runOnce()
	if n := r.imap.Count("Quarantine"); n != 1 {
		t.Fatalf("Quarantine has %d messages, want 1", n)
	}
	if len(r.smtp.Messages()) != 0 {
		t.Error("an oversized message was answered")
	}
}

func TestCrashBetweenCommitAndMove(t *testing.T) {
	r := newRig(t)
	raw := fixture(t, "en-incident-screenshot.eml")
	r.imap.Append("INBOX", raw)
	// The first process records the message and dies before the MOVE.
	db := r.open()
	out, err := r.registrar(db).Record(t.Context(), raw, time.Now())
	if err != nil || out.Duplicate || out.Ticket != "SUP-000001" {
		t.Fatalf("record: %+v, %v", out, err)
	}
	db.Close()
	// The restarted daemon finds the message again.
	r.runOnce()
	if n := r.imap.Count("Processed"); n != 1 {
		t.Errorf("Processed %d", n)
	}
	r.smtp.WaitFor(1, 5*time.Second)
	r.runOnce()
	if got := len(r.smtp.Messages()); got != 1 {
		t.Errorf("%d receipts, want 1", got)
	}
	ts, err := r.openStore().Tickets(store.TicketFilter{})
	if err != nil || len(ts) != 1 {
		t.Fatalf("%d tickets, want 1: %v", len(ts), err)
	}
}

func TestSameMessageTwiceMakesOneTicket(t *testing.T) {
	r := newRig(t)
	raw := fixture(t, "en-incident-screenshot.eml")
	r.imap.Append("INBOX", raw)
	r.imap.Append("INBOX", raw)
	r.runOnce()
	r.smtp.WaitFor(1, 5*time.Second)
	if got := len(r.smtp.Messages()); got != 1 {
		t.Errorf("%d receipts for one message delivered twice", got)
	}
	if n := r.imap.Count("Processed"); n != 2 {
		t.Errorf("both copies must be filed: %d", n)
	}
}

func TestPerSenderCap(t *testing.T) {
	r := newRig(t)
	r.settings.MaxAutoRepliesPerHour = 2
	base := fixture(t, "rejected-en-stranger.eml")
	for i := range 4 {
		r.imap.Append("INBOX", withMessageID(base, fmt.Sprintf("<cap-%d@example.com>", i)))
	}
	r.metrics = metrics.New()
	r.runOnce()
	rec := httptest.NewRecorder()
	r.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if got := mailtest.MetricValue(t, rec.Body.String(), "ticketd_emails_suppressed_total"); got != 2 {
		t.Errorf("ticketd_emails_suppressed_total = %v, want 2", got)
	}
	msgs := r.smtp.WaitFor(2, 5*time.Second)
	if len(r.smtp.Messages()) != 2 {
		t.Errorf("%d emails to one sender, cap is 2", len(msgs))
	}
	if n := r.imap.Count("Processed"); n != 4 {
		t.Errorf("mail over the cap must still be recorded and filed: %d", n)
	}
	if !strings.Contains(r.logs.String(), "per-sender cap") {
		t.Error("suppression not logged")
	}
	away, err := r.openStore().TurnedAway(time.Time{})
	if err != nil || len(away) != 4 {
		t.Errorf("mail over the cap must still be recorded: %d turned-away records, %v", len(away), err)
	}
}

// markAllSeen flags every INBOX message \Seen, as a person reading the
// support mailbox in a mail client would.
func markAllSeen(t *testing.T, r *rig) {
	t.Helper()
	c, err := imapclient.DialInsecure(r.imap.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(mailtest.IMAPUser, mailtest.IMAPPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	all := imap.SeqSet{}
	all.AddRange(1, 0)
	if err := c.Store(all, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
}

// TestLimitsFromConfig checks that the limits.* keys reach the parser: a
// message over a configured limit is quarantined with the reason.
func TestLimitsFromConfig(t *testing.T) {
	tests := []struct {
		name   string
		set    func(*config.Limits)
		reason string
	}{
		{"parts", func(l *config.Limits) { l.MaxParts = 2 }, "parts"},
		{"depth", func(l *config.Limits) { l.MaxDepth = 1 }, "deep"},
		{"decoded size", func(l *config.Limits) { l.MaxDecodedBytes = 64 }, "decoded"},
		{"header size", func(l *config.Limits) { l.MaxHeaderBytes = 100 }, "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			tt.set(&r.cfg.Limits)
			r.settings.Limits = r.cfg.IntakeLimits()
			raw := fixture(t, "en-incident-screenshot.eml") // multipart with a PNG
			r.imap.Append("INBOX", raw)
			r.runOnce()
			if n := r.imap.Count("Quarantine"); n != 1 {
				t.Fatalf("Quarantine has %d; the limit did not apply", n)
			}
			reason, _, err := r.openStore().QuarantineReason(registration.ContentKey(raw))
			if err != nil || !strings.Contains(strings.ToLower(reason), tt.reason) {
				t.Errorf("reason %q (%v) does not mention %q", reason, err, tt.reason)
			}
		})
	}
}

// Changed is called for a batch that recorded something even when it
// queued no email: an out-of-office reply is recorded as turned away and
// answered by nobody, and the console's pages still hear of it.
func TestChangedWithoutEmails(t *testing.T) {
	r := newRig(t)
	calls := 0
	r.inbox.Changed = func() { calls++ }
	r.imap.Append("INBOX", fixture(t, "ignored-en-out-of-office.eml"))
	r.runOnce()
	if n := r.imap.Count("Processed"); n != 1 {
		t.Fatalf("Processed has %d messages, want 1", n)
	}
	if got := len(r.smtp.Messages()); got != 0 {
		t.Fatalf("%d emails sent for an out-of-office reply", got)
	}
	if calls != 1 {
		t.Errorf("Changed called %d times, want once", calls)
	}
}
