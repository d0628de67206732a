package admin

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// shutdown stops s within a few seconds, failing the test on error.
func shutdown(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func TestServerRefusesNonLoopback(t *testing.T) {
	db := openStore(t)
	tests := []struct {
		addr    string
		allow   bool
		wantErr error // nil: starts and answers
	}{
		{"127.0.0.1:0", false, nil},
		{"localhost:0", false, nil},
		{"0.0.0.0:0", false, ErrNonLoopback},
		{":0", false, ErrNonLoopback},
		{"[::]:0", false, ErrNonLoopback},
		{"192.0.2.1:0", false, ErrNonLoopback},
		{"admin.example.com:0", false, ErrNonLoopback},
		{"0.0.0.0:0", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			s := NewServer(tt.addr, NewHandler(db, fixedNow, nil), testLogger(t))
			s.AllowNonLoopback = tt.allow
			err := s.Start()
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Start(%s) = %v, want %v", tt.addr, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Start(%s): %v", tt.addr, err)
			}
			defer shutdown(t, s)
			c := NewClient(s.Addr(), 5*time.Second)
			defer c.Close()
			if up, err := c.Up(t.Context()); !up || err != nil {
				t.Errorf("Up at %s (listening on %s) = %v, %v; want true, nil", c.Addr(), s.Addr(), up, err)
			}
		})
	}
}

func TestServerStartReturnsBindError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := NewServer(ln.Addr().String(), http.NotFoundHandler(), nil)
	err = s.Start()
	if err == nil {
		shutdown(t, s)
		t.Fatalf("Start on a busy address %s succeeded", ln.Addr())
	}
	if errors.Is(err, ErrNonLoopback) {
		t.Errorf("Start = %v, want the bind error", err)
	}
}

func TestServerLifecycle(t *testing.T) {
	db := openStore(t)
	s := NewServer("127.0.0.1:0", NewHandler(db, fixedNow, nil), testLogger(t))
	if got := s.Addr(); got != "127.0.0.1:0" {
		t.Errorf("Addr before Start = %q, want the configured address", got)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if _, port, _ := net.SplitHostPort(s.Addr()); port == "0" || port == "" {
		t.Errorf("Addr after Start = %q, want the real port", s.Addr())
	}
	if err := s.Start(); !errors.Is(err, ErrStarted) {
		t.Errorf("second Start = %v, want ErrStarted", err)
	}
	c := NewClient(s.Addr(), 5*time.Second)
	defer c.Close()
	if up, err := c.Up(t.Context()); !up || err != nil {
		t.Fatalf("Up while serving = %v, %v", up, err)
	}
	shutdown(t, s)
	if up, err := c.Up(t.Context()); up || err != nil {
		t.Errorf("Up after Shutdown = %v, %v; want false, nil", up, err)
	}
	if err := s.Start(); !errors.Is(err, ErrStarted) {
		t.Errorf("Start after Shutdown = %v, want ErrStarted", err)
	}
	shutdown(t, s) // twice is harmless
}

func TestServerShutdownBeforeStart(t *testing.T) {
	s := NewServer("127.0.0.1:0", http.NotFoundHandler(), nil)
	shutdown(t, s)
	if err := s.Start(); !errors.Is(err, ErrStarted) {
		t.Errorf("Start after Shutdown = %v, want ErrStarted", err)
	}
}

// blockingServer serves a handler that signals entered and waits for
// release; it returns the server and the URL of that handler.
func blockingServer(t *testing.T, entered chan<- struct{}, release <-chan struct{}) (*Server, string) {
	t.Helper()
	s := NewServer("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		entered <- struct{}{}
		<-release
		_, _ = io.WriteString(w, "done")
	}), testLogger(t))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s, "http://" + s.Addr() + "/slow"
}

// get GETs url in a goroutine and reports the body or error.
func get(url string) <-chan string {
	out := make(chan string, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			out <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			out <- "error: " + err.Error()
			return
		}
		out <- string(b)
	}()
	return out
}

func TestServerShutdownLetsRequestsFinish(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	s, url := blockingServer(t, entered, release)
	answer := get(url)
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- s.Shutdown(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Shutdown returned (%v) while a request was in progress", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if got := <-answer; got != "done" {
		t.Errorf("request in progress during Shutdown got %q, want done", got)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestServerShutdownDeadlineForcesClose(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	defer close(release)
	s, url := blockingServer(t, entered, release)
	answer := get(url)
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with a stuck request = %v, want DeadlineExceeded", err)
	}
	if got := <-answer; got == "done" {
		t.Errorf("stuck request completed; want its connection closed")
	}
}

func TestClientUp(t *testing.T) {
	db := openStore(t)
	c, _ := startAPI(t, db)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == PathPrefix+"ping" {
			_, _ = io.WriteString(w, `{"service":"grafana"}`)
			return
		}
		http.NotFound(w, r)
	}))
	defer other.Close()
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "<html>hello</html>")
	}))
	defer html.Close()
	noPing := httptest.NewServer(http.NotFoundHandler())
	defer noPing.Close()

	tests := []struct {
		name    string
		addr    string
		wantUp  bool
		wantErr bool
	}{
		{"ticketd serving", c.Addr(), true, false},
		{"nothing listening", closedAddr(t), false, false},
		{"another service's ping", other.Listener.Addr().String(), false, true},
		{"a web page", html.Listener.Addr().String(), false, true},
		{"no ping route", noPing.Listener.Addr().String(), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClient(tt.addr, 5*time.Second)
			defer c.Close()
			up, err := c.Up(t.Context())
			if up != tt.wantUp || (err != nil) != tt.wantErr {
				t.Errorf("Up(%s) = %v, %v; want %v, error %v", tt.addr, up, err, tt.wantUp, tt.wantErr)
			}
		})
	}
}

func TestDialAddr(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:9120": "127.0.0.1:9120",
		"localhost:9120": "localhost:9120",
		":9120":          "127.0.0.1:9120",
		"0.0.0.0:9120":   "127.0.0.1:9120",
		"[::]:9120":      "127.0.0.1:9120",
		"[::1]:9120":     "[::1]:9120",
	}
	for in, want := range tests {
		if got := dialAddr(in); got != want {
			t.Errorf("dialAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
