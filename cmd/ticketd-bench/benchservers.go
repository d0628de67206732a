package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"

	"github.com/ticketd/ticketd/internal/memimap"
)

// Credentials of the benchmark's in-process IMAP server.
const (
	benchUser     = "support@ticketd.example"
	benchPassword = "bench"
)

// benchIMAP is go-imap's in-memory server on loopback.
type benchIMAP struct {
	addr   string
	user   *imapmemserver.User
	server *imapserver.Server
}

func startBenchIMAP() (*benchIMAP, error) {
	user := imapmemserver.NewUser(benchUser, benchPassword)
	if err := user.Create("INBOX", nil); err != nil {
		return nil, err
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return memimap.NewSession(user), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = srv.Serve(ln) }()
	return &benchIMAP{addr: ln.Addr().String(), user: user, server: srv}, nil
}

func (s *benchIMAP) Close() { _ = s.server.Close() }

// append adds a message to a mailbox directly (the server's own APPEND).
func (s *benchIMAP) append(mailbox string, raw []byte) error {
	_, err := s.user.Append(mailbox, memimap.Literal(raw), &imap.AppendOptions{Time: time.Now()})
	return err
}

// benchSMTP is a go-smtp sink on loopback that records when each email
// arrived, by the Message-ID it answers (In-Reply-To).
type benchSMTP struct {
	addr   string
	server *smtp.Server

	mu       sync.Mutex
	count    int
	arrivals map[string]time.Time
	changed  chan struct{}
}

func startBenchSMTP() (*benchSMTP, error) {
	s := &benchSMTP{arrivals: map[string]time.Time{}, changed: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &benchSMTPSession{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.MaxMessageBytes = 64 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0) // a cancelled delivery at the end of a phase is not news
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = srv.Serve(ln) }()
	s.addr, s.server = ln.Addr().String(), srv
	return s, nil
}

func (s *benchSMTP) Close() { _ = s.server.Close() }

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

type benchSMTPSession struct{ s *benchSMTP }

func (ss *benchSMTPSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *benchSMTPSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *benchSMTPSession) Reset()                               {}
func (ss *benchSMTPSession) Logout() error                        { return nil }

func (ss *benchSMTPSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.received(inReplyTo(b))
	return nil
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
