package receipt

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ticketd/ticketd/internal/memimap"
)

// received is one message the test server accepted.
type received struct {
	From string
	To   []string
	User string // authenticated user, "" if none
	Data []byte
}

// backend is a recording go-smtp backend with failure injection, after
// go-smtp's own server_test.go.
type backend struct {
	// Set before the server starts.
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

	// sessions counts the sessions not logged out yet.
	sessions sync.WaitGroup

	mu    sync.Mutex
	conns int
	msgs  []received
	reads [][]byte // what the server read from the wire, read by read
}

// readsWith counts the reads from the wire that held all of parts.
func (be *backend) readsWith(parts ...string) int {
	be.mu.Lock()
	defer be.mu.Unlock()
	n := 0
	for _, r := range be.reads {
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
	be.mu.Lock()
	defer be.mu.Unlock()
	return bytes.Count(bytes.Join(be.reads, nil), []byte(s))
}

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

// wireListener hands the server connections that record what they read
// and, with noPipelining, drop PIPELINING from what they write.
type wireListener struct {
	net.Listener
	be *backend
}

func (l wireListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &wireConn{Conn: c, be: l.be}, nil
}

type wireConn struct {
	net.Conn
	be *backend
}

func (c *wireConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.be.mu.Lock()
		c.be.reads = append(c.be.reads, bytes.Clone(p[:n]))
		c.be.mu.Unlock()
	}
	return n, err
}

func (c *wireConn) Write(p []byte) (int, error) {
	// go-smtp writes its EHLO reply in one piece.
	out := p
	if c.be.noPipelining {
		out = bytes.ReplaceAll(out, []byte("250-PIPELINING\r\n"), nil)
	}
	if c.be.noChunking {
		out = bytes.ReplaceAll(out, []byte("250-CHUNKING\r\n"), nil)
	}
	if _, err := c.Conn.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (be *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	be.mu.Lock()
	be.conns++
	be.mu.Unlock()
	be.sessions.Add(1)
	return &session{be: be, conn: c}, nil
}

func (be *backend) connections() int {
	be.mu.Lock()
	defer be.mu.Unlock()
	return be.conns
}

func (be *backend) messages() []received {
	be.mu.Lock()
	defer be.mu.Unlock()
	return append([]received(nil), be.msgs...)
}

type session struct {
	be   *backend
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (s *session) AuthMechanisms() []string {
	switch {
	case s.be.username == "":
		return nil
	case s.be.bearer != "":
		return []string{"XOAUTH2"}
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if mech == "XOAUTH2" {
		return memimap.NewXOAuth2Server(func(user, token string) bool {
			if user != s.be.username || token != s.be.bearer {
				return false
			}
			s.user = user
			return true
		}), nil
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != s.be.username || password != s.be.password {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.be.username != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	if s.be.mailErr != nil {
		return s.be.mailErr
	}
	s.from, s.to = from, nil
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.be.dropAt[to] {
		_ = s.conn.Conn().Close()
		return smtpReply(421, "gone")
	}
	if err := s.be.rcptErr[to]; err != nil {
		return err
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	if s.be.dataStarted != nil {
		select {
		case s.be.dataStarted <- struct{}{}:
		default: // a later message of a pipelined group: the test saw the first
		}
		<-s.be.release
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.be.dataErr[s.to[0]]; err != nil {
		return err
	}
	s.be.mu.Lock()
	s.be.msgs = append(s.be.msgs, received{From: s.from, To: s.to, User: s.user, Data: b})
	s.be.mu.Unlock()
	return nil
}

func (s *session) Reset() { s.from, s.to = "", nil }
func (s *session) Logout() error {
	s.be.sessions.Done()
	return nil
}

// smtpReply is an SMTP error answer for failure injection.
func smtpReply(code int, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: msg}
}

// startServer runs a go-smtp server for be on 127.0.0.1:0 and returns its
// address. security is the client's view: SecurityTLS serves implicit TLS,
// SecuritySTARTTLS offers STARTTLS, anything else plain text only.
func startServer(t *testing.T, be *backend, security string) string {
	t.Helper()
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0) // expected failures (bad certificate...) are noise
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln = wireListener{Listener: ln, be: be}
	switch security {
	case SecurityTLS:
		ln = tls.NewListener(ln, serverTLS(t))
	case SecuritySTARTTLS:
		srv.TLSConfig = serverTLS(t)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		if be.release != nil {
			close(be.release)
			// Let the sessions the test left hanging end on their own
			// before closing the server: go-smtp's Close races with a
			// BDAT chunk still being read (its bdatPipe field).
			ended := make(chan struct{})
			go func() { be.sessions.Wait(); close(ended) }()
			select {
			case <-ended:
			case <-time.After(5 * time.Second):
			}
		}
		_ = srv.Close()
		_ = ln.Close() // in case Serve had not registered it yet
		if err := <-done; err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("smtp server: %v", err)
		}
	})
	return ln.Addr().String()
}

// serverTLS returns a TLS config with a fresh self-signed certificate for
// 127.0.0.1.
func serverTLS(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		MinVersion:   tls.VersionTLS12,
	}
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
