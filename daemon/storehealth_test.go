package daemon

import (
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ticketd/ticketd/store"
)

// TestFullDiskPausesFetching: while store writes fail with ENOSPC,
// readiness fails with the reason, the gauge says so, fetching pauses
// (the 3 messages are downloaded once, not on every poll), exactly one
// log line says what is wrong and one that it recovered; then the mail is
// registered.
func TestFullDiskPausesFetching(t *testing.T) {
	r := newRig(t)
	var full atomic.Bool
	r.storeOpts = func(o *store.Options) {
		o.FailWrites = func() error {
			if full.Load() {
				return syscall.ENOSPC
			}
			return nil
		}
	}
	_, stop := r.start()
	defer stop()
	waitUntil(t, 10*time.Second, "readiness", func() bool {
		_, code := r.scrape("/readyz")
		return code == http.StatusOK
	})

	full.Store(true)
	for _, name := range []string{"en-incident-screenshot.eml", "en-incident-no-screenshot.eml", "rejected-en-stranger.eml"} {
		r.imap.Append("INBOX", fixture(t, name))
	}
	waitUntil(t, 10*time.Second, "readiness to fail with the reason", func() bool {
		body, code := r.scrape("/readyz")
		return code == http.StatusServiceUnavailable && strings.Contains(body, "no space left on device")
	})
	body, _ := r.scrape("/metrics")
	if v := metricValue(t, body, "ticketd_store_writes_healthy"); v != 0 {
		t.Errorf("ticketd_store_writes_healthy = %v while writes fail, want 0", v)
	}
	fetched := metricValue(t, body, "ticketd_messages_fetched_total")
	// The probe backoff is 20 to 200 ms here: a second is several probes.
	time.Sleep(time.Second)
	body, _ = r.scrape("/metrics")
	if now := metricValue(t, body, "ticketd_messages_fetched_total"); now != fetched || now > 3 {
		t.Errorf("messages fetched while paused: %v, then %v; want the 3 once", fetched, now)
	}
	if n := strings.Count(r.logs.String(), "no space left on device"); n != 1 {
		t.Errorf("%d log lines about the full disk, want 1:\n%s", n, r.logs)
	}
	if n := r.imap.Count("INBOX"); n != 3 {
		t.Errorf("INBOX has %d while paused, want the 3 left there", n)
	}

	full.Store(false)
	waitUntil(t, 10*time.Second, "the 3 messages to be registered", func() bool {
		return r.imap.Count("Processed") == 3
	})
	if _, code := r.scrape("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz %d after recovery", code)
	}
	body, _ = r.scrape("/metrics")
	if v := metricValue(t, body, "ticketd_store_writes_healthy"); v != 1 {
		t.Errorf("ticketd_store_writes_healthy = %v after recovery, want 1", v)
	}
	logs := r.logs.String()
	if strings.Count(logs, "fetching paused") != 1 || strings.Count(logs, "fetching resumed") != 1 {
		t.Errorf("want one pause and one resume line:\n%s", logs)
	}
	r.smtp.WaitFor(3, 10*time.Second)
}
