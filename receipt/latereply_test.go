package receipt

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// pausedConn sleeps before every read, as a process stopped while the
// server answers: each reply is in the socket buffer, and the read
// deadline has passed, by the time Read runs.
type pausedConn struct {
	net.Conn
	pause time.Duration
}

func (c *pausedConn) Read(p []byte) (int, error) {
	time.Sleep(c.pause)
	return c.Conn.Read(p)
}

// TestReplyReadAfterPause: with every read paused past the 100 ms
// command deadline, the server's replies are already there and are read:
// the 3 emails are accepted (each would otherwise fail and be sent again).
func TestReplyReadAfterPause(t *testing.T) {
	srv := &scripted{caps: []string{"PIPELINING"}, reply: func(verb string, _ int) string {
		if verb == "DATA" {
			return "354 go ahead"
		}
		return "250 ok"
	}}
	s := newTestSender(t, SMTPConfig{Address: srv.start(t), Timeout: 100 * time.Millisecond})
	s.wrapConn = func(c net.Conn) net.Conn { return &pausedConn{Conn: c, pause: 250 * time.Millisecond} }
	for i, err := range s.Send(t.Context(), batch(3)) {
		if err != nil {
			t.Errorf("email %d: %v, want accepted (the reply was in the socket buffer)", i, err)
		}
	}
	if n := srv.count("MAIL"); n != 3 {
		t.Errorf("server saw %d MAIL commands, want 3", n)
	}
}

// TestLateReplyConn: after the deadline passed, bytes already received
// are read; with none, the timeout stands (within lateReadGrace).
func TestLateReplyConn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.WriteString(c, "250 ok\r\n")
		time.Sleep(2 * time.Second)
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	c := &lateReplyConn{Conn: raw}
	time.Sleep(100 * time.Millisecond) // the reply arrives "during the pause"
	if err := c.SetReadDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if _, err := raw.Read(buf[:0:0]); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Logf("a plain read after the deadline: %v", err)
	}
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "250 ok\r\n" {
		t.Fatalf("Read after the deadline = %q, %v; want the reply already received", buf[:n], err)
	}
	start := time.Now()
	if _, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Read with nothing received = %v, want the deadline error", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("a late read with nothing to read took %s", took)
	}
}
