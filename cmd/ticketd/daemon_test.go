package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/mail"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/store"
)

// rig is one daemon wired to in-process IMAP and SMTP servers and a store
// in a temporary directory.
type rig struct {
	t    *testing.T
	imap *mailtest.IMAPServer
	smtp *mailtest.SMTPServer
	cfg  *config.Config
	logs *mailtest.Buffer
	// tweak, when set, adjusts every daemon the rig makes (test hooks).
	tweak func(*daemon)
	// lastDaemon is the daemon start made last.
	lastDaemon *daemon
	// cfgPath is the configuration file; the environment holds the test
	// servers' addresses.
	cfgPath string
}

func newRig(t *testing.T, opts ...mailtest.IMAPOption) *rig {
	t.Helper()
	r := &rig{t: t, imap: mailtest.StartIMAP(t, opts...), smtp: mailtest.StartSMTP(t), logs: &mailtest.Buffer{}}
	cfgPath := filepath.Join(t.TempDir(), "ticketd.yaml")
	example, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The test SMTP server has no AUTH; the IMAP user comes from the
	// environment.
	example = bytes.ReplaceAll(example, []byte("username: support@example.com"), []byte(`username: ""`))
	if err := os.WriteFile(cfgPath, example, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TICKETD_IMAP_ADDRESS", r.imap.Addr)
	t.Setenv("TICKETD_IMAP_SECURITY", "none")
	t.Setenv("TICKETD_IMAP_USERNAME", mailtest.IMAPUser)
	t.Setenv("TICKETD_IMAP_PASSWORD", mailtest.IMAPPassword)
	t.Setenv("TICKETD_IMAP_RECONNECT_MIN", "20ms")
	t.Setenv("TICKETD_IMAP_RECONNECT_MAX", "200ms")
	t.Setenv("TICKETD_SMTP_ADDRESS", r.smtp.Addr)
	t.Setenv("TICKETD_SMTP_SECURITY", "none")
	t.Setenv("TICKETD_SMTP_FROM", "support@ticketd.example")
	t.Setenv("TICKETD_STORE_PATH", filepath.Join(t.TempDir(), "ticketd.db"))
	t.Setenv("TICKETD_RECEIPT_RETRY_MIN", "50ms")
	t.Setenv("TICKETD_RECEIPT_RETRY_MAX", "200ms")
	t.Setenv("TICKETD_ADMIN_LISTEN", fmt.Sprintf("127.0.0.1:%d", freePort(t)))
	r.cfgPath = cfgPath
	r.cfg, err = loadDaemonConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	r.cfg.SMTP.Username = "" // the test server has no AUTH
	return r
}

func (r *rig) daemon() *daemon {
	r.t.Helper()
	log := slog.New(slog.NewTextHandler(io.MultiWriter(r.logs, testWriter{r.t}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, err := newDaemon(r.cfg, log)
	if err != nil {
		r.t.Fatal(err)
	}
	if r.tweak != nil {
		r.tweak(d)
	}
	return d
}

// runOnce runs `ticketd run --once` in-process with a fresh daemon.
func (r *rig) runOnce() {
	r.t.Helper()
	d := r.daemon()
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.RunOnce(ctx); err != nil {
		r.t.Fatalf("run --once: %v", err)
	}
}

// start runs the daemon until the returned stop function is called; stop
// fails the test if the daemon does not stop within 10 seconds.
func (r *rig) start() (d *daemon, stop func()) {
	r.t.Helper()
	d = r.daemon()
	r.lastDaemon = d
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				r.t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			r.t.Fatal("daemon did not stop within 10 seconds")
		}
		d.Close()
	}
	r.t.Cleanup(stop)
	return d, stop
}

func (r *rig) openStore() *store.DB {
	r.t.Helper()
	db, err := store.Open(r.cfg.Store.Path, store.Options{Timeout: time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { db.Close() })
	return db
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../testdata/mail", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitUntil waits for cond with a deadline, re-checking when tick fires.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		case <-tick.C:
		}
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	if testing.Verbose() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func parseSent(t *testing.T, m mailtest.Message) *mail.Reader {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("sent email does not parse: %v", err)
	}
	return mr
}

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
	if !contains(tk.MessageIDs, ownID) {
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
	reason, _, err := r.openStore().QuarantineReason(contentKey(broken))
	if err != nil || !strings.Contains(reason, "parse") {
		t.Errorf("quarantine reason %q, %v", reason, err)
	}
}

func TestOversizedMessageIsQuarantined(t *testing.T) {
	r := newRig(t)
	r.cfg.IMAP.MaxMessageBytes = 2048
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

func TestTemporaryAndPermanentSMTPFailures(t *testing.T) {
	r := newRig(t)
	r.smtp.FailRecipient("alice@acme.example", 451)
	r.smtp.FailRecipient("carmen@globex.example", 550)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.imap.Append("INBOX", fixture(t, "es-incidencia-captura-octet-stream.eml"))
	_, stop := r.start()
	waitUntil(t, 10*time.Second, "both messages filed", func() bool { return r.imap.Count("Processed") == 2 })
	r.smtp.FailRecipient("alice@acme.example", 0)
	msgs := r.smtp.WaitFor(1, 10*time.Second)
	stop()
	if len(msgs) != 1 || msgs[0].To[0] != "alice@acme.example" {
		t.Fatalf("after the 4xx cleared, alice's receipt should arrive; got %d emails", len(msgs))
	}
	failed, err := r.openStore().FailedOutbox()
	if err != nil || len(failed) != 1 || failed[0].To != "carmen@globex.example" {
		t.Errorf("the 5xx receipt must be recorded as failed for good: %+v, %v", failed, err)
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

func TestCrashBetweenCommitAndMove(t *testing.T) {
	r := newRig(t)
	raw := fixture(t, "en-incident-screenshot.eml")
	r.imap.Append("INBOX", raw)
	// The first process records the message and dies before the MOVE.
	d := r.daemon()
	out, err := d.record(raw, time.Now())
	if err != nil || out.duplicate || out.ticket != "SUP-000001" {
		t.Fatalf("record: %+v, %v", out, err)
	}
	d.Close()
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
	r.cfg.Receipt.MaxPerSenderPerHour = 2
	base := fixture(t, "rejected-en-stranger.eml")
	for i := range 4 {
		r.imap.Append("INBOX", withMessageID(base, fmt.Sprintf("<cap-%d@example.com>", i)))
	}
	d := r.daemon()
	if err := d.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	d.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	d.Close()
	if got := metricValue(t, rec.Body.String(), "ticketd_emails_suppressed_total"); got != 2 {
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

func TestStoreHeldByAnotherProcess(t *testing.T) {
	r := newRig(t)
	d := r.daemon()
	defer d.Close()
	start := time.Now()
	_, err := newDaemon(r.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second daemon on the same store: %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s to fail", took)
	}
}

// withMessageID replaces the Message-ID header of raw.
func withMessageID(raw []byte, id string) []byte {
	lines := strings.SplitAfter(string(raw), "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.ToLower(l), "message-id:") {
			lines[i] = "Message-ID: " + id + "\r\n"
			return []byte(strings.Join(lines, ""))
		}
	}
	return []byte("Message-ID: " + id + "\r\n" + string(raw))
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

// TestRunOnceTriesEveryQueuedEmail: with --once every queued email is
// tried, even when the oldest ones (more than a batch) keep failing.
func TestRunOnceTriesEveryQueuedEmail(t *testing.T) {
	r := newRig(t)
	r.cfg.Receipt.MaxPerSenderPerHour = 0
	d := r.daemon()
	defer d.Close()
	failing := outboxBatch*r.cfg.SMTP.Connections + 5 // more than one pass of the outbox takes
	for i := range failing {
		if _, err := d.record(withMessageID(fixture(t, "en-incident-screenshot.eml"), fmt.Sprintf("<alice-%d@acme.example>", i)), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		if _, err := d.record(withMessageID(fixture(t, "en-question-how-to.eml"), fmt.Sprintf("<bob-%d@acme.example>", i)), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	r.smtp.FailRecipient("alice@acme.example", 451) // alice's receipts, the oldest, keep failing
	d.deliverDue(t.Context(), time.Time{})          // what run --once does last
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
			r.cfg.Receipt.MaxPerSenderPerHour = 0
			r.cfg.SMTP.Connections = tc.connections
			d := r.daemon()
			defer d.Close()
			for i := range tc.emails {
				if _, err := d.record(withMessageID(fixture(t, "en-incident-screenshot.eml"), fmt.Sprintf("<c-%d@acme.example>", i)), time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			r.smtp.HoldDataUntilSessions(tc.want)
			d.deliverDue(t.Context(), time.Time{})
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
	r.cfg.Receipt.MaxPerSenderPerHour = 0
	d := r.daemon()
	defer d.Close()
	d.markDelay = time.Hour // only the count (or the end) may commit
	for i := range markBatch + 3 {
		if _, err := d.record(withMessageID(fixture(t, "en-incident-screenshot.eml"), fmt.Sprintf("<g-%d@acme.example>", i)), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	due, err := d.db.DueOutbox(time.Now().Add(time.Hour), 0, 0)
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
		it, err := d.db.OutboxItem(id)
		return err == nil && it.State == store.StateSent
	}
	accepted := make(chan uint64, len(ids))
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.markSentAsAccepted(accepted)
	}()
	for _, id := range ids {
		accepted <- id
	}
	waitUntil(t, 5*time.Second, "the first group recorded", func() bool { return sent(ids[markBatch-1]) })
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
