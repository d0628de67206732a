package mailbox

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// waitResult is what a WaitForChange running in a goroutine returned.
type waitResult struct {
	err     error
	elapsed time.Duration
}

// waiter is a WaitForChange running in a goroutine.
type waiter struct {
	done  chan waitResult
	idles atomic.Int32 // IDLE commands started by the client since startWait
}

// startWait runs WaitForChange in a goroutine. When the client uses IDLE,
// it returns only once IDLE is running.
func startWait(t *testing.T, c *Client, ctx context.Context, poll, max time.Duration) *waiter {
	t.Helper()
	w := &waiter{done: make(chan waitResult, 1)}
	idling := make(chan struct{}, 1)
	c.testHookIdling = func() {
		w.idles.Add(1)
		select {
		case idling <- struct{}{}:
		default:
		}
	}
	start := time.Now()
	go func() {
		err := c.WaitForChange(ctx, poll, max)
		w.done <- waitResult{err, time.Since(start)}
	}()
	if c.caps.IDLE && !c.cfg.DisableIDLE {
		select {
		case <-idling:
		case r := <-w.done:
			t.Fatalf("WaitForChange() returned before idling: %v", r.err)
		case <-time.After(5 * time.Second):
			t.Fatal("IDLE did not start within 5s")
		}
	}
	return w
}

// result waits for a WaitForChange started by startWait, failing after d.
func result(t *testing.T, w *waiter, d time.Duration) waitResult {
	t.Helper()
	select {
	case r := <-w.done:
		return r
	case <-time.After(d):
		t.Fatalf("WaitForChange() still blocked after %v", d)
		return waitResult{}
	}
}

func TestWaitForChangeIdleWakesOnAppend(t *testing.T) {
	ts := startServer(t, capsRev2)
	c := dial(t, ts.config())
	other := dial(t, ts.config())
	if !c.Caps().IDLE {
		t.Fatal("test server does not advertise IDLE")
	}

	w := startWait(t, c, context.Background(), time.Hour, time.Minute)
	select {
	case r := <-w.done:
		t.Fatalf("WaitForChange() returned %v before any change", r.err)
	default:
	}

	ctx := context.Background()
	if err := other.Append(ctx, "INBOX", []byte(message("new", "Nuevo", "hola"))); err != nil {
		t.Fatalf("Append() from another client: %v", err)
	}
	appended := time.Now()
	r := result(t, w, 5*time.Second)
	if r.err != nil {
		t.Fatalf("WaitForChange() error = %v", r.err)
	}
	if d := time.Since(appended); d > time.Second {
		t.Errorf("WaitForChange() woke %v after the APPEND, want under 1s", d)
	}

	// IDLE was ended cleanly: the connection is usable and sees the message.
	uids, err := c.UIDs(ctx)
	if err != nil || len(uids) != 1 {
		t.Errorf("UIDs() after wake = %v, %v; want one UID", uids, err)
	}
}

func TestWaitForChangeTimesOut(t *testing.T) {
	tests := []struct {
		name        string
		disableIDLE bool
		poll, max   time.Duration
		want        time.Duration
	}{
		{name: "idle max", max: 150 * time.Millisecond, poll: time.Hour, want: 150 * time.Millisecond},
		{name: "poll interval", disableIDLE: true, poll: 150 * time.Millisecond, max: time.Hour, want: 150 * time.Millisecond},
		{name: "poll capped by max", disableIDLE: true, poll: time.Hour, max: 150 * time.Millisecond, want: 150 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, capsRev1)
			cfg := ts.config()
			cfg.DisableIDLE = tt.disableIDLE
			c := dial(t, cfg)
			w := startWait(t, c, context.Background(), tt.poll, tt.max)
			r := result(t, w, 5*time.Second)
			if r.err != nil {
				t.Fatalf("WaitForChange() error = %v", r.err)
			}
			if r.elapsed < tt.want || r.elapsed > tt.want+2*time.Second {
				t.Errorf("WaitForChange() returned after %v, want about %v", r.elapsed, tt.want)
			}
			if _, err := c.UIDs(context.Background()); err != nil {
				t.Errorf("UIDs() afterwards: %v", err)
			}
			if !tt.disableIDLE && w.idles.Load() != 1 {
				t.Errorf("IDLE started %d times, want 1", w.idles.Load())
			}
			if tt.disableIDLE {
				// A second round must not use IDLE either.
				if err := c.WaitForChange(context.Background(), time.Millisecond, time.Second); err != nil {
					t.Fatalf("second WaitForChange() error = %v", err)
				}
				if n := w.idles.Load(); n != 0 {
					t.Errorf("IDLE was used %d times although DisableIDLE is set", n)
				}
			}
		})
	}
}

func TestWaitForChangeCanceled(t *testing.T) {
	tests := []struct {
		name        string
		disableIDLE bool
	}{
		{name: "idle"},
		{name: "poll", disableIDLE: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, capsRev2)
			cfg := ts.config()
			cfg.DisableIDLE = tt.disableIDLE
			c := dial(t, cfg)

			ctx, cancel := context.WithCancel(context.Background())
			w := startWait(t, c, ctx, time.Hour, time.Hour)
			cancel()
			r := result(t, w, 2*time.Second)
			if !errors.Is(r.err, context.Canceled) {
				t.Fatalf("WaitForChange() error = %v, want context.Canceled", r.err)
			}
			if errors.Is(r.err, ErrConnClosed) {
				t.Errorf("cancel closed the connection: %v", r.err)
			}
			if _, err := c.UIDs(context.Background()); err != nil {
				t.Errorf("UIDs() after a canceled wait: %v", err)
			}
		})
	}
}

func TestWaitForChangePendingChange(t *testing.T) {
	ts := startServer(t, capsRev2)
	c := dial(t, ts.config())
	ctx := context.Background()
	if _, err := c.UIDs(ctx); err != nil {
		t.Fatal(err)
	}
	// EXISTS reaches the client with the next command's answers.
	ts.seed(t, "INBOX", message("between", "x", "y"))
	if err := c.Append(ctx, "Processed", []byte(message("noop", "x", "y"))); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := c.WaitForChange(ctx, time.Hour, 5*time.Second); err != nil {
		t.Fatalf("WaitForChange() error = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("WaitForChange() took %v despite a change already reported", d)
	}
}
