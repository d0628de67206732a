package receipt

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// Answers about the session are no verdict on an email: a refused HELO
// name at RCPT (Postfix's reject_non_fqdn_helo_hostname), a refused sender,
// the same policy refusal of every recipient defer the emails
// (ErrSessionRefused, not Permanent, Refused); a mailbox's refusal, or a
// policy refusal of one recipient among others, still fails that email.
func TestSessionRefusals(t *testing.T) {
	helo := "504 5.5.2 <vm>: Helo command rejected: need fully-qualified hostname"
	tests := []struct {
		name            string
		mail            string
		rcpt            func(n int) string
		session, failed []bool // per email: deferred with the session; failed for good
	}{
		{"HELO refused at RCPT", "", func(int) string { return helo }, []bool{true, true, true}, nil},
		{"sender refused", "553 5.7.1 <support@vendor.test>: Sender address rejected: not owned by user", nil, []bool{true, true, true}, nil},
		{"relay denied for every recipient", "", func(n int) string {
			return fmt.Sprintf("554 5.7.1 <user%d@customer.test>: Relay access denied", n-1)
		}, []bool{true, true, true}, nil},
		{"unknown mailboxes", "", func(n int) string {
			return fmt.Sprintf("550 5.1.1 <user%d@customer.test>: Recipient address rejected: User unknown", n-1)
		}, nil, []bool{true, true, true}},
		{"one recipient refused by policy", "", func(n int) string {
			if n == 2 {
				return "554 5.7.1 <user1@customer.test>: Recipient address rejected: Access denied"
			}
			return ""
		}, nil, []bool{false, true, false}},
		{"a protocol refusal of one recipient among others taken", "", func(n int) string {
			if n == 2 {
				return "501 5.5.4 <user1@customer.test>: Recipient address rejected: invalid syntax"
			}
			return ""
		}, nil, []bool{false, true, false}},
	}
	modes := map[string][]string{"grouped": {"PIPELINING", "CHUNKING"}, "pipelined": {"PIPELINING"}, "one command at a time": nil}
	for _, tt := range tests {
		for mode, caps := range modes {
			t.Run(tt.name+", "+mode, func(t *testing.T) {
				srv := &scripted{caps: caps, reply: func(verb string, n int) string {
					switch {
					case verb == "MAIL" && tt.mail != "":
						return tt.mail
					case verb == "RCPT" && tt.mail != "":
						return "503 5.5.1 Error: need MAIL command"
					case verb == "RCPT" && tt.rcpt != nil && tt.rcpt(n) != "":
						return tt.rcpt(n)
					case verb == "DATA":
						return "354 go ahead"
					}
					return "250 ok"
				}}
				s := newTestSender(t, SMTPConfig{Address: srv.start(t), Timeout: 5 * time.Second})
				errs := s.Send(t.Context(), batch(3))
				for i, err := range errs {
					session := tt.session != nil && tt.session[i]
					failed := tt.failed != nil && tt.failed[i]
					if got := errors.Is(err, ErrSessionRefused); got != session {
						t.Errorf("email %d: %v: session refusal %v, want %v", i, err, got, session)
					}
					if got := Permanent(err); got != failed {
						t.Errorf("email %d: %v: permanent %v, want %v", i, err, got, failed)
					}
					if session && !Refused(err) {
						t.Errorf("email %d: %v: not Refused", i, err)
					}
					if !session && !failed && err != nil {
						t.Errorf("email %d: %v, want delivered", i, err)
					}
				}
			})
		}
	}
}

// A session refused as a session (a HELO name refused at RCPT, a refused
// sender) tries no further transaction: each would be refused the same
// way, and Postfix slows its replies with every error. A server taking
// groups gets the first transaction alone, so it too sees one try.
func TestSessionRefusalEndsTheSession(t *testing.T) {
	const emails = groupMax + 4
	helo := "504 5.5.2 <vm>: Helo command rejected: need fully-qualified hostname"
	tests := []struct {
		name       string
		mail, rcpt string
	}{
		{"HELO refused at RCPT", "", helo},
		{"sender refused", "553 5.7.1 <support@vendor.test>: Sender address rejected: not owned by user", ""},
	}
	modes := []struct {
		name  string
		caps  []string
		tries int // MAIL commands the server reads
	}{
		{"grouped", []string{"PIPELINING", "CHUNKING"}, 1},
		{"pipelined", []string{"PIPELINING"}, 1},
		{"one command at a time", nil, 1},
	}
	for _, tt := range tests {
		for _, mode := range modes {
			t.Run(tt.name+", "+mode.name, func(t *testing.T) {
				srv := &scripted{caps: mode.caps, reply: func(verb string, n int) string {
					switch {
					case verb == "MAIL" && tt.mail != "":
						return tt.mail
					case verb == "RCPT" && tt.mail != "":
						return "503 5.5.1 Error: need MAIL command"
					case verb == "RCPT":
						return tt.rcpt
					case verb == "DATA":
						return "354 go ahead"
					}
					return "250 ok"
				}}
				s := newTestSender(t, SMTPConfig{Address: srv.start(t), Timeout: 5 * time.Second})
				errs := s.Send(t.Context(), batch(emails))
				for i, err := range errs {
					if !errors.Is(err, ErrSessionRefused) || Permanent(err) || !Refused(err) {
						t.Errorf("email %d: %v: want a session refusal, retried", i, err)
					}
				}
				if got := srv.count("MAIL"); got != mode.tries {
					t.Errorf("server read %d MAIL commands for %d emails, want %d", got, emails, mode.tries)
				}
			})
		}
	}
}

// Every transaction of a group gets the whole timeout for its replies: a
// server that pauses before each refusal (Postfix's
// smtpd_error_sleep_time) is slow, not dead, even when a group's pauses
// add up to more than the timeout.
func TestGroupTimeoutPerTransaction(t *testing.T) {
	const timeout = 2 * time.Second
	pause := timeout / 4
	srv := &scripted{caps: []string{"PIPELINING", "CHUNKING"}, reply: func(verb string, n int) string {
		if verb == "RCPT" {
			time.Sleep(pause) // the server's own delay, not a wait of the test
			return fmt.Sprintf("550 5.1.1 <user%d@customer.test>: Recipient address rejected: User unknown", n-1)
		}
		return "250 ok"
	}}
	s := newTestSender(t, SMTPConfig{Address: srv.start(t), Timeout: timeout})
	errs := s.Send(t.Context(), batch(8)) // 8 pauses: twice the timeout
	for i, err := range errs {
		if !Permanent(err) {
			t.Errorf("email %d: %v: want the server's refusal of the mailbox", i, err)
		}
	}
}
