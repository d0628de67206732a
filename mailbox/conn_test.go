package mailbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// closedWithin fails the test unless c.Closed() fires within d.
func closedWithin(t *testing.T, c *Client, d time.Duration) {
	t.Helper()
	select {
	case <-c.Closed():
	case <-time.After(d):
		t.Fatalf("Closed() did not fire within %v", d)
	}
}

func TestConnectionDrop(t *testing.T) {
	tests := []struct {
		name string
		wait bool // drop while WaitForChange is idling
	}{
		{name: "between calls"},
		{name: "during IDLE", wait: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, capsRev2)
			c := dial(t, ts.config())
			var w *waiter
			if tt.wait {
				w = startWait(t, c, context.Background(), time.Hour, time.Hour)
			}

			ts.srv.Stop()
			closedWithin(t, c, 2*time.Second)
			if w != nil {
				if r := result(t, w, 2*time.Second); !errors.Is(r.err, ErrConnClosed) {
					t.Errorf("WaitForChange() error = %v, want ErrConnClosed", r.err)
				}
			}

			ctx := context.Background()
			if _, err := c.UIDs(ctx); !errors.Is(err, ErrConnClosed) {
				t.Errorf("UIDs() error = %v, want ErrConnClosed", err)
			}
			if _, err := c.Fetch(ctx, 1, 0); !errors.Is(err, ErrConnClosed) {
				t.Errorf("Fetch() error = %v, want ErrConnClosed", err)
			}
			if err := c.Append(ctx, "INBOX", []byte("x")); !errors.Is(err, ErrConnClosed) {
				t.Errorf("Append() error = %v, want ErrConnClosed", err)
			}
			if err := c.WaitForChange(ctx, time.Hour, time.Hour); !errors.Is(err, ErrConnClosed) {
				t.Errorf("WaitForChange() error = %v, want ErrConnClosed", err)
			}
			if err := c.Close(); err != nil {
				t.Errorf("Close() after a drop = %v, want nil", err)
			}
		})
	}
}

func TestCloseDuringIdle(t *testing.T) {
	ts := startServer(t, capsRev2)
	c := dial(t, ts.config())
	w := startWait(t, c, context.Background(), time.Hour, time.Hour)

	closed := make(chan error, 1)
	go func() { closed <- c.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close() = %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close() blocked behind IDLE")
	}
	if r := result(t, w, 2*time.Second); !errors.Is(r.err, ErrConnClosed) {
		t.Errorf("WaitForChange() error = %v, want ErrConnClosed", r.err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
}

func TestCloseLogsOut(t *testing.T) {
	ts := startServerWith(t, serverOptions{caps: capsRev2, record: true})
	c := dial(t, ts.config())
	if err := c.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	closedWithin(t, c, time.Second)
	if wire := ts.wire.String(); !strings.Contains(wire, " LOGOUT\r\n") || !strings.Contains(wire, "* BYE") {
		t.Errorf("no LOGOUT exchange on the wire:\n%s", wire)
	}
}

func TestRunCommandTimeout(t *testing.T) {
	ts := startServer(t, capsRev2)
	cfg := ts.config()
	cfg.CommandTimeout = 100 * time.Millisecond
	c := dial(t, cfg)

	// A command whose answer never comes: fn returns only once the
	// connection is closed.
	start := time.Now()
	err := c.run(context.Background(), "stuck", func() error {
		<-c.imap.Closed()
		return errors.New("closed")
	})
	if !errors.Is(err, ErrCommandTimeout) || !errors.Is(err, ErrConnClosed) {
		t.Fatalf("run() error = %v, want ErrCommandTimeout and ErrConnClosed", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("run() took %v with a 100ms CommandTimeout", d)
	}
	closedWithin(t, c, time.Second)
}

func TestRunCanceledBeforeStart(t *testing.T) {
	ts := startServer(t, capsRev2)
	c := dial(t, ts.config())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.UIDs(ctx); !errors.Is(err, context.Canceled) || errors.Is(err, ErrConnClosed) {
		t.Fatalf("UIDs(canceled ctx) error = %v, want context.Canceled only", err)
	}
	// Nothing was sent, so the connection is intact.
	if _, err := c.UIDs(context.Background()); err != nil {
		t.Errorf("UIDs() afterwards: %v", err)
	}
}

func TestRunCanceledInFlight(t *testing.T) {
	ts := startServer(t, capsRev2)
	c := dial(t, ts.config())
	ctx, cancel := context.WithCancel(context.Background())
	err := c.run(ctx, "stuck", func() error {
		cancel()
		<-c.imap.Closed()
		return errors.New("closed")
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrConnClosed) {
		t.Fatalf("run() error = %v, want context.Canceled and ErrConnClosed", err)
	}
	closedWithin(t, c, time.Second)
}
