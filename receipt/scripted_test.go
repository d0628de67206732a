package receipt

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// scripted is a bare SMTP server for behaviour go-smtp never shows (a 354
// after refused recipients, a refused RSET, a reply that never comes):
// reply gives the answer to the nth command of a verb ("." for the end of
// data); "" leaves the client waiting.
type scripted struct {
	caps  []string
	reply func(verb string, n int) string

	mu   sync.Mutex
	seen []string // the commands, in order
}

func (s *scripted) start(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	t.Cleanup(func() {
		_ = ln.Close()
		conns.Wait()
	})
	conns.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { s.serve(t, c) })
		}
	})
	return ln.Addr().String()
}

func (s *scripted) serve(t *testing.T, c net.Conn) {
	defer c.Close()
	// The test ends the session at the latest: no goroutine outlives it.
	stop := context.AfterFunc(t.Context(), func() { _ = c.Close() })
	defer stop()
	r := bufio.NewReader(c)
	send := func(lines string) { _, _ = io.WriteString(c, lines) }
	send("220 scripted\r\n")
	counts := map[string]int{}
	inData := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		if inData {
			if line != "." {
				continue
			}
			inData, verb = false, "."
		}
		s.mu.Lock()
		s.seen = append(s.seen, verb)
		s.mu.Unlock()
		counts[verb]++
		switch verb {
		case "EHLO":
			send("250-scripted\r\n" + ehlo(s.caps))
			continue
		case "QUIT":
			send("221 bye\r\n")
			return
		case "BDAT":
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			_, _ = io.CopyN(io.Discard, r, int64(n))
		}
		rep := s.reply(verb, counts[verb])
		if verb == "DATA" && strings.HasPrefix(rep, "354") {
			inData = true
		}
		if rep != "" {
			send(rep + "\r\n")
		}
	}
}

// ehlo is the rest of the EHLO reply offering caps.
func ehlo(caps []string) string {
	var b strings.Builder
	for _, c := range caps {
		b.WriteString("250-" + c + "\r\n")
	}
	b.WriteString("250 8BITMIME\r\n")
	return b.String()
}

func (s *scripted) count(verb string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, v := range s.seen {
		if v == verb {
			n++
		}
	}
	return n
}

// A refused RSET inside a group says nothing about the email after it:
// that email (and the rest) fail for now, never for good.
func TestGroupRSETRefused(t *testing.T) {
	srv := &scripted{caps: []string{"PIPELINING", "CHUNKING"}, reply: func(verb string, n int) string {
		if verb == "RSET" {
			return "500 5.5.1 unrecognised"
		}
		return "250 ok"
	}}
	s := newTestSender(t, SMTPConfig{Address: srv.start(t), Timeout: 5 * time.Second})
	// The first email goes alone and the second opens the next group, both
	// without RSET; the third is the first after one.
	errs := s.Send(t.Context(), batch(4))
	for i := range 2 {
		if errs[i] != nil {
			t.Errorf("email %d, before any RSET: %v", i, errs[i])
		}
	}
	if srv.count("RSET") == 0 {
		t.Fatal("the server read no RSET")
	}
	for i := 2; i < 4; i++ {
		if errs[i] == nil || Permanent(errs[i]) {
			t.Errorf("email %d: %v (permanent %v), want a temporary failure", i, errs[i], Permanent(errs[i]))
		}
	}
}

// After a refused recipient the server answers DATA with 354 anyway; the
// empty data that closes the transaction is never answered. The session
// is then out of step: the other emails must not be tried on it (nor be
// failed for good by reading stale replies).
func TestEmptyDataUnansweredEndsTheSession(t *testing.T) {
	srv := &scripted{caps: []string{"PIPELINING"}, reply: func(verb string, n int) string {
		switch {
		case verb == "RCPT" && n == 1:
			return "550 5.1.1 no such user"
		case verb == "DATA":
			return "354 go ahead"
		case verb == ".":
			return "" // never answered
		}
		return "250 ok"
	}}
	s := newTestSender(t, SMTPConfig{Address: srv.start(t), Timeout: 300 * time.Millisecond})
	errs := s.Send(t.Context(), batch(3))
	if smtpCode(errs[0]) != 550 {
		t.Errorf("email 0: %v, want its 550", errs[0])
	}
	for i := 1; i < 3; i++ {
		if !errors.Is(errs[i], ErrConnect) || Permanent(errs[i]) {
			t.Errorf("email %d: %v, want a temporary connection error", i, errs[i])
		}
	}
	if n := srv.count("MAIL"); n != 1 {
		t.Errorf("server saw %d MAIL commands, want 1 (none on a session out of step)", n)
	}
}
