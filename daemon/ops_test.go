package daemon

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/store"
)

// notifySocket is a fake systemd notify socket: it collects the datagrams
// ticketd sends.
type notifySocket struct {
	conn   *net.UnixConn
	states chan string
}

func newNotifySocket(t *testing.T) *notifySocket {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("NOTIFY_SOCKET", path)
	s := &notifySocket{conn: conn, states: make(chan string, 256)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(s.states)
				return
			}
			for _, line := range strings.Split(string(buf[:n]), "\n") {
				if line != "" {
					s.states <- line
				}
			}
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return s
}

// expect waits for state, failing after timeout; it returns the states
// seen before it.
func (s *notifySocket) expect(t *testing.T, state string, timeout time.Duration) []string {
	t.Helper()
	var seen []string
	deadline := time.After(timeout)
	for {
		select {
		case got, ok := <-s.states:
			if !ok {
				t.Fatalf("notify socket closed before %q; saw %v", state, seen)
			}
			if got == state {
				return seen
			}
			seen = append(seen, got)
		case <-deadline:
			t.Fatalf("no %q within %s; saw %v", state, timeout, seen)
		}
	}
}

func TestSystemdNotify(t *testing.T) {
	sock := newNotifySocket(t)
	t.Setenv("WATCHDOG_USEC", "300000") // 300 ms
	r := newRig(t)
	_, stop := r.start()
	sock.expect(t, "READY=1", 10*time.Second)
	sock.expect(t, "WATCHDOG=1", 5*time.Second)
	stop()
	sock.expect(t, "STOPPING=1", 5*time.Second)
}

