package daemon

import (
	"context"
	"crypto/tls"
	"fmt"

	"github.com/emersion/go-imap/v2"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/console"
	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

// newConsole builds the web console for console.listen (nil when off):
// registration takes its actions, the held-mail desk releases, a folder
// connection per request lists and retries the quarantine.
func (d *Daemon) newConsole(held *HeldDesk) (*console.Server, error) {
	cs := d.cfg.Console
	if cs.Listen == "" {
		return nil, nil
	}
	o := console.Options{
		Listen:        cs.Listen,
		TrustedHeader: cs.TrustedHeader,
		SessionIdle:   cs.SessionIdle,
		Prefix:        d.cfg.Tickets.Prefix,
		Store:         d.db,
		Actions:       consoleActions{d},
		Held:          consoleHeld{held},
		Quarantine:    consoleQuarantine{d},
		Limits:        d.cfg.IntakeLimits(),
		Log:           d.log,
	}
	for _, p := range cs.TrustedProxies {
		prefix, err := config.ParsePrefix(p)
		if err != nil {
			return nil, err
		}
		o.TrustedProxies = append(o.TrustedProxies, prefix)
	}
	for _, org := range d.cfg.Organizations {
		o.Organizations = append(o.Organizations, console.Organization{ID: org.ID, Name: org.Name, TicketsIncluded: org.TicketsIncluded,
			SLAFirstResponse: org.SLAFirstResponse, SLAResolution: org.SLAResolution})
	}
	if cs.TLSCertFile != "" {
		cert, err := tls.LoadX509KeyPair(cs.TLSCertFile, cs.TLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("console TLS: %w", err)
		}
		o.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return console.New(o)
}

// consoleActions are registration's actions for the console; each one
// that succeeds kicks the outbox workers, so that its emails and webhook
// events go out at once.
type consoleActions struct{ d *Daemon }

func by(a console.Author) registration.Author {
	return registration.Author{Address: a.Address, Name: a.Name}
}

func (c consoleActions) kicked(t *store.Ticket, err error) (*store.Ticket, error) {
	if err == nil {
		c.d.kick()
	}
	return t, err
}

func (c consoleActions) Answer(n string, a console.Author, w string) (*store.Ticket, error) {
	return c.kicked(c.d.reg.Answer(n, by(a), w))
}
func (c consoleActions) Note(n string, a console.Author, w string) (*store.Ticket, error) {
	return c.kicked(c.d.reg.Note(n, by(a), w))
}
func (c consoleActions) Assign(n string, a console.Author, to string) (*store.Ticket, error) {
	return c.kicked(c.d.reg.Assign(n, by(a), to))
}
func (c consoleActions) Close(n string, a console.Author) (*store.Ticket, error) {
	return c.kicked(c.d.reg.Close(n, by(a)))
}
func (c consoleActions) Reopen(n string, a console.Author) (*store.Ticket, error) {
	return c.kicked(c.d.reg.Reopen(n, by(a)))
}
func (c consoleActions) Warranty(n string, a console.Author) (*store.Ticket, error) {
	return c.kicked(c.d.reg.Warranty(n, by(a)))
}

// consoleHeld releases held mail for the console.
type consoleHeld struct{ h *HeldDesk }

func (c consoleHeld) Release(ctx context.Context, id uint64) error {
	_, err := c.h.Release(ctx, id)
	return err
}

// consoleQuarantine lists and retries the quarantine folder over a
// connection of its own per request.
type consoleQuarantine struct{ d *Daemon }

func (q consoleQuarantine) List(ctx context.Context) ([]inbox.Quarantined, error) {
	c, err := DialFolder(ctx, q.d.cfg, q.d.cfg.IMAP.QuarantineMailbox, q.d.log)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return inbox.ListQuarantine(ctx, c, q.d.db, q.d.cfg.IMAP.MaxMessageBytes)
}

func (q consoleQuarantine) Retry(ctx context.Context, uid uint32) error {
	c, err := DialFolder(ctx, q.d.cfg, q.d.cfg.IMAP.QuarantineMailbox, q.d.log)
	if err != nil {
		return err
	}
	defer c.Close()
	return inbox.RetryQuarantine(ctx, c, q.d.cfg.IMAP.QuarantineMailbox, q.d.cfg.IMAP.Mailbox, []imap.UID{imap.UID(uid)}, func(imap.UID) {})
}
