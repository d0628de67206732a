package receipt

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

// ServerInfo is what an SMTP server offers, as `ticketd check-config
// --connect` reports it.
type ServerInfo struct {
	Greeting  string
	STARTTLS  bool
	TLS       bool     // the session ran over TLS (implicit or STARTTLS)
	Auth      []string // AUTH mechanisms offered (after STARTTLS when used)
	Size      string   // SIZE limit, "" when not announced
	LoggedIn  bool     // the configured credentials were accepted
	Extension []string // every EHLO keyword seen
	HeloName  string   // the EHLO name sent
	// Envelope is the address a MAIL FROM/RCPT TO/RSET was tried with
	// ("" when no sender address is configured).
	Envelope string
}

// Probe connects to the server as Send would, reports what it offers, and
// checks the credentials by completing a full connection (EHLO, STARTTLS,
// AUTH) without sending anything.
func (s *Sender) Probe(ctx context.Context) (*ServerInfo, error) {
	info, err := s.ehlo(ctx)
	if err != nil {
		return nil, err
	}
	info.HeloName = s.cfg.HeloName
	cn, c, sc, err := s.dial(ctx)
	if err != nil {
		return info, err
	}
	defer cn.close()
	info.LoggedIn = s.cfg.Username != ""
	if err := s.tryEnvelope(sc, info); err != nil {
		_ = c.CloseWithSMTPClient(sc)
		return info, err
	}
	_ = c.CloseWithSMTPClient(sc)
	return info, nil
}

// tryEnvelope runs MAIL FROM and RCPT TO with the sender's own address,
// then RSET: a relay that refuses the EHLO name or the sender says so at
// these steps (Postfix answers reject_non_fqdn_helo_hostname at RCPT),
// and nothing is sent. A refusal wraps ErrSessionRefused.
func (s *Sender) tryEnvelope(sc *smtp.Client, info *ServerInfo) error {
	from := s.cfg.EnvelopeFrom
	if from == "" {
		from = s.cfg.From
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil // nothing to try with
	}
	info.Envelope = addr.Address
	sess := newSMTPSession(sc, s.timeout)
	if err := sc.UpdateDeadline(s.timeout); err != nil {
		return fmt.Errorf("%w: %s: set deadline: %w", ErrConnect, s.cfg.Address, err)
	}
	if err := sess.mail("<"+addr.Address+">", ""); err != nil {
		return fmt.Errorf("%w: %s: with EHLO %s: %w", ErrSessionRefused, s.cfg.Address, s.cfg.HeloName, refusedAt("MAIL", "", err))
	}
	if err := sc.Rcpt("<" + addr.Address + ">"); err != nil {
		_ = sc.Reset()
		return fmt.Errorf("%w: %s: with EHLO %s: %w", ErrSessionRefused, s.cfg.Address, s.cfg.HeloName, refusedAt("RCPT", "<"+addr.Address+">", err))
	}
	if err := sc.Reset(); err != nil {
		return fmt.Errorf("%w: %s: RSET: %w", ErrConnect, s.cfg.Address, err)
	}
	return nil
}

// ehlo opens a bare session to read the server's extensions.
func (s *Sender) ehlo(ctx context.Context) (*ServerInfo, error) {
	addr := net.JoinHostPort(s.host, strconv.Itoa(s.port))
	d := &net.Dialer{Timeout: s.timeout}
	var conn net.Conn
	var err error
	if s.cfg.Security == SecurityTLS {
		conn, err = (&tls.Dialer{NetDialer: d, Config: s.tlsConfig()}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrConnect, s.cfg.Address, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	defer conn.Close()
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: greeting: %w", ErrConnect, s.cfg.Address, err)
	}
	defer c.Close()
	helo := s.cfg.HeloName
	if helo == "" {
		helo = "localhost"
	}
	if err := c.Hello(helo); err != nil {
		return nil, fmt.Errorf("%w: %s: EHLO: %w", ErrConnect, s.cfg.Address, err)
	}
	info := &ServerInfo{TLS: s.cfg.Security == SecurityTLS}
	info.STARTTLS, _ = c.Extension("STARTTLS")
	if s.cfg.Security == SecuritySTARTTLS {
		if !info.STARTTLS {
			return info, fmt.Errorf("%w: %s does not offer STARTTLS (smtp.security: starttls)", ErrConnect, s.cfg.Address)
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return info, fmt.Errorf("%w: %s: STARTTLS: %w", ErrConnect, s.cfg.Address, err)
		}
		info.TLS = true
	}
	if ok, mechs := c.Extension("AUTH"); ok {
		info.Auth = strings.Fields(mechs)
	}
	if ok, size := c.Extension("SIZE"); ok {
		info.Size = size
	}
	for _, ext := range []string{"8BITMIME", "PIPELINING", "SMTPUTF8", "ENHANCEDSTATUSCODES", "DSN", "CHUNKING"} {
		if ok, _ := c.Extension(ext); ok {
			info.Extension = append(info.Extension, ext)
		}
	}
	_ = c.Quit()
	return info, nil
}
