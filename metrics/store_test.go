package metrics

import (
	"errors"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestStoreWriteFailure: while the store func reports a failure,
// readiness fails with its text and the gauge is 0; after, 1 and ready.
func TestStoreWriteFailure(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	h := healthy(clock)
	m := New()
	var failing atomic.Bool
	f := func() error {
		if failing.Load() {
			return errors.New("store writes failing since X (3 failed): no space left on device")
		}
		return nil
	}
	h.SetStoreCheck(f)
	m.SetStoreHealth(f)
	gauge := func() string {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		for line := range strings.SplitSeq(rec.Body.String(), "\n") {
			if strings.HasPrefix(line, "ticketd_store_writes_healthy ") {
				return strings.TrimPrefix(line, "ticketd_store_writes_healthy ")
			}
		}
		return "absent"
	}
	if ok, reasons := h.Ready(); !ok || gauge() != "1" {
		t.Fatalf("healthy store: ready %v %v, gauge %s", ok, reasons, gauge())
	}
	failing.Store(true)
	ok, reasons := h.Ready()
	if ok || len(reasons) != 1 || !strings.Contains(reasons[0], "no space left on device") {
		t.Errorf("failing store: ready %v, reasons %q", ok, reasons)
	}
	if g := gauge(); g != "0" {
		t.Errorf("gauge %s while writes fail, want 0", g)
	}
	failing.Store(false)
	if ok, _ := h.Ready(); !ok || gauge() != "1" {
		t.Errorf("after recovery: ready %v, gauge %s", ok, gauge())
	}
}
