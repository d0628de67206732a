package daemon

import (
	"bytes"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/store"
)

func TestRunOnceRegistersTicketAndSendsReceipt(t *testing.T) {
	r := newRig(t)
	raw := fixture(t, "en-incident-screenshot.eml")
	r.imap.Append("INBOX", raw)
	r.runOnce()

	if n := r.imap.Count("INBOX"); n != 0 {
		t.Errorf("INBOX has %d messages, want 0", n)
	}
	if n := r.imap.Count("Processed"); n != 1 {
		t.Errorf("Processed has %d messages, want 1", n)
	}
	msgs := r.smtp.WaitFor(1, 5*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("%d emails sent, want 1", len(msgs))
	}
	if got := msgs[0].To; len(got) != 1 || got[0] != "alice@acme.example" {
		t.Errorf("receipt to %v", got)
	}
	h := parseSent(t, msgs[0]).Header
	subject, _ := h.Subject()
	if !strings.HasPrefix(subject, "[SUP-000001] ") {
		t.Errorf("receipt subject %q lacks the ticket tag", subject)
	}
	if got := h.Get("Auto-Submitted"); got != "auto-replied" {
		t.Errorf("Auto-Submitted = %q", got)
	}
	db := r.openStore()
	tk, err := db.Ticket("SUP-000001")
	if err != nil {
		t.Fatal(err)
	}
	inReplyTo := h.Get("In-Reply-To")
	if inReplyTo == "" || !strings.Contains(inReplyTo, tk.Messages[0].MessageID) {
		t.Errorf("In-Reply-To %q does not name the customer's message %q", inReplyTo, tk.Messages[0].MessageID)
	}
	if refs := h.Get("References"); !strings.Contains(refs, tk.Messages[0].MessageID) {
		t.Errorf("References %q does not name the customer's message", refs)
	}
	ownID, _ := h.MessageID()
	if ownID == "" || ownID == tk.Messages[0].MessageID {
		t.Errorf("receipt Message-ID %q must be its own", ownID)
	}
	if !slices.Contains(tk.MessageIDs, ownID) {
		t.Errorf("ticket does not know its receipt's Message-ID %q: %v", ownID, tk.MessageIDs)
	}
	if tk.Organization != "acme" || tk.Status != store.StatusOpen || tk.SLAStartedAt.IsZero() || !tk.DeductsQuota {
		t.Errorf("ticket %+v", tk)
	}
	stored, err := db.Raw(tk.Messages[0].Key)
	if err != nil || !bytes.Equal(stored, raw) {
		t.Errorf("raw message not kept with the ticket (err %v)", err)
	}
	if sent, err := db.SentCount(tk.Number); err != nil || sent != 1 {
		t.Errorf("sent count %d, %v", sent, err)
	}
}

func TestVerdictsDecideTheAnswer(t *testing.T) {
	tests := []struct {
		fixture    string
		wantEmails int
		wantTicket bool
		wantInBody string
	}{
		{"en-incident-screenshot.eml", 1, true, "SUP-000001"},
		{"rejected-en-stranger.eml", 1, false, "authorized"},
		{"ignored-en-out-of-office.eml", 0, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			r := newRig(t)
			r.imap.Append("INBOX", fixture(t, tt.fixture))
			r.runOnce()
			if n := r.imap.Count("Processed"); n != 1 {
				t.Errorf("Processed has %d messages, want 1", n)
			}
			var msgs []mailtest.Message
			if tt.wantEmails > 0 {
				msgs = r.smtp.WaitFor(tt.wantEmails, 5*time.Second)
			} else {
				msgs = r.smtp.Messages()
			}
			if len(msgs) != tt.wantEmails {
				t.Fatalf("%d emails, want %d", len(msgs), tt.wantEmails)
			}
			if tt.wantInBody != "" && !bytes.Contains(msgs[0].Data, []byte(tt.wantInBody)) {
				t.Errorf("email lacks %q:\n%s", tt.wantInBody, msgs[0].Data)
			}
			if !tt.wantTicket && len(msgs) > 0 && bytes.Contains(msgs[0].Data, []byte("SUP-0")) {
				t.Errorf("a rejection must not carry a ticket number")
			}
			db := r.openStore()
			ts, err := db.Tickets(store.TicketFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(ts) == 1; got != tt.wantTicket {
				t.Errorf("%d tickets, want ticket: %v", len(ts), tt.wantTicket)
			}
			if !tt.wantTicket {
				away, err := db.TurnedAway(time.Time{})
				if err != nil || len(away) != 1 {
					t.Errorf("turned-away records: %d, %v", len(away), err)
				}
			}
		})
	}
}

