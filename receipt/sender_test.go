package receipt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
)

// batch returns n valid receipts to distinct recipients.
func batch(n int) []*Email {
	emails := make([]*Email, n)
	for i := range emails {
		e := newEmail(KindReceipt, rules.English)
		e.To = fmt.Sprintf("user%d@customer.test", i)
		e.MessageID = fmt.Sprintf("r-%d@vendor.test", i)
		e.TicketNumber = fmt.Sprintf("SUP-%06d", i+1)
		emails[i] = e
	}
	return emails
}

func newTestSender(t *testing.T, cfg SMTPConfig) *Sender {
	t.Helper()
	if cfg.Security == "" {
		cfg.Security = SecurityNone
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	cfg.HeloName = "ticketd.test"
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	return s
}

func TestSendBatchOverOneConnection(t *testing.T) {
	for _, caps := range capabilities {
		t.Run(caps.name, func(t *testing.T) {
			be := &backend{noPipelining: caps.noPipelining, noChunking: caps.noChunking}
			addr := startServer(t, be, SecurityNone)
			s := newTestSender(t, SMTPConfig{Address: addr})
			emails := batch(3)

			errs := s.Send(t.Context(), emails)
			if len(errs) != 3 {
				t.Fatalf("got %d errors, want 3", len(errs))
			}
			for i, err := range errs {
				if err != nil {
					t.Errorf("email %d: %v", i, err)
				}
			}
			if n := be.connections(); n != 1 {
				t.Errorf("server saw %d connections, want 1", n)
			}
			// With CHUNKING the messages go as BDAT (RFC 3030), else after
			// DATA. With PIPELINING too, the first transaction goes alone
			// (a session refused as a session costs one try), the rest in
			// one group, each after the group's first opened by RSET (sent
			// only when a transaction starts before the previous one was
			// answered);
			// with PIPELINING alone each envelope goes out in one write
			// (RFC 2920); with neither, one command at a time.
			if n, want := be.occurrences("BDAT "), map[bool]int{false: 3, true: 0}[caps.noChunking]; n != want {
				t.Errorf("server read %d BDAT commands, want %d", n, want)
			}
			wantRSET, wantTogether := 0, 0
			switch {
			case grouped(caps.noPipelining, caps.noChunking):
				wantRSET = 1
			case !caps.noPipelining:
				wantTogether = 3
			}
			if n := be.occurrences("RSET\r\nMAIL FROM:"); n != wantRSET {
				t.Errorf("server read %d transactions opened by RSET, want %d", n, wantRSET)
			}
			if n := be.readsWith("MAIL FROM:", "DATA\r\n"); n != wantTogether {
				t.Errorf("server read MAIL FROM and DATA together %d times, want %d", n, wantTogether)
			}
			msgs := be.messages()
			if len(msgs) != 3 {
				t.Fatalf("server received %d messages, want 3", len(msgs))
			}
			for i, m := range msgs {
				if m.From != "support@vendor.test" {
					t.Errorf("message %d MAIL FROM %q", i, m.From)
				}
				if !slices.Equal(m.To, []string{emails[i].To}) {
					t.Errorf("message %d RCPT %v, want %s", i, m.To, emails[i].To)
				}
				want, err := Render(emails[i])
				if err != nil {
					t.Fatal(err)
				}
				// The server receives exactly what Render gives.
				if !bytes.Equal(m.Data, want) {
					t.Errorf("message %d data differs from Render:\n%s\n---\n%s", i, m.Data, want)
				}
			}
		})
	}
}

func TestSendEnvelopeFrom(t *testing.T) {
	be := &backend{}
	addr := startServer(t, be, SecurityNone)
	s := newTestSender(t, SMTPConfig{Address: addr, EnvelopeFrom: "bounces@vendor.test"})
	if errs := s.Send(t.Context(), batch(1)); errs[0] != nil {
		t.Fatal(errs[0])
	}
	msgs := be.messages()
	if len(msgs) != 1 || msgs[0].From != "bounces@vendor.test" {
		t.Fatalf("MAIL FROM = %+v, want bounces@vendor.test", msgs)
	}
	p := parse(t, msgs[0].Data)
	if from, _ := p.Header.AddressList("From"); len(from) != 1 || from[0].Address != "support@vendor.test" {
		t.Errorf("From header = %v, want the email's From", from)
	}
}

func TestSendFailures(t *testing.T) {
	const victim = "user1@customer.test" // the second email of the batch
	for _, tc := range []struct {
		name      string
		be        *backend
		permanent bool
	}{
		{"rcpt 550", &backend{rcptErr: map[string]error{victim: smtpReply(550, "no such user")}}, true},
		{"rcpt 451", &backend{rcptErr: map[string]error{victim: smtpReply(451, "try later")}}, false},
		{"data 554", &backend{dataErr: map[string]error{victim: smtpReply(554, "spam")}}, true},
		{"data 452", &backend{dataErr: map[string]error{victim: smtpReply(452, "mailbox full")}}, false},
		{"data error without code", &backend{dataErr: map[string]error{victim: errors.New("backend broke")}}, true}, // go-smtp answers 554
	} {
		for _, caps := range capabilities {
			t.Run(tc.name+"/"+caps.name, func(t *testing.T) {
				be := &backend{rcptErr: tc.be.rcptErr, dataErr: tc.be.dataErr, noPipelining: caps.noPipelining, noChunking: caps.noChunking}
				addr := startServer(t, be, SecurityNone)
				s := newTestSender(t, SMTPConfig{Address: addr})
				errs := s.Send(t.Context(), batch(3))
				if errs[0] != nil || errs[2] != nil {
					t.Errorf("emails around the failure: %v, %v", errs[0], errs[2])
				}
				if errs[1] == nil {
					t.Fatal("refused email reported as sent")
				}
				if got := Permanent(errs[1]); got != tc.permanent {
					t.Errorf("Permanent(%v) = %v, want %v", errs[1], got, tc.permanent)
				}
				if errors.Is(errs[1], ErrConnect) {
					t.Errorf("a refusal is not a connection error: %v", errs[1])
				}
				if !strings.Contains(errs[1].Error(), "r-1@vendor.test") {
					t.Errorf("error does not name the email: %v", errs[1])
				}
				var got []string
				for _, m := range be.messages() {
					got = append(got, m.To...)
				}
				if want := []string{"user0@customer.test", "user2@customer.test"}; !slices.Equal(got, want) {
					t.Errorf("delivered to %v, want %v", got, want)
				}
				if n := be.connections(); n != 1 {
					t.Errorf("server saw %d connections, want 1", n)
				}
			})
		}
	}
}

// A refused MAIL FROM fails each email on its own and leaves the session
// in step for the next: every email is tried, over one connection.
func TestSendMailFromRefused(t *testing.T) {
	for _, caps := range capabilities {
		t.Run(caps.name, func(t *testing.T) {
			be := &backend{mailErr: smtpReply(451, "greylisted"), noPipelining: caps.noPipelining, noChunking: caps.noChunking}
			addr := startServer(t, be, SecurityNone)
			s := newTestSender(t, SMTPConfig{Address: addr})
			errs := s.Send(t.Context(), batch(3))
			for i, err := range errs {
				if code := smtpCode(err); code != 451 || Permanent(err) || errors.Is(err, ErrConnect) {
					t.Errorf("email %d: %v (code %d), want a temporary 451 refusal", i, err, code)
				}
			}
			if n := be.occurrences("MAIL FROM:"); n < 3 {
				t.Errorf("server read MAIL FROM %d times, want every email tried", n)
			}
			if n := be.connections(); n != 1 {
				t.Errorf("server saw %d connections, want 1", n)
			}
		})
	}
}

func TestSendServerDown(t *testing.T) {
	s := newTestSender(t, SMTPConfig{Address: closedAddr(t)})
	errs := s.Send(t.Context(), batch(3))
	for i, err := range errs {
		if !errors.Is(err, ErrConnect) {
			t.Errorf("email %d: error %v, want ErrConnect", i, err)
		}
		if Permanent(err) {
			t.Errorf("email %d: Permanent(%v) = true", i, err)
		}
	}
}

func TestSendInvalidEmailInBatch(t *testing.T) {
	be := &backend{}
	addr := startServer(t, be, SecurityNone)
	s := newTestSender(t, SMTPConfig{Address: addr})
	emails := batch(3)
	emails[1].To = "not an address"
	errs := s.Send(t.Context(), emails)
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("valid emails: %v, %v", errs[0], errs[2])
	}
	if !errors.Is(errs[1], ErrInvalid) || !Permanent(errs[1]) {
		t.Errorf("invalid email: %v, want a permanent ErrInvalid", errs[1])
	}
	if n := len(be.messages()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}

	// A batch with nothing to send does not connect.
	none := s.Send(t.Context(), emails[1:2])
	if !errors.Is(none[0], ErrInvalid) {
		t.Errorf("got %v", none[0])
	}
	if n := be.connections(); n != 1 {
		t.Errorf("server saw %d connections, want 1", n)
	}
	if errs := s.Send(t.Context(), nil); len(errs) != 0 {
		t.Errorf("Send(nil) = %v", errs)
	}
}

