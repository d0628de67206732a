package mailbox

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"
)

// logoutTimeout bounds the LOGOUT that Close sends.
const logoutTimeout = 5 * time.Second

// Caps are the server capabilities ticketd cares about.
type Caps struct {
	IDLE, MOVE, UIDPLUS bool
	// Auth lists the SASL mechanisms advertised before login.
	Auth []string
}

// Client is a logged-in IMAP connection with a selected mailbox.
type Client struct {
	cfg  Config
	log  *slog.Logger
	imap *imapclient.Client
	caps Caps

	// updates receives a value (without blocking the reader goroutine)
	// whenever the server reports EXISTS for the selected mailbox.
	updates chan struct{}

	// mu serialises commands. Close only tries it, so that it never waits
	// behind a blocked call.
	mu       sync.Mutex
	selected string // guarded by mu

	uidValidity atomic.Uint32

	closeOnce sync.Once
	closeErr  error

	// testHookIdling, when set, is called once IDLE is running.
	testHookIdling func()
}

// Dial connects, logs in, creates the Processed and Quarantine folders when
// missing (CREATE, then LIST to verify) and selects cfg.Mailbox. When ctx
// ends the connection is closed and Dial returns.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:     cfg,
		log:     cfg.Logger.With("imap", cfg.Address),
		updates: make(chan struct{}, 1),
	}
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	if err := c.setup(ctx); err != nil {
		c.closeConn()
		return nil, err
	}
	c.log.Info("imap connected", "mailbox", c.selected, "uidvalidity", c.uidValidity.Load(),
		"idle", c.caps.IDLE, "move", c.caps.MOVE, "uidplus", c.caps.UIDPLUS)
	return c, nil
}

// connect opens the connection (TCP, TLS or STARTTLS) and waits for the
// greeting, all within Config.DialTimeout.
func (c *Client) connect(ctx context.Context) error {
	host, _, _ := net.SplitHostPort(c.cfg.Address) // validated
	tlsConfig := &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: c.cfg.InsecureSkipVerify,
		MinVersion:         tls.VersionTLS12,
	}
	opts := &imapclient.Options{
		TLSConfig:   tlsConfig,
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			// Runs on the reader goroutine: only signal, never call the client.
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					c.signalUpdate()
				}
			},
		},
	}

	dctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()

	// The imapclient.Dial* helpers take no context, so dial here and hand the
	// connection to imapclient.New / NewStartTLS, as those helpers do.
	dialer := &net.Dialer{}
	var conn net.Conn
	var err error
	switch c.cfg.Security {
	case SecurityTLS:
		cfg := tlsConfig.Clone()
		cfg.NextProtos = []string{"imap"}
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: cfg}).DialContext(dctx, "tcp", c.cfg.Address)
	default:
		conn, err = dialer.DialContext(dctx, "tcp", c.cfg.Address)
	}
	var plain tls.RecordHeaderError
	if errors.As(err, &plain) {
		// The server answered in clear text: a plaintext or STARTTLS port.
		return fmt.Errorf("mailbox: dial %s: the server does not speak TLS on this port (imap.security: tls; use starttls or the port for implicit TLS, usually 993): %w", c.cfg.Address, err)
	}
	if err != nil {
		return fmt.Errorf("mailbox: dial %s: %w", c.cfg.Address, err)
	}

	if c.cfg.Security == SecurityStartTLS {
		var cl *imapclient.Client
		err, ctxErr := closeOnDone(dctx, c.cfg.DialTimeout, context.DeadlineExceeded, func() { _ = conn.Close() }, func() error {
			var err error
			cl, err = imapclient.NewStartTLS(conn, opts)
			return err
		})
		if ctxErr != nil || err != nil {
			if cl != nil {
				_ = cl.Close()
			}
			_ = conn.Close()
			return fmt.Errorf("mailbox: starttls with %s: %w", c.cfg.Address, cmp.Or(ctxErr, err))
		}
		c.imap = cl
	} else {
		c.imap = imapclient.New(conn, opts)
	}

	err, ctxErr := closeOnDone(dctx, c.cfg.DialTimeout, context.DeadlineExceeded, c.closeConn, c.imap.WaitGreeting)
	if ctxErr != nil || err != nil {
		c.closeConn()
		return fmt.Errorf("mailbox: greeting from %s: %w", c.cfg.Address, cmp.Or(ctxErr, err))
	}
	return nil
}

