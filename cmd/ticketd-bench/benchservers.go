package main

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/mailtest"
)

// Credentials of the benchmark's in-process IMAP server.
const (
	benchUser     = "support@ticketd.example"
	benchPassword = "bench"
)

// benchIMAP is mailtest's in-memory IMAP server on loopback.
type benchIMAP struct {
	addr string
	srv  *mailtest.IMAPServer
}

func startBenchIMAP() (*benchIMAP, error) {
	srv, err := mailtest.NewIMAP(mailtest.WithCredentials(benchUser, benchPassword))
	if err != nil {
		return nil, err
	}
	return &benchIMAP{addr: srv.Addr, srv: srv}, nil
}

func (s *benchIMAP) Close() { s.srv.Stop() }

// append adds a message to a mailbox directly (the server's own APPEND).
func (s *benchIMAP) append(mailbox string, raw []byte) error {
	return s.srv.AppendRaw(mailbox, raw, time.Now())
}

// benchSMTP is mailtest's SMTP server as a sink that keeps no email: it
// records when each arrived, by the Message-ID it answers (In-Reply-To).
type benchSMTP struct {
	addr   string
	server *mailtest.SMTPServer

	mu       sync.Mutex
	count    int
	arrivals map[string]time.Time
	changed  chan struct{}
}

func startBenchSMTP() (*benchSMTP, error) {
	s := &benchSMTP{arrivals: map[string]time.Time{}, changed: make(chan struct{})}
	srv, err := mailtest.NewSMTP(mailtest.SMTPOptions{Sink: func(m mailtest.Message) { s.received(inReplyTo(m.Data)) }})
	if err != nil {
		return nil, err
	}
	s.addr, s.server = srv.Addr, srv
	return s, nil
}

func (s *benchSMTP) Close() { s.server.Stop() }

func (s *benchSMTP) received(inReplyTo string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	if inReplyTo != "" {
		s.arrivals[inReplyTo] = time.Now()
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// reset forgets the emails received so far: a new phase counts its own.
func (s *benchSMTP) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count = 0
	clear(s.arrivals)
}

// waitCount waits until n emails arrived or timeout passes.
func (s *benchSMTP) waitCount(n int, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		count, changed := s.count, s.changed
		s.mu.Unlock()
		if count >= n {
			return nil
		}
		select {
		case <-changed:
		case <-deadline:
			return fmt.Errorf("smtp: %d emails after %s, want %d", count, timeout, n)
		}
	}
}

// waitArrival waits for the answer to messageID.
func (s *benchSMTP) waitArrival(messageID string, timeout time.Duration) (time.Time, error) {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		at, ok := s.arrivals[messageID]
		changed := s.changed
		s.mu.Unlock()
		if ok {
			return at, nil
		}
		select {
		case <-changed:
		case <-deadline:
			return time.Time{}, fmt.Errorf("no answer to %s within %s", messageID, timeout)
		}
	}
}

// inReplyTo finds the In-Reply-To id in an email's header cheaply: the
// sink shares the CPU with ticketd and must not parse whole messages.
func inReplyTo(b []byte) string {
	head, _, _ := bytes.Cut(b, []byte("\r\n\r\n"))
	i := bytes.Index(head, []byte("\nIn-Reply-To:"))
	if i < 0 {
		return ""
	}
	rest := head[i+len("\nIn-Reply-To:"):]
	start := bytes.IndexByte(rest, '<')
	end := bytes.IndexByte(rest, '>')
	if start < 0 || end < start {
		return ""
	}
	return string(rest[start+1 : end])
}