func TestSMTPDownThenUp(t *testing.T) {
	r := newRig(t)
	r.smtp.Stop()
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.runOnce()
	db := r.openStore()
	pending, _, err := db.OutboxStats(time.Now())
	if err != nil || pending != 1 {
		t.Fatalf("outbox pending %d, %v; want the receipt queued", pending, err)
	}
	db.Close()
	if n := r.imap.Count("Processed"); n != 1 {
		t.Errorf("the message must be filed even when SMTP is down: Processed %d", n)
	}
	r.smtp.Restart()
	r.runOnce()
	msgs := r.smtp.WaitFor(1, 5*time.Second)
	r.runOnce()
	if len(r.smtp.Messages()) != 1 || !bytes.Contains(msgs[0].Data, []byte("SUP-000001")) {
		t.Errorf("want exactly one receipt after SMTP came back, got %d", len(r.smtp.Messages()))
	}
}

func TestIdleAnswersNewMailAndStopsCleanly(t *testing.T) {
	r := newRig(t)
	_, stop := r.start()
	waitUntil(t, 5*time.Second, "the daemon to connect and idle", func() bool { return strings.Contains(r.logs.String(), "imap connected") })
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	start := time.Now()
	r.smtp.WaitFor(1, 10*time.Second)
	// The bound: answered within a second of its arrival under
	// IDLE (BENCHMARKS.md measures it in milliseconds).
	if took := time.Since(start); took > time.Second {
		t.Errorf("APPEND to receipt accepted took %s, want under a second", took)
	}
	stopStart := time.Now()
	stop()
	if took := time.Since(stopStart); took > 10*time.Second {
		t.Errorf("stop took %s", took)
	}
}

func TestIMAPConnectionDropMidRun(t *testing.T) {
	r := newRig(t)
	_, stop := r.start()
	names := []string{"en-incident-screenshot.eml", "rejected-en-stranger.eml", "es-incidencia-captura-octet-stream.eml"}
	r.imap.Append("INBOX", fixture(t, names[0]))
	r.smtp.WaitFor(1, 10*time.Second)
	r.imap.Restart() // drops every connection
	r.imap.Append("INBOX", fixture(t, names[1]))
	r.imap.Append("INBOX", fixture(t, names[2]))
	r.smtp.WaitFor(3, 15*time.Second)
	waitUntil(t, 10*time.Second, "all filed", func() bool { return r.imap.Count("Processed") == 3 })
	stop()
	if got := len(r.smtp.Messages()); got != 3 {
		t.Errorf("%d emails for 3 messages", got)
	}
	if !strings.Contains(r.logs.String(), "reconnecting") {
		t.Error("the drop was not noticed")
	}
	ts, err := r.openStore().Tickets(store.TicketFilter{})
	if err != nil || len(ts) != 2 {
		t.Errorf("%d tickets, want 2 (one message is a rejection): %v", len(ts), err)
	}
}

func TestStoreHeldByAnotherProcess(t *testing.T) {
	r := newRig(t)
	d := r.daemon()
	defer d.Close()
	start := time.Now()
	_, err := New(r.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second daemon on the same store: %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s to fail", took)
	}
}
