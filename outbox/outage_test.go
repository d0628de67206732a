package outbox

import (
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/store"
)

// gate stands in front of the rig's SMTP server and counts every
// connection (every dial of the outbox): while closed it hangs up at once,
// as a dead server would; refuse421 connections get "421" at greeting
// first; the others are passed through.
type gate struct {
	addr      string
	dials     atomic.Int64
	open      atomic.Bool
	refuse421 atomic.Int64
	// refuseDial, when set, answers 421 to the dials (numbered from 1) it
	// picks.
	refuseDial func(n int64) bool
}

func startGate(t *testing.T, backend string) *gate {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{addr: ln.Addr().String()}
	var conns sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); conns.Wait() })
	conns.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := g.dials.Add(1)
			switch {
			case !g.open.Load():
				_ = c.Close()
			case g.refuse421.Add(-1) >= 0 || (g.refuseDial != nil && g.refuseDial(n)):
				_, _ = io.WriteString(c, "421 4.7.0 Error: too many connections from 127.0.0.1\r\n")
				_ = c.Close()
			default:
				conns.Go(func() { pipe(t, c, backend) })
			}
		}
	})
	return g
}

func pipe(t *testing.T, c net.Conn, backend string) {
	defer c.Close()
	b, err := net.Dial("tcp", backend)
	if err != nil {
		return
	}
	defer b.Close()
	var both sync.WaitGroup
	both.Go(func() { _, _ = io.Copy(b, c); _ = b.Close() })
	both.Go(func() { _, _ = io.Copy(c, b); _ = c.Close() })
	both.Wait()
}

