package receipt

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Security values of SMTPConfig.
const (
	SecurityTLS      = "tls"      // implicit TLS from the first byte (port 465)
	SecuritySTARTTLS = "starttls" // plain connection upgraded with STARTTLS, which is required
	SecurityNone     = "none"     // no encryption at all
)

// DefaultTimeout bounds dialing and each SMTP command when SMTPConfig.Timeout
// is zero.
const DefaultTimeout = 30 * time.Second

// SMTPConfig says how to reach the outgoing mail server.
type SMTPConfig struct {
	Address            string // host:port
	Security           string // SecurityTLS | SecuritySTARTTLS | SecurityNone
	InsecureSkipVerify bool   // accept any server certificate (tests, self-signed relays)
	// Username and Password enable SMTP AUTH (PLAIN, else LOGIN, else what
	// the server offers). Over an unencrypted connection go-mail allows them
	// only to localhost, so NewSender refuses that combination elsewhere.
	Username, Password string
	EnvelopeFrom       string // MAIL FROM; default: Email.From
	// HeloName is the EHLO name; default: DefaultHeloName(EnvelopeFrom,
	// else From).
	HeloName string
	// From is smtp.from, whose domain names the EHLO when the host has no
	// fully qualified name.
	From    string
	Timeout time.Duration // per connection/command; default DefaultTimeout
	// Token, when set, logs in with SASL XOAUTH2 as Username, with an
	// OAuth2 access token fetched for every connection (Gmail, Microsoft
	// 365). Password is then unused.
	Token func(ctx context.Context) (string, error)
}

// Sender delivers emails over SMTP. It is safe for concurrent use: each Send
// call opens its own connection.
type Sender struct {
	cfg     SMTPConfig
	host    string
	port    int
	timeout time.Duration
	// wrapConn, for tests, wraps each connection under TLS.
	wrapConn func(net.Conn) net.Conn
}