func TestSendSecurityAndAuth(t *testing.T) {
	for _, tc := range []struct {
		name     string
		server   string // security the server offers
		cfg      SMTPConfig
		user     string
		wantUser string
		connErr  bool
	}{
		{"implicit tls", SecurityTLS, SMTPConfig{Security: SecurityTLS, InsecureSkipVerify: true}, "", "", false},
		{"starttls", SecuritySTARTTLS, SMTPConfig{Security: SecuritySTARTTLS, InsecureSkipVerify: true}, "", "", false},
		{"starttls with auth", SecuritySTARTTLS, SMTPConfig{Security: SecuritySTARTTLS, InsecureSkipVerify: true, Username: "bot", Password: "secret"}, "bot", "bot", false},
		{"tls with auth", SecurityTLS, SMTPConfig{Security: SecurityTLS, InsecureSkipVerify: true, Username: "bot", Password: "secret"}, "bot", "bot", false},
		{"plain auth to localhost", SecurityNone, SMTPConfig{Security: SecurityNone, Username: "bot", Password: "secret"}, "bot", "bot", false},
		{"wrong password", SecurityNone, SMTPConfig{Security: SecurityNone, Username: "bot", Password: "wrong"}, "bot", "", true},
		{"starttls required but not offered", SecurityNone, SMTPConfig{Security: SecuritySTARTTLS, InsecureSkipVerify: true}, "", "", true},
		{"untrusted certificate", SecurityTLS, SMTPConfig{Security: SecurityTLS}, "", "", true},
		{"tls to a plain server", SecurityNone, SMTPConfig{Security: SecurityTLS, InsecureSkipVerify: true}, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be := &backend{username: tc.user, password: "secret"}
			cfg := tc.cfg
			cfg.Address = startServer(t, be, tc.server)
			cfg.Timeout = 5 * time.Second
			s := newTestSender(t, cfg)
			errs := s.Send(t.Context(), batch(2))
			for i, err := range errs {
				if tc.connErr {
					if !errors.Is(err, ErrConnect) || Permanent(err) {
						t.Errorf("email %d: %v, want a temporary ErrConnect", i, err)
					}
				} else if err != nil {
					t.Errorf("email %d: %v", i, err)
				}
			}
			msgs := be.messages()
			if tc.connErr {
				if len(msgs) != 0 {
					t.Errorf("server received %d messages", len(msgs))
				}
				return
			}
			if len(msgs) != 2 {
				t.Fatalf("server received %d messages, want 2", len(msgs))
			}
			for _, m := range msgs {
				if m.User != tc.wantUser {
					t.Errorf("authenticated as %q, want %q", m.User, tc.wantUser)
				}
			}
		})
	}
}

