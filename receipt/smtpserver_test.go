package receipt

import (
	"bytes"
	"net"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/ticketd/ticketd/internal/mailtest"
)

// received is one message the test server accepted.
type received = mailtest.Message

// backend is what one test wants of mailtest's SMTP server (set before
// startServer), and the server once started.
type backend struct {
	mailErr  error            // MAIL FROM answer, when set
	rcptErr  map[string]error // RCPT answer per recipient
	dataErr  map[string]error // answer after DATA per (first) recipient
	dropAt   map[string]bool  // drop the connection at RCPT of these recipients
	username string           // when set, AUTH PLAIN is offered and required
	password string
	bearer   string // when set (with username), AUTH XOAUTH2 with this token is offered instead
	// noPipelining and noChunking hide PIPELINING and CHUNKING from the
	// EHLO reply, for the client's other paths.
	noPipelining, noChunking bool
	// dataStarted, when set, gets a value when DATA begins, and DATA then
	// waits for release to be closed.
	dataStarted chan struct{}
	release     chan struct{}

	srv *mailtest.SMTPServer
}

// readsWith counts the reads from the wire that held all of parts.
func (be *backend) readsWith(parts ...string) int {
	n := 0
	for _, r := range be.srv.Reads() {
		all := true
		for _, p := range parts {
			all = all && bytes.Contains(r, []byte(p))
		}
		if all {
			n++
		}
	}
	return n
}

// occurrences counts s in everything the server read.
func (be *backend) occurrences(s string) int {
	return bytes.Count(bytes.Join(be.srv.Reads(), nil), []byte(s))
}

func (be *backend) connections() int { return int(be.srv.Connections()) }

func (be *backend) messages() []received { return be.srv.Messages() }

// capabilities are the EHLO reply options of a test: every combination of
// PIPELINING and CHUNKING.
var capabilities = []struct {
	name                     string
	noPipelining, noChunking bool
}{
	{"pipelining+chunking", false, false},
	{"pipelining", false, true},
	{"chunking", true, false},
	{"neither", true, true},
}

// smtpReply is an SMTP error answer for failure injection.
func smtpReply(code int, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: msg}
}

// startServer starts mailtest's SMTP server for be and returns its
// address. security is the client's view: SecurityTLS serves implicit TLS,
// SecuritySTARTTLS offers STARTTLS, anything else plain text only.
func startServer(t *testing.T, be *backend, security string) string {
	t.Helper()
	opts := mailtest.SMTPOptions{
		Username: be.username, Password: be.password, Bearer: be.bearer,
		MailErr: be.mailErr, RcptErr: be.rcptErr, DataErr: be.dataErr, DropAt: be.dropAt,
		NoPipelining: be.noPipelining, NoChunking: be.noChunking,
		DataStarted: be.dataStarted, Release: be.release,
		Wire: true,
	}
	switch security {
	case SecurityTLS:
		opts.Security = "tls"
	case SecuritySTARTTLS:
		opts.Security = "starttls"
	}
	be.srv = mailtest.StartSMTPWith(t, opts)
	return be.srv.Addr
}

// closedAddr returns the address of a port nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