// gatedWorker is the rig's worker delivering through g, with metrics and
// readiness.
func (r *rig) gatedWorker(g *gate, m *metrics.Metrics, h *metrics.Health) *Worker {
	r.t.Helper()
	sender, err := receipt.NewSender(receipt.SMTPConfig{Address: g.addr, Security: "none", Timeout: 5 * time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	o := r.opts
	o.Destination = &SMTP{Sender: sender, Connections: o.Connections}
	o.Metrics, o.Health = m, h
	return New(o)
}

func countLines(logs, msg string) int {
	return strings.Count(logs, `msg="`+msg)
}

// An SMTP server that is down defers the destination, not each email: one
// dial per retry pass, one line when it goes down and one when it comes
// back, the gauge at 0 meanwhile, readiness failing once it has been down
// longer than the stuck limit; and when it comes back, the backlog goes
// over a few sessions, none given up.
func TestDeadServerDefersTheDestination(t *testing.T) {
	r := newRig(t)
	r.opts.Connections = 2
	r.opts.Retry = Retry{Min: 100 * time.Millisecond, Max: 100 * time.Millisecond, MaxAge: time.Hour}
	g := startGate(t, r.smtp.Addr)
	m, h := metrics.New(), metrics.NewHealth(nil)
	h.SetMailboxConnected(true)
	h.SetStoreOpen(true)
	h.SetOutboxCheck(nil, 300*time.Millisecond)
	const n = 60
	r.queue("en-incident-screenshot.eml", "<dead-%d@acme.example>", n)
	w := r.gatedWorker(g, m, h)
	start := time.Now()
	r.run(w)
	mailtest.WaitUntil(t, 5*time.Second, "the destination down", func() bool {
		return countLines(r.logs.String(), "smtp destination down") == 1
	})
	if gauge := gaugeValue(t, m, "ticketd_smtp_destination_up"); gauge != 0 {
		t.Errorf("gauge %v while down, want 0", gauge)
	}
	if ok, _ := h.Ready(); !ok {
		t.Errorf("ready right after the outage began (limit 300ms)")
	}
	for range 5 {
		w.Kick() // new mail while down dials nothing more
		time.Sleep(100 * time.Millisecond)
	}
	ok, reasons := h.Ready()
	if ok || !strings.Contains(strings.Join(reasons, "\n"), "smtp destination down since") {
		t.Errorf("readiness after 500ms down: %v %q, want degraded", ok, reasons)
	}
	elapsed := time.Since(start)
	// The first pass dials each of its 2 sessions; then one dial a pass,
	// at most one pass per 50ms (Backoff's equal jitter halves 100ms).
	if d, most := g.dials.Load(), 2+int64(elapsed/(50*time.Millisecond))+1; d > most {
		t.Errorf("%d dials in %s with %d emails waiting, want at most %d", d, elapsed, n, most)
	}
	g.open.Store(true)
	before := g.dials.Load()
	msgs := r.smtp.WaitFor(n, 10*time.Second)
	mailtest.WaitUntil(t, 5*time.Second, "the destination up", func() bool {
		return countLines(r.logs.String(), "smtp destination up") == 1
	})
	logs := r.logs.String()
	if len(msgs) != n {
		t.Errorf("%d emails delivered, want %d", len(msgs), n)
	}
	if d := g.dials.Load() - before; d > 3 {
		t.Errorf("%d sessions to deliver the backlog, want a probe and at most 2 more", d)
	}
	for _, line := range []string{"smtp destination down", "smtp destination up"} {
		if c := countLines(logs, line); c != 1 {
			t.Errorf("%d lines %q, want 1", c, line)
		}
	}
	if !strings.Contains(logs, "waiting=60") || !strings.Contains(logs, "next_try=") || !strings.Contains(logs, "down_for=") || !strings.Contains(logs, "delivered=60") {
		t.Errorf("the down and up lines lack the count waiting, the next try, the time down or the count delivered:\n%s", logs)
	}
	if c := countLines(logs, "email delivery failed") + countLines(logs, "email given up"); c != 0 {
		t.Errorf("%d lines about single emails during the outage, want none", c)
	}
	if gauge := gaugeValue(t, m, "ticketd_smtp_destination_up"); gauge != 1 {
		t.Errorf("gauge %v once up, want 1", gauge)
	}
	if ok, reasons := h.Ready(); !ok {
		t.Errorf("not ready once the destination is up: %q", reasons)
	}
}

// A server refusing connections at greeting (a connection-rate limit)
// defers the destination; the backlog then goes in full sessions, not one
// email per connection, and nothing is given up.
func TestGreeting421DefersTheDestination(t *testing.T) {
	r := newRig(t)
	r.opts.Connections = 2
	r.opts.Retry = Retry{Min: 50 * time.Millisecond, Max: 200 * time.Millisecond, MaxAge: time.Hour}
	g := startGate(t, r.smtp.Addr)
	g.open.Store(true)
	const refused = 4
	g.refuse421.Store(refused)
	const n = 40
	r.queue("en-incident-screenshot.eml", "<rate-%d@acme.example>", n)
	w := r.gatedWorker(g, nil, nil)
	r.run(w)
	msgs := r.smtp.WaitFor(n, 10*time.Second)
	mailtest.WaitUntil(t, 5*time.Second, "the destination up", func() bool {
		return countLines(r.logs.String(), "smtp destination up") == 1
	})
	if len(msgs) != n {
		t.Errorf("%d emails delivered, want %d", len(msgs), n)
	}
	// 2 refused by the first pass, then one probe a pass until the server
	// takes one, then the probe and the backlog's 2 sessions.
	if d := g.dials.Load(); d > refused+3 {
		t.Errorf("%d dials, want at most %d (the %d refused, a probe, 2 sessions)", d, refused+3, refused)
	}
	if c := countLines(r.logs.String(), "smtp destination down"); c != 1 {
		t.Errorf("%d down lines, want 1", c)
	}
	failed, err := r.db.FailedOutbox()
	if err != nil || len(failed) != 0 {
		t.Errorf("%d emails given up (%v), want none", len(failed), err)
	}
}

func gaugeValue(t *testing.T, m *metrics.Metrics, name string) float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// A relay refusing the EHLO name at RCPT (Postfix's
// reject_non_fqdn_helo_hostname) refuses the session, not the emails: none
// is given up, the destination is down and readiness fails at once.
func TestHeloRefusedAtRcptGivesNoEmailUp(t *testing.T) {
	r := newRig(t)
	r.smtp = mailtest.StartSMTPWith(t, mailtest.SMTPOptions{RcptErr: map[string]error{
		"alice@acme.example": &smtp.SMTPError{Code: 504, EnhancedCode: smtp.EnhancedCode{5, 5, 2}, Message: "<vm>: Helo command rejected: need fully-qualified hostname"},
	}})
	r.queue("en-incident-screenshot.eml", "<helo-%d@acme.example>", 12)
	h := metrics.NewHealth(nil)
	h.SetMailboxConnected(true)
	h.SetStoreOpen(true)
	h.SetOutboxCheck(nil, time.Hour)
	r.opts.Health = h
	w := r.worker()
	w.DeliverDue(t.Context(), time.Time{})
	w.DeliverDue(t.Context(), time.Time{})
	failed, err := r.db.FailedOutbox()
	if err != nil || len(failed) != 0 {
		t.Fatalf("%d emails given up (%v), want none", len(failed), err)
	}
	if c := countLines(r.logs.String(), "smtp destination down"); c != 1 {
		t.Errorf("%d down lines, want 1", c)
	}
	ok, reasons := h.Ready()
	if ok || !strings.Contains(strings.Join(reasons, "\n"), "smtp destination down since") || !strings.Contains(strings.Join(reasons, "\n"), "5.5.2") {
		t.Errorf("readiness %v %q, want failing at once with the refusal", ok, reasons)
	}
}

// run --once against a dead server: its passes over a backlog dial once
// each (the first pass over its sessions), not once per email.
func TestRunOnceDialsADeadServerOnce(t *testing.T) {
	r := newRig(t)
	r.opts.Connections = 2
	g := startGate(t, r.smtp.Addr) // closed
	const n = 120                  // more than one batch of the first pass
	r.queue("en-incident-screenshot.eml", "<once-%d@acme.example>", n)
	w := r.gatedWorker(g, nil, nil)
	w.DeliverDue(t.Context(), time.Time{}) // the pass alongside the inbox
	w.DeliverDue(t.Context(), time.Time{}) // the last one
	if d := g.dials.Load(); d > 3 {
		t.Errorf("%d dials for %d emails, want at most 3", d, n)
	}
	if c := countLines(r.logs.String(), "smtp destination down"); c != 1 {
		t.Errorf("%d down lines, want 1", c)
	}
	failed, err := r.db.FailedOutbox()
	if err != nil || len(failed) != 0 {
		t.Errorf("%d emails given up (%v), want none", len(failed), err)
	}
	// Each pass tried a probe group only: a destination never seen up
	// is probed before a full pass's emails are tried and recorded one
	// by one.
	pending, err := r.db.DueOutboxOf(store.OutboxFilter{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 0, 1000)
	if err != nil || len(pending) != n {
		t.Fatalf("%d emails pending (%v), want %d", len(pending), err, n)
	}
	tried := 0
	for _, it := range pending {
		if it.Attempts > 0 {
			tried++
		}
	}
	if tried > 2*minPerConnection {
		t.Errorf("%d emails tried in two passes against a dead server, want at most %d (a probe each)", tried, 2*minPerConnection)
	}
}

// A server that takes some sessions and refuses others at greeting (a
// connection-rate limit) is not down: the pass stops, the refused emails
// wait together for the next one, nothing is logged per email and nothing
// is given up.
func TestSomeSessionsRefusedThrottleThePass(t *testing.T) {
	r := newRig(t)
	r.opts.Connections = 2
	g := startGate(t, r.smtp.Addr)
	g.refuseDial = func(n int64) bool { return n == 2 || n == 4 }
	g.open.Store(true)
	const n = 40
	r.queue("en-incident-screenshot.eml", "<part-%d@acme.example>", n)
	w := r.gatedWorker(g, nil, nil)
	r.run(w)
	if msgs := r.smtp.WaitFor(n, 10*time.Second); len(msgs) != n {
		t.Errorf("%d emails delivered, want %d", len(msgs), n)
	}
	logs := r.logs.String()
	if c := countLines(logs, "smtp destination down") + countLines(logs, "email delivery failed") + countLines(logs, "email given up"); c != 0 {
		t.Errorf("%d lines of an outage or about single emails, want none", c)
	}
	// 2 sessions a pass, the second refused twice: 3 passes.
	if d := g.dials.Load(); d > 6 {
		t.Errorf("%d dials, want at most 6", d)
	}
}

// Emails the down destination keeps waiting are still given up once older
// than max_retry_age, tried or not.
func TestDownDestinationStillAgesEmailsOut(t *testing.T) {
	r := newRig(t)
	r.opts.Connections = 1
	r.opts.Retry = Retry{Min: 50 * time.Millisecond, Max: 100 * time.Millisecond, MaxAge: 300 * time.Millisecond}
	g := startGate(t, r.smtp.Addr) // closed
	const n = 30
	r.queue("en-incident-screenshot.eml", "<old-%d@acme.example>", n)
	w := r.gatedWorker(g, nil, nil)
	r.run(w)
	mailtest.WaitUntil(t, 5*time.Second, "every email given up", func() bool {
		failed, err := r.db.FailedOutbox()
		return err == nil && len(failed) == n
	})
	if d := g.dials.Load(); d > 20 {
		t.Errorf("%d dials, want one a pass", d)
	}
}
