package console

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// hub tells the open pages that tickets changed: each listener gets at
// most one pending notice (a page only needs to know that it is stale).
type hub struct {
	mu        sync.Mutex
	listeners map[chan struct{}]bool
}

func newHub() *hub { return &hub{listeners: map[chan struct{}]bool{}} }

// Notify tells every listener that something changed; it never blocks.
func (h *hub) Notify() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.listeners {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (h *hub) listen() chan struct{} {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	h.listeners[ch] = true
	h.mu.Unlock()
	return ch
}

func (h *hub) leave(ch chan struct{}) {
	h.mu.Lock()
	delete(h.listeners, ch)
	h.mu.Unlock()
}

// keepAlive is how often an idle event stream sends a comment, so that
// proxies do not close it.
const keepAlive = 25 * time.Second

// events streams "changed" Server-Sent Events to a page until the client
// goes away or the console stops.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	ch := s.hub.listen()
	defer s.hub.leave(ch)
	fmt.Fprint(w, "retry: 2000\n\n")
	flusher.Flush()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case <-ch:
			fmt.Fprint(w, "event: changed\ndata: {}\n\n")
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		}
		flusher.Flush()
	}
}