func TestSendCanceled(t *testing.T) {
	t.Run("before dialing", func(t *testing.T) {
		be := &backend{}
		addr := startServer(t, be, SecurityNone)
		s := newTestSender(t, SMTPConfig{Address: addr})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		for i, err := range s.Send(ctx, batch(2)) {
			if !errors.Is(err, context.Canceled) || Permanent(err) {
				t.Errorf("email %d: %v, want a temporary context.Canceled", i, err)
			}
		}
		if n := len(be.messages()); n != 0 {
			t.Errorf("server received %d messages", n)
		}
	})
	for _, caps := range capabilities {
		t.Run("during DATA/"+caps.name, func(t *testing.T) {
			be := &backend{dataStarted: make(chan struct{}, 1), release: make(chan struct{}), noPipelining: caps.noPipelining, noChunking: caps.noChunking}
			addr := startServer(t, be, SecurityNone)
			// The server never answers: the link is closed the timeout
			// after the cancellation.
			s := newTestSender(t, SMTPConfig{Address: addr, Timeout: time.Second})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := make(chan []error, 1)
			go func() { done <- s.Send(ctx, batch(3)) }()
			select {
			case <-be.dataStarted:
			case <-time.After(10 * time.Second):
				t.Fatal("DATA never started")
			}
			cancel()
			var errs []error
			select {
			case errs = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Send did not return after cancellation")
			}
			for i, err := range errs {
				if !errors.Is(err, context.Canceled) || Permanent(err) {
					t.Errorf("email %d: %v, want a temporary context.Canceled", i, err)
				}
			}
		})
	}
}

