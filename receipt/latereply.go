package receipt

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// lateReadGrace is how long a read whose deadline has passed still waits
// for bytes: enough to take what the kernel already holds, far too short
// to wait for a slow server.
const lateReadGrace = 20 * time.Millisecond

// lateReplyConn reads what the server already answered before reporting
// a read deadline. When this process is paused (SIGSTOP, a VM frozen, a
// long stall) while the server answers, the deadline has passed by the
// time it runs again, and Go's Read fails at once without looking at the
// socket: the accepted email would be counted a failure and sent again
// (2 duplicate receipts in 276 in issue 13). On such a timeout it reads
// once more with a deadline lateReadGrace from now: a reply already in
// the socket buffer is returned; otherwise the original timeout is.
type lateReplyConn struct {
	net.Conn

	mu            sync.Mutex
	readDeadline  time.Time // the deadlines the caller set
	writeDeadline time.Time
}

func (c *lateReplyConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	c.readDeadline, c.writeDeadline = t, t
	c.mu.Unlock()
	return c.Conn.SetDeadline(t)
}

func (c *lateReplyConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.readDeadline = t
	c.mu.Unlock()
	return c.Conn.SetReadDeadline(t)
}

func (c *lateReplyConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.writeDeadline = t
	c.mu.Unlock()
	return c.Conn.SetWriteDeadline(t)
}

func (c *lateReplyConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		return n, err
	}
	c.mu.Lock()
	deadline := c.readDeadline
	c.mu.Unlock()
	if c.Conn.SetReadDeadline(time.Now().Add(lateReadGrace)) != nil {
		return n, err
	}
	n, lateErr := c.Conn.Read(p)
	_ = c.Conn.SetReadDeadline(deadline)
	if n > 0 {
		return n, nil
	}
	if lateErr != nil && !errors.Is(lateErr, os.ErrDeadlineExceeded) {
		return 0, lateErr // the link broke meanwhile: say so
	}
	return 0, err
}

// Write does the same for the command that follows such a reply in the
// same transaction (a pipelined message after its envelope's replies):
// when nothing could be written because the deadline passed, it tries
// again within lateReadGrace, which a socket with room in its buffer
// takes at once.
func (c *lateReplyConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		return n, err
	}
	c.mu.Lock()
	deadline := c.writeDeadline
	c.mu.Unlock()
	if c.Conn.SetWriteDeadline(time.Now().Add(lateReadGrace)) != nil {
		return n, err
	}
	n, lateErr := c.Conn.Write(p)
	_ = c.Conn.SetWriteDeadline(deadline)
	if lateErr == nil || n > 0 {
		return n, lateErr
	}
	if !errors.Is(lateErr, os.ErrDeadlineExceeded) {
		return 0, lateErr
	}
	return 0, err
}