// setup logs in, reads the capabilities, makes sure the folders exist and
// selects the mailbox.
func (c *Client) setup(ctx context.Context) error {
	preCaps, err := c.capability(ctx)
	if err != nil {
		return err
	}
	c.caps.Auth = preCaps.AuthMechanisms()

	if err := c.login(ctx, preCaps); err != nil {
		return err
	}

	// Ask again rather than trust imapclient's cached set: it is reset only
	// after Login's Wait has returned.
	caps, err := c.capability(ctx)
	if err != nil {
		return err
	}
	c.caps.IDLE = caps.Has(imap.CapIdle)
	c.caps.MOVE = caps.Has(imap.CapMove)
	c.caps.UIDPLUS = caps.Has(imap.CapUIDPlus)

	for _, name := range []string{c.cfg.ProcessedMailbox, c.cfg.QuarantineMailbox} {
		if name == "" {
			continue
		}
		if err := c.ensureMailbox(ctx, name); err != nil {
			return err
		}
	}
	return c.Select(ctx, c.cfg.Mailbox)
}

// capability sends CAPABILITY and returns the server's answer.
func (c *Client) capability(ctx context.Context) (imap.CapSet, error) {
	var caps imap.CapSet
	err := c.run(ctx, "capability", func() error {
		var err error
		caps, err = c.imap.Capability().Wait()
		if err == nil && caps == nil {
			err = errors.New("server sent no CAPABILITY")
		}
		return err
	})
	return caps, err
}

func (c *Client) login(ctx context.Context, caps imap.CapSet) error {
	if c.cfg.Auth == nil && caps.Has(imap.CapLoginDisabled) {
		return fmt.Errorf("mailbox: login as %q: server advertises LOGINDISABLED", c.cfg.Username)
	}
	err := c.run(ctx, "login", func() error {
		if c.cfg.Auth != nil {
			return c.imap.Authenticate(c.cfg.Auth)
		}
		return c.imap.Login(c.cfg.Username, c.cfg.Password).Wait()
	})
	if err == nil {
		return nil
	}
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && imapErr.Type == imap.StatusResponseTypeNo && imapErr.Code != imap.ResponseCodeUnavailable {
		// The server's answer itself, not run's "mailbox: login: ..." around
		// it: the chain names the package and the command once.
		return fmt.Errorf("mailbox: login as %q: %w: %w", c.cfg.Username, ErrAuthFailed, imapErr)
	}
	return err
}

// Close sends LOGOUT (best effort, unless another call is in progress) and
// closes the connection. It may be called more than once and while another
// call is blocked.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		var dropped bool
		select {
		case <-c.imap.Closed():
			dropped = true
		default:
		}
		if c.mu.TryLock() {
			if c.imap.State() != imap.ConnStateLogout {
				_, _ = closeOnDone(context.Background(), min(logoutTimeout, c.cfg.CommandTimeout), ErrCommandTimeout, c.closeConn, func() error {
					return c.imap.Logout().Wait()
				})
			}
			defer c.mu.Unlock()
		}
		// After a drop (or a close forced by a context) the reader's error
		// was already reported by the call that saw it.
		err := c.imap.Close()
		if err != nil && !dropped && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.ErrUnexpectedEOF) {
			c.closeErr = fmt.Errorf("mailbox: close: %w", err)
		}
	})
	return c.closeErr
}

// Closed returns a channel that is closed when the connection has dropped
// or been closed.
func (c *Client) Closed() <-chan struct{} {
	return c.imap.Closed()
}

// Caps returns the server capabilities seen after login.
func (c *Client) Caps() Caps {
	caps := c.caps
	caps.Auth = append([]string(nil), c.caps.Auth...)
	return caps
}

// UIDValidity returns the UIDVALIDITY of the selected mailbox, or 0 when no
// mailbox is selected.
func (c *Client) UIDValidity() uint32 {
	return c.uidValidity.Load()
}

// signalUpdate records that the selected mailbox may have changed. It never
// blocks: it runs on the client's reader goroutine.
func (c *Client) signalUpdate() {
	select {
	case c.updates <- struct{}{}:
	default:
	}
}

// drainUpdates forgets pending change signals.
func (c *Client) drainUpdates() {
	select {
	case <-c.updates:
	default:
	}
}