func TestReloadSwapsPolicyAndRefusesBadConfig(t *testing.T) {
	r := newRig(t)
	_, stop := r.start()
	d := r.lastDaemon
	waitUntil(t, 5*time.Second, "the daemon to connect", func() bool { return strings.Contains(r.logs.String(), "imap connected") })

	original, err := os.ReadFile(r.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	// A bad file (a duplicate contact) is refused and changes nothing.
	bad := strings.Replace(string(original), "      - email: bob@acme.example", "      - email: alice@acme.example", 1)
	if err := os.WriteFile(r.cfgPath, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	hup := make(chan os.Signal, 1)
	notified := make(chan string, 8)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.watchReloads(ctx, r.cfgPath, hup, func(s string) { notified <- s })
	}()
	defer func() { cancel(); <-done }()
	hup <- syscall.SIGHUP
	if got := <-notified; got != "RELOADING=1" {
		t.Fatalf("first notification %q", got)
	}
	<-notified // READY=1 again
	if !strings.Contains(r.logs.String(), "configuration reload refused") {
		t.Error("a refused reload is not logged")
	}
	r.imap.Append("INBOX", withMessageID(fixture(t, "rejected-en-stranger.eml"), "<before-reload@example.com>"))
	r.smtp.WaitFor(1, 10*time.Second)

	// A good file makes mallory a contact of acme, without reconnecting.
	good := strings.Replace(string(original), "      - email: bob@acme.example", "      - email: mallory@gmail.example\n        name: Mallory Price\n      - email: bob@acme.example", 1)
	if err := os.WriteFile(r.cfgPath, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	hup <- syscall.SIGHUP
	<-notified
	<-notified
	r.imap.Append("INBOX", withMessageID(fixture(t, "rejected-en-stranger.eml"), "<after-reload@example.com>"))
	r.smtp.WaitFor(2, 10*time.Second)
	stop()

	if n := strings.Count(r.logs.String(), "imap connected"); n != 1 {
		t.Errorf("the reload dropped the IMAP connection: %d connections", n)
	}
	db := r.openStore()
	ts, err := db.Tickets(store.TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Sender != "mallory@gmail.example" || ts[0].Organization != "acme" {
		t.Errorf("after the reload mallory's mail should be an acme ticket (and before it a rejection): %+v", ts)
	}
}

// scrape returns the body and status of GET path on the daemon's admin
// listener; status 0 while nothing listens yet.
func (r *rig) scrape(path string) (string, int) {
	r.t.Helper()
	resp, err := http.Get("http://" + r.cfg.Admin.Listen + path)
	if err != nil {
		return err.Error(), 0
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b), resp.StatusCode
}

func TestMetricsAndHealthAfterFixtures(t *testing.T) {
	r := newRig(t)
	for _, name := range []string{"en-incident-screenshot.eml", "en-incident-no-screenshot.eml", "rejected-en-stranger.eml", "ignored-en-out-of-office.eml"} {
		r.imap.Append("INBOX", fixture(t, name))
	}
	r.imap.Append("INBOX", []byte("X-Note: this is not an email\r\n\r\nbody\r\n"))
	_, stop := r.start()
	defer stop()
	r.smtp.WaitFor(3, 10*time.Second)
	// Emails are marked sent as the server accepts them, and counted
	// once their session is over: wait for both.
	waitUntil(t, 10*time.Second, "the outbox to drain", func() bool {
		body, _ := r.scrape("/metrics")
		return strings.Contains(body, "ticketd_outbox_depth 0") &&
			strings.Contains(body, `ticketd_emails_sent_total{kind="receipt"} 2`) &&
			strings.Contains(body, `ticketd_emails_sent_total{kind="rejection"} 1`)
	})
	body, code := r.scrape("/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	want := map[string]float64{
		`ticketd_messages_fetched_total`:                        5,
		`ticketd_verdicts_total{verdict="accepted"}`:            1,
		`ticketd_verdicts_total{verdict="needs_info"}`:          1,
		`ticketd_verdicts_total{verdict="rejected"}`:            1,
		`ticketd_verdicts_total{verdict="ignored"}`:             1,
		`ticketd_verdicts_total{verdict="quarantined"}`:         1,
		`ticketd_rule_findings_total{rule="evidence.attached"}`: 1,
		`ticketd_rule_findings_total{rule="sender.authorized"}`: 1,
		`ticketd_rule_findings_total{rule="loop.automated"}`:    1,
		`ticketd_tickets_created_total{organization="acme"}`:    2,
		`ticketd_emails_sent_total{kind="receipt"}`:             2,
		`ticketd_emails_sent_total{kind="rejection"}`:           1,
		`ticketd_message_processing_seconds_count`:              4,
		`ticketd_outbox_depth`:                                  0,
	}
	for series, v := range want {
		if got := metricValue(t, body, series); got != v {
			t.Errorf("%s = %v, want %v", series, got, v)
		}
	}
	if metricValue(t, body, "ticketd_last_successful_poll_timestamp_seconds") == 0 {
		t.Error("no successful poll recorded")
	}
	if body, code := r.scrape("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz %d %s", code, body)
	}
	if body, code := r.scrape("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz %d %s", code, body)
	}
	// A foreign Host (DNS rebinding) is refused on every path, the
	// metrics and health checks included.
	for _, path := range []string{"/metrics", "/readyz", "/healthz"} {
		req, err := http.NewRequest(http.MethodGet, "http://"+r.cfg.Admin.Listen+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "attacker.example:9120"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s with Host attacker.example: %d, want 403", path, resp.StatusCode)
		}
	}
	// The mailbox going away makes the daemon not ready.
	r.imap.Stop()
	waitUntil(t, 10*time.Second, "readiness to fail", func() bool {
		body, code := r.scrape("/readyz")
		return code == http.StatusServiceUnavailable && strings.Contains(body, "mailbox not connected")
	})
}

// TestWatchdogSilentWhileWorkerHung runs the watchdog pinger against a fake
// notify socket: it pings while the inbox worker's deadline lies ahead and
// stops when the worker does not move it (a hung worker), so that systemd
// restarts the service.
func TestWatchdogSilentWhileWorkerHung(t *testing.T) {
	sock := newNotifySocket(t)
	t.Setenv("WATCHDOG_USEC", "60000") // 60 ms: a ping every 20 ms
	r := newRig(t)
	var live inbox.Liveness
	log := mailtest.Logger(t, r.logs)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		watchdog(ctx, &live, log)
	}()
	defer func() { cancel(); <-done }()

	// Hung: the deadline lies in the past. No ping for 10 intervals.
	live.Extend(time.Now(), -time.Second)
	select {
	case s := <-sock.states:
		t.Fatalf("pinged %q while the worker was hung", s)
	case <-time.After(200 * time.Millisecond):
	}
	if !strings.Contains(r.logs.String(), "looks hung") {
		t.Error("the hang is not logged")
	}
	// Alive again: pings resume.
	live.Extend(time.Now(), time.Hour)
	sock.expect(t, "WATCHDOG=1", 2*time.Second)
}
