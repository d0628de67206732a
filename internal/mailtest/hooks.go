package mailtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// HookRequest is one request a HookReceiver took.
type HookRequest struct {
	Header http.Header
	Body   []byte
	Status int // what the receiver answered
}

// HookReceiver is a webhook endpoint on loopback that records every
// request. It answers 500 to the first FailFirst requests; with Hold set
// it keeps the first request open until the client goes away (a daemon
// killed mid-delivery), telling Arrived; then it answers 204.
type HookReceiver struct {
	URL     string
	Arrived chan struct{} // gets a value when a held request arrives

	mu        sync.Mutex
	reqs      []HookRequest
	failFirst int
	hold      bool
	changed   chan struct{} // closed and replaced on every request
}

// StartHookReceiver starts a receiver that fails the first failFirst
// requests and, with hold, holds the first one open.
func StartHookReceiver(t testing.TB, failFirst int, hold bool) *HookReceiver {
	t.Helper()
	h := &HookReceiver{failFirst: failFirst, hold: hold, Arrived: make(chan struct{}, 1), changed: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

func (h *HookReceiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	h.mu.Lock()
	n := len(h.reqs)
	hold := h.hold && n == 0
	status := http.StatusNoContent
	if n < h.failFirst {
		status = http.StatusInternalServerError
	}
	if hold {
		status = 0 // never answered
	}
	h.reqs = append(h.reqs, HookRequest{Header: r.Header.Clone(), Body: body, Status: status})
	close(h.changed)
	h.changed = make(chan struct{})
	h.mu.Unlock()
	if hold {
		h.Arrived <- struct{}{}
		<-r.Context().Done()
		return
	}
	w.WriteHeader(status)
}

// Requests returns every request so far.
func (h *HookReceiver) Requests() []HookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]HookRequest(nil), h.reqs...)
}

// WaitDelivered waits until n requests were answered 2xx and returns
// them, failing the test after timeout.
func (h *HookReceiver) WaitDelivered(t testing.TB, n int, timeout time.Duration) []HookRequest {
	t.Helper()
	deadline := time.After(timeout)
	for {
		h.mu.Lock()
		var ok []HookRequest
		for _, r := range h.reqs {
			if r.Status >= 200 && r.Status < 300 {
				ok = append(ok, r)
			}
		}
		changed := h.changed
		h.mu.Unlock()
		if len(ok) >= n {
			return ok
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("webhook receiver: %d deliveries after %v, want %d", len(ok), timeout, n)
		}
	}
}