// NewSender validates cfg and returns a Sender for it. It does not connect.
func NewSender(cfg SMTPConfig) (*Sender, error) {
	host, portStr, err := net.SplitHostPort(cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("receipt: smtp address %q: %w", cfg.Address, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 1 || port > 65535 {
		return nil, fmt.Errorf("receipt: smtp address %q: invalid port", cfg.Address)
	}
	if host == "" {
		return nil, fmt.Errorf("receipt: smtp address %q: no host", cfg.Address)
	}
	cfg.Security = strings.ToLower(strings.TrimSpace(cfg.Security))
	switch cfg.Security {
	case SecurityTLS, SecuritySTARTTLS, SecurityNone:
	default:
		return nil, fmt.Errorf("receipt: smtp security %q: want %q, %q or %q",
			cfg.Security, SecurityTLS, SecuritySTARTTLS, SecurityNone)
	}
	if cfg.Password != "" && cfg.Username == "" {
		return nil, errors.New("receipt: smtp password set without a username")
	}
	if cfg.Username != "" && cfg.Security == SecurityNone && !isLocalhost(host) {
		return nil, fmt.Errorf("receipt: smtp authentication over an unencrypted connection to %s: use %q or %q",
			host, SecurityTLS, SecuritySTARTTLS)
	}
	if cfg.EnvelopeFrom != "" {
		if _, err := bareAddress("smtp envelope from", cfg.EnvelopeFrom, ""); err != nil {
			return nil, err
		}
	}
	if cfg.HeloName == "" {
		from := cfg.EnvelopeFrom
		if from == "" {
			from = cfg.From
		}
		cfg.HeloName = DefaultHeloName(from)
	}
	if strings.ContainsFunc(cfg.HeloName, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return nil, fmt.Errorf("receipt: smtp helo name %q: not a host name", cfg.HeloName)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("receipt: smtp timeout %v is negative", cfg.Timeout)
	}
	s := &Sender{cfg: cfg, host: host, port: port, timeout: cfg.Timeout}
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	// Check that go-mail accepts the options now rather than at each Send.
	if s.cfg.Token != nil && s.cfg.Username == "" {
		return nil, errors.New("receipt: smtp OAuth2 login needs a username")
	}
	if _, err := s.client(nil, ""); err != nil {
		return nil, err
	}
	return s, nil
}

// isLocalhost mirrors go-mail's rule for unencrypted PLAIN/LOGIN auth.
func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// client returns a go-mail client for one connection; dial opens it.
// token is the OAuth2 access token when cfg.Token is set.
func (s *Sender) client(dial mail.DialContextFunc, token string) (*mail.Client, error) {
	opts := []mail.Option{
		mail.WithPort(s.port),
		mail.WithTimeout(s.timeout),
		mail.WithTLSConfig(s.tlsConfig()),
		mail.WithoutNoop(), // the connection is new: no need to probe it
	}
	if dial != nil {
		opts = append(opts, mail.WithDialContextFunc(dial))
	}
	switch s.cfg.Security {
	case SecurityTLS:
		// Our dial function does the TLS handshake; WithSSL keeps go-mail
		// from attempting STARTTLS inside it.
		opts = append(opts, mail.WithSSL(), mail.WithTLSPolicy(mail.TLSMandatory))
	case SecuritySTARTTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if s.cfg.Token != nil {
		opts = append(opts,
			mail.WithSMTPAuth(mail.SMTPAuthXOAUTH2),
			mail.WithUsername(s.cfg.Username),
			mail.WithPassword(token))
	} else if s.cfg.Username != "" {
		opts = append(opts,
			mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(s.cfg.Username),
			mail.WithPassword(s.cfg.Password))
	}
	if s.cfg.HeloName != "" {
		opts = append(opts, mail.WithHELO(s.cfg.HeloName))
	}
	c, err := mail.NewClient(s.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("receipt: smtp client for %s: %w", s.cfg.Address, err)
	}
	return c, nil
}

func (s *Sender) tlsConfig() *tls.Config {
	return &tls.Config{
		ServerName:         s.host,
		InsecureSkipVerify: s.cfg.InsecureSkipVerify, //nolint:gosec // opt-in, for self-signed relays
		MinVersion:         tls.VersionTLS12,
	}
}

// Send delivers a batch over ONE SMTP connection. The returned slice has one
// error per email (nil = accepted by the server), in the order of emails.
// An email that cannot be built gets an ErrInvalid error and is not sent. A
// failure to connect or to set up the session gives every email an
// ErrConnect error, as does a connection lost during the batch for the
// emails not yet attempted. Cancelling ctx starts no further transaction:
// the one in flight may finish, then QUIT ends the session, and the
// connection is closed the timeout after ctx ended at the latest; the
// emails not accepted get an error wrapping ctx's cause. A refusal that
// answers the session rather than the email wraps ErrSessionRefused. Use
// Permanent to tell what not to retry.
//
// An email whose final "." was sent when the connection broke may have been
// accepted anyway: SMTP cannot tell, so a retry may deliver it twice.
func (s *Sender) Send(ctx context.Context, emails []*Email) []error {
	return s.SendNotify(ctx, emails, nil)
}

// SendNotify is Send that also calls accepted(i) as soon as the server's
// acceptance of emails[i] is read (before the next email goes out, or,
// when the server takes transactions in groups, before the next group), so
// that a durable queue can record it at once and a crash later in the
// batch does not send it again. accepted runs on the caller's goroutine
// and must be quick.
func (s *Sender) SendNotify(ctx context.Context, emails []*Email, accepted func(i int)) []error {
	errs := make([]error, len(emails))
	msgs := make([]*mail.Msg, len(emails))
	pending := 0
	for i, e := range emails {
		m, err := Build(e)
		if err != nil {
			errs[i] = err
			continue
		}
		if s.cfg.EnvelopeFrom != "" {
			if err := m.EnvelopeFrom(s.cfg.EnvelopeFrom); err != nil {
				errs[i] = fmt.Errorf("%w: envelope from %q: %w", ErrInvalid, s.cfg.EnvelopeFrom, err)
				continue
			}
		}
		msgs[i] = m
		pending++
	}
	if pending == 0 {
		return errs
	}
	conn, c, sc, err := s.dial(ctx)
	if err != nil {
		failFrom(emails, msgs, errs, 0, err)
		return errs
	}
	defer conn.close()
	sess := newSMTPSession(sc, s.timeout)
	if sess.grouped() {
		s.sendGroups(ctx, sess, emails, msgs, errs, accepted)
	} else {
		s.sendOneByOne(ctx, sess, emails, msgs, errs, accepted)
	}
	markSessionRefusals(errs)
	// Every email was accepted or refused already, or the link is gone: a
	// failed QUIT changes nothing for them.
	_ = c.CloseWithSMTPClient(sc)
	return errs
}

// sessionRefusedRest is the error of the emails a session does not try
// after refusal, which answered the session rather than one email (see
// sessionLevel): they wait with the destination.
func sessionRefusedRest(refusal error) error {
	return fmt.Errorf("%w: not attempted after the session was refused: %w", ErrSessionRefused, refusal)
}

// failFrom sets, for every email from index from on that was built and has
// no result yet, an error wrapping err.
func failFrom(emails []*Email, msgs []*mail.Msg, errs []error, from int, err error) {
	for j := from; j < len(msgs); j++ {
		if msgs[j] != nil && errs[j] == nil {
			errs[j] = fmt.Errorf("receipt: deliver %s: %w", emails[j].MessageID, err)
		}
	}
}

// sendGroups sends the emails groupMax at a time (see grouped), after a
// first one alone: a session refused as a session (see sessionLevel) then
// costs one refused transaction, not a group of them, each of which a
// server counting errors answers more slowly.
func (s *Sender) sendGroups(ctx context.Context, sess *smtpSession, emails []*Email, msgs []*mail.Msg, errs []error, accepted func(int)) {
	tookOne, first := false, true
	for start := 0; start < len(msgs); {
		if ctx.Err() != nil {
			failFrom(emails, msgs, errs, start, context.Cause(ctx))
			return
		}
		var idx []int
		size := groupMax
		if first {
			size, first = 1, false
		}
		for ; start < len(msgs) && len(idx) < size; start++ {
			if msgs[start] != nil {
				idx = append(idx, start)
			}
		}
		group := make([]*mail.Msg, len(idx))
		finished := make([]bool, len(idx))
		for k, i := range idx {
			group[k] = msgs[i]
		}
		var refusal error
		err := sess.sendGroup(group, func(k int, err error) {
			finished[k] = true
			i := idx[k]
			if err == nil {
				tookOne = true
				if accepted != nil {
					accepted(i)
				}
				return
			}
			errs[i] = fmt.Errorf("receipt: deliver %s to %s: %w", emails[i].MessageID, emails[i].To, err)
			if refusal == nil && !tookOne && sessionLevel(err) {
				refusal = err
			}
		})
		if err == nil && refusal != nil {
			failFrom(emails, msgs, errs, start, sessionRefusedRest(refusal))
			return
		}
		if err == nil {
			continue
		}
		// The link broke (or cancellation closed it): the unfinished
		// emails of the group may have been accepted, the others were
		// not attempted. Either way they go again later.
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", err, context.Cause(ctx))
		}
		first := true
		for k, i := range idx {
			switch {
			case finished[k]:
			case first || ctx.Err() != nil:
				errs[i] = fmt.Errorf("receipt: deliver %s to %s: %w", emails[i].MessageID, emails[i].To, err)
				first = false
			default:
				errs[i] = fmt.Errorf("receipt: deliver %s to %s: %w: not completed after an earlier failure: %w", emails[i].MessageID, emails[i].To, ErrConnect, err)
			}
		}
		if ctx.Err() != nil {
			failFrom(emails, msgs, errs, start, context.Cause(ctx))
		} else {
			failFrom(emails, msgs, errs, start, fmt.Errorf("%w: not attempted after an earlier failure: %w", ErrConnect, err))
		}
		return
	}
}

// sendOneByOne sends the emails one transaction at a time.
func (s *Sender) sendOneByOne(ctx context.Context, sess *smtpSession, emails []*Email, msgs []*mail.Msg, errs []error, accepted func(int)) {
	failRest := func(from int, err error) { failFrom(emails, msgs, errs, from, err) }
	tookOne := false
	for i, m := range msgs {
		if m == nil {
			continue
		}
		if ctx.Err() != nil {
			failRest(i, context.Cause(ctx))
			return
		}
		err := sess.send(m)
		if err == nil {
			tookOne = true
			if accepted != nil {
				accepted(i)
			}
			continue
		}
		errs[i] = fmt.Errorf("receipt: deliver %s to %s: %w", emails[i].MessageID, emails[i].To, err)
		if ctx.Err() != nil {
			errs[i] = fmt.Errorf("%w (%w)", errs[i], context.Cause(ctx))
			failRest(i+1, context.Cause(ctx))
			return
		}
		if errors.Is(err, ErrInvalid) {
			continue // refused before anything was sent
		}
		if !tookOne && sessionLevel(err) {
			failRest(i+1, sessionRefusedRest(err))
			return
		}
		if smtpCode(err) == 0 || errors.Is(err, errLinkInDoubt) {
			// Not a server reply, or RSET failed after one: the link is
			// broken or in an unknown state. Do not wait a timeout for
			// each remaining email.
			failRest(i+1, fmt.Errorf("%w: not attempted after an earlier failure: %w", ErrConnect, err))
			return
		}
	}
}

// connection is the network link under one go-mail client.
type connection struct {
	conn net.Conn
	stop func() bool // stops the ctx watcher
}

// close closes the link (after go-mail's QUIT, or instead of it) and stops
// watching the context. It is safe to call on a link never opened.
func (cn *connection) close() {
	if cn.stop != nil {
		cn.stop()
	}
	if cn.conn != nil {
		_ = cn.conn.Close()
	}
}

// dial connects and sets up the SMTP session (EHLO, STARTTLS, AUTH). The
// link is closed the timeout after ctx is done (see the stop below). Errors wrap ErrConnect.
func (s *Sender) dial(ctx context.Context) (*connection, *mail.Client, *smtp.Client, error) {
	cn := &connection{}
	addr := net.JoinHostPort(s.host, strconv.Itoa(s.port))
	dialFn := func(dctx context.Context, _, _ string) (net.Conn, error) {
		// Dial ourselves: go-mail v0.8.1 writes host:port without brackets
		// (breaking IPv6 literals) and keeps no handle to close on ctx.
		nd := &net.Dialer{}
		raw, err := nd.DialContext(dctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		// Under TLS too, so that a reply that arrived during a pause is
		// read (see lateReplyConn).
		var conn net.Conn = &lateReplyConn{Conn: raw}
		if s.wrapConn != nil {
			conn = s.wrapConn(conn)
		}
		if s.cfg.Security == SecurityTLS {
			tc := tls.Client(conn, s.tlsConfig())
			if err := tc.HandshakeContext(dctx); err != nil {
				_ = raw.Close()
				return nil, err
			}
			conn = tc
		}
		cn.conn = conn
		// A stop ends the session cleanly: no transaction starts after it
		// (the send loops check ctx), the one in flight may finish, and
		// QUIT goes out; the link is closed the timeout after the stop at
		// the latest. Cutting it at once could lose the server's answer
		// to a message it accepted, which would then go out twice.
		cn.stop = context.AfterFunc(ctx, func() { time.AfterFunc(s.timeout, func() { _ = conn.Close() }) })
		return conn, nil
	}
	token := ""
	if s.cfg.Token != nil {
		var err error
		if token, err = s.cfg.Token(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("%w: %s: oauth2 access token: %w", ErrConnect, s.cfg.Address, err)
		}
	}
	c, err := s.client(dialFn, token)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %w", ErrConnect, err)
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		cn.close() // go-mail leaves the link open when EHLO, TLS or AUTH fail
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", err, context.Cause(ctx))
		}
		return nil, nil, nil, fmt.Errorf("%w: %s: %w", ErrConnect, s.cfg.Address, err)
	}
	return cn, c, sc, nil
}