// Cancelled while the server reads a message, Send lets that transaction
// finish (the server's answer is read, not lost), starts no other, and
// ends the session with QUIT: nothing is cut after the data went out.
func TestSendCanceledFinishesTheTransactionInFlight(t *testing.T) {
	for _, caps := range capabilities {
		t.Run(caps.name, func(t *testing.T) {
			be := &backend{dataStarted: make(chan struct{}, 1), release: make(chan struct{}), noPipelining: caps.noPipelining, noChunking: caps.noChunking}
			addr := startServer(t, be, SecurityNone)
			s := newTestSender(t, SMTPConfig{Address: addr, Timeout: 5 * time.Second})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := make(chan []error, 1)
			go func() { done <- s.Send(ctx, batch(3)) }()
			select {
			case <-be.dataStarted:
			case <-time.After(10 * time.Second):
				t.Fatal("DATA never started")
			}
			cancel()
			time.Sleep(100 * time.Millisecond)
			go be.srv.Stop() // releases the DATA held, then waits for the session to end
			var errs []error
			select {
			case errs = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Send did not return after cancellation")
			}
			if errs[0] != nil {
				t.Errorf("the email in flight: %v, want accepted", errs[0])
			}
			accepted := 0
			for i, err := range errs {
				switch {
				case err == nil:
					accepted++
				case !errors.Is(err, context.Canceled) || Permanent(err):
					t.Errorf("email %d: %v, want accepted or a temporary context.Canceled", i, err)
				}
			}
			if n := len(be.messages()); n != accepted {
				t.Errorf("server took %d emails, Send reports %d accepted", n, accepted)
			}
			if n := be.occurrences("QUIT"); n != 1 {
				t.Errorf("%d QUIT, want the session ended cleanly", n)
			}
		})
	}
}

func TestSendConnectionLostMidBatch(t *testing.T) {
	// The link breaks at the second email's RCPT: the third is not
	// attempted (or, sent in the same group, never answered) and is
	// reported as a connection error.
	for _, caps := range capabilities {
		t.Run(caps.name, func(t *testing.T) {
			be := &backend{dropAt: map[string]bool{"user1@customer.test": true}, noPipelining: caps.noPipelining, noChunking: caps.noChunking}
			addr := startServer(t, be, SecurityNone)
			s := newTestSender(t, SMTPConfig{Address: addr})
			errs := s.Send(t.Context(), batch(3))
			if errs[0] != nil {
				t.Errorf("first email: %v", errs[0])
			}
			for i := 1; i < 3; i++ {
				if errs[i] == nil || Permanent(errs[i]) {
					t.Errorf("email %d: %v, want a temporary error", i, errs[i])
				}
			}
			if !errors.Is(errs[2], ErrConnect) {
				t.Errorf("email 2: %v, want ErrConnect", errs[2])
			}
			if n := len(be.messages()); n != 1 {
				t.Errorf("server received %d messages, want 1", n)
			}
		})
	}
}

