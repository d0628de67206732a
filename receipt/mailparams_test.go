package receipt

import (
	"bytes"
	"regexp"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/mailtest"
)

var mailFromLine = regexp.MustCompile(`MAIL FROM:[^\r\n]*`)

// MAIL FROM declares BODY=8BITMIME and SMTPUTF8 only for a message that
// needs them, on every path (grouped, pipelined, chunked, one command at
// a time), even when the server offers both.
func TestMailParamsOnlyWhenNeeded(t *testing.T) {
	for _, c := range capabilities {
		t.Run(c.name, func(t *testing.T) {
			srv := mailtest.StartSMTPWith(t, mailtest.SMTPOptions{Wire: true, SMTPUTF8: true, NoPipelining: c.noPipelining, NoChunking: c.noChunking})
			s := newTestSender(t, SMTPConfig{Address: srv.Addr, Timeout: 5 * time.Second})
			ascii := batch(1)[0]
			utf8 := batch(2)[1]
			utf8.To = "josé@cliente.test"
			errs := s.Send(t.Context(), []*Email{ascii, utf8})
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("send: %v", errs)
			}
			lines := mailFromLine.FindAll(bytes.Join(srv.Reads(), nil), -1)
			if len(lines) != 2 {
				t.Fatalf("MAIL FROM lines %q, want 2", lines)
			}
			if got := string(lines[0]); bytes.Contains(lines[0], []byte("BODY=")) || bytes.Contains(lines[0], []byte("SMTPUTF8")) {
				t.Errorf("an ASCII email: %q, want no BODY= nor SMTPUTF8", got)
			}
			if got := string(lines[1]); !bytes.Contains(lines[1], []byte(" SMTPUTF8")) || !bytes.Contains(lines[1], []byte(" BODY=8BITMIME")) {
				t.Errorf("an email to josé@: %q, want BODY=8BITMIME SMTPUTF8", got)
			}
		})
	}
}