func TestNewSender(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  SMTPConfig
		ok   bool
	}{
		{"starttls", SMTPConfig{Address: "smtp.example.com:587", Security: "starttls", Username: "u", Password: "p"}, true},
		{"tls upper case", SMTPConfig{Address: "smtp.example.com:465", Security: "TLS"}, true},
		{"none to localhost with auth", SMTPConfig{Address: "localhost:25", Security: "none", Username: "u"}, true},
		{"ipv6 literal", SMTPConfig{Address: "[::1]:25", Security: "none"}, true},
		{"no port", SMTPConfig{Address: "smtp.example.com", Security: "tls"}, false},
		{"bad port", SMTPConfig{Address: "smtp.example.com:99999", Security: "tls"}, false},
		{"no host", SMTPConfig{Address: ":25", Security: "none"}, false},
		{"unknown security", SMTPConfig{Address: "smtp.example.com:25", Security: "ssl"}, false},
		{"empty security", SMTPConfig{Address: "smtp.example.com:25"}, false},
		{"auth in clear to a remote host", SMTPConfig{Address: "smtp.example.com:25", Security: "none", Username: "u", Password: "p"}, false},
		{"password without user", SMTPConfig{Address: "smtp.example.com:587", Security: "starttls", Password: "p"}, false},
		{"bad envelope from", SMTPConfig{Address: "smtp.example.com:587", Security: "starttls", EnvelopeFrom: "bounces"}, false},
		{"bad helo", SMTPConfig{Address: "smtp.example.com:587", Security: "starttls", HeloName: "a b"}, false},
		{"negative timeout", SMTPConfig{Address: "smtp.example.com:587", Security: "starttls", Timeout: -time.Second}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSender(tc.cfg)
			if tc.ok && (err != nil || s == nil) {
				t.Errorf("NewSender: %v", err)
			}
			if !tc.ok && err == nil {
				t.Error("NewSender accepted an invalid config")
			}
		})
	}
}

func TestPermanent(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"invalid email", fmt.Errorf("x: %w", ErrInvalid), true},
		{"5xx reply", fmt.Errorf("deliver: %w", &textproto.Error{Code: 550, Msg: "no"}), true},
		{"4xx reply", fmt.Errorf("deliver: %w", &textproto.Error{Code: 451, Msg: "later"}), false},
		{"5xx while connecting", fmt.Errorf("%w: %w", ErrConnect, &textproto.Error{Code: 535, Msg: "bad auth"}), false},
		{"network", errors.New("connection reset by peer"), false},
		{"canceled", context.Canceled, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Permanent(tc.err); got != tc.want {
				t.Errorf("Permanent(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestSendNotifyReportsEachAcceptance(t *testing.T) {
	for _, caps := range capabilities {
		t.Run(caps.name, func(t *testing.T) {
			be := &backend{rcptErr: map[string]error{"user1@customer.test": smtpReply(550, "no such user")}, noPipelining: caps.noPipelining, noChunking: caps.noChunking}
			addr := startServer(t, be, SecurityNone)
			s := newTestSender(t, SMTPConfig{Address: addr})
			var accepted []int
			errs := s.SendNotify(t.Context(), batch(3), func(i int) {
				// Called as soon as the acceptance is read: the server has
				// the email. One at a time, before the next email goes out,
				// so the server has exactly the emails accepted so far; in
				// groups (PIPELINING and CHUNKING), before the next group.
				got := len(be.messages())
				if got < len(accepted)+1 || (!grouped(caps.noPipelining, caps.noChunking) && got != len(accepted)+1) {
					t.Errorf("accepted(%d) called with %d messages at the server", i, got)
				}
				accepted = append(accepted, i)
			})
			if len(accepted) != 2 || accepted[0] != 0 || accepted[1] != 2 {
				t.Fatalf("accepted %v, want [0 2]", accepted)
			}
			if errs[0] != nil || errs[1] == nil || errs[2] != nil {
				t.Errorf("errs %v", errs)
			}
		})
	}
}

// grouped reports whether a server with these capabilities gets whole
// transactions in groups.
func grouped(noPipelining, noChunking bool) bool { return !noPipelining && !noChunking }
