package daemon

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/console"
	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/oauth"
	"github.com/ticketd/ticketd/outbox"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

// Daemon wires the store, registration and the two workers: the inbox
// worker (IMAP → tickets) and the outbox worker (queued emails → SMTP),
// with the admin API, the metrics and systemd around them.
type Daemon struct {
	cfg     *config.Config
	log     *slog.Logger
	db      *store.DB
	reg     *registration.Registrar
	inbox   *inbox.Worker
	outbox  *outbox.Worker  // emails
	hooks   *outbox.Worker  // webhook events
	console *console.Server // nil without console.listen
	held    *HeldDesk
	metrics *metrics.Metrics
	health  *metrics.Health
	// live tells the watchdog the inbox worker is not hung.
	live inbox.Liveness
	// ready is sent to systemd once, at the first IMAP connection.
	ready sync.Once
	// imapTokens and smtpTokens are the OAuth2 token sources (nil with
	// passwords).
	imapTokens, smtpTokens *oauth.TokenSource
	// drained is called when RunOnce has found the mailbox empty.
	drained func()
}

// New opens the store and builds the parts for cfg (validated with
// LoadConfig or config.Config.ValidateDaemon). Close releases the store.
//
// The store's directory is created (mode 0700) when missing. An existing
// database file that is damaged (empty, truncated, a bad page: see
// store.ErrDamaged) stops New with an error naming the file and the
// restore procedure; it is never re-created. Files up to
// store.DefaultCheckMaxSize get bbolt's full consistency check.
func New(cfg *config.Config, log *slog.Logger) (*Daemon, error) {
	return newDaemon(cfg, log, storeOptions(cfg))
}

func newDaemon(cfg *config.Config, log *slog.Logger, sopts store.Options) (*Daemon, error) {
	d := &Daemon{cfg: cfg, log: log, metrics: metrics.New(), health: metrics.NewHealth(time.Now)}
	if err := d.tokenSources(); err != nil {
		return nil, err
	}
	sender, err := newSender(cfg, d.smtpToken)
	if err != nil {
		return nil, err
	}
	if err := ensureStoreDir(cfg.Store.Path); err != nil {
		return nil, err
	}
	d.db, err = store.Open(cfg.Store.Path, sopts)
	if err != nil {
		return nil, err
	}
	d.ensureAgents(time.Now())
	rs := RegistrationSettings(cfg, log)
	if rs.Auth != nil {
		d.metrics.SetDKIMSkipped(rs.Auth.SkippedSignatures)
	}
	d.reg = registration.New(d.db, cfg.Policy(), rs)
	oo := outboxOptions(cfg, d.db, sender, d.metrics, log)
	oo.Health = d.health
	d.outbox = outbox.New(oo)
	d.hooks = outbox.New(webhookOptions(cfg, d.db, d.metrics, log))
	in := inboxOptions(cfg, log)
	in.Tokens = d.imapTokens
	in.Registrar, in.Store, in.Outbox = d.reg, d.db, kicker{d}
	d.held = &HeldDesk{DB: d.db, Reg: d.reg, Kick: d.kick}
	if d.console, err = d.newConsole(d.held); err != nil {
		return nil, err
	}
	if d.console != nil {
		in.Changed = d.console.Notify
	}
	in.OnConnect = func() { d.ready.Do(func() { sdNotify(log, "READY=1") }) }
	in.Live, in.Metrics, in.Health = &d.live, d.metrics, d.health
	d.inbox = inbox.New(in)
	d.metrics.SetOutbox(d.outbox.Stats)
	d.drained = func() {}
	d.health.SetStoreOpen(true)
	d.health.SetOutboxCheck(d.outbox.Stats, cfg.Receipt.StuckAfter)
	d.health.SetStoreCheck(d.db.Healthy)
	d.metrics.SetStoreHealth(d.db.Healthy)
	return d, nil
}

// kick wakes the workers that deliver the outbox and tells the console's
// open pages that tickets changed.
func (d *Daemon) kick() {
	d.outbox.Kick()
	d.hooks.Kick()
	if d.console != nil {
		d.console.Notify()
	}
}

// kicker kicks both outbox workers (inbox.Options.Outbox).
type kicker struct{ d *Daemon }

func (k kicker) Kick() { k.d.kick() }

// Close releases the store.
func (d *Daemon) Close() error {
	d.health.SetStoreOpen(false)
	return d.db.Close()
}

// Run runs both workers until ctx ends, then lets the work in hand finish
// and returns nil after a clean stop.
func (d *Daemon) Run(ctx context.Context) error {
	d.log.Info("ticketd starting", "imap", d.cfg.IMAP.Address, "mailbox", d.cfg.IMAP.Mailbox, "smtp", d.cfg.SMTP.Address, "store", d.cfg.Store.Path)
	if d.cfg.Admin.Listen != "" {
		srv := admin.NewServer(d.cfg.Admin.Listen, d.adminHandler(), d.log)
		if err := srv.Start(); err != nil {
			return fmt.Errorf("admin listener: %w", err)
		}
		// srv.Start logs "admin API listening" with the address bound.
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}
	if d.console != nil {
		if err := d.console.Start(); err != nil {
			return err
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = d.console.Shutdown(sctx)
		}()
	}
	d.live.Extend(time.Now(), d.cfg.IMAP.DialTimeout+d.cfg.IMAP.CommandTimeout)
	var wg sync.WaitGroup
	wg.Go(func() { d.inbox.Run(ctx) })
	wg.Go(func() { d.outbox.Run(ctx) })
	wg.Go(func() { d.hooks.Run(ctx) })
	wg.Go(func() { watchdog(ctx, &d.live, d.log) })
	wg.Go(func() { d.maintain(ctx) })
	wg.Go(func() { d.remind(ctx) })
	<-ctx.Done()
	sdNotify(d.log, "STOPPING=1")
	d.log.Info("ticketd stopping: finishing the message in hand")
	wg.Wait()
	d.log.Info("ticketd stopped", "peak_rss_mb", peakRSSMB())
	return nil
}

// adminHandler serves the support commands' API, the metrics and the
// health checks on admin.listen. Every path, /metrics and /readyz
// included, refuses a Host that is not an IP address or localhost (DNS
// rebinding).
func (d *Daemon) adminHandler() http.Handler {
	mux := http.NewServeMux()
	admin.Register(mux, backend{DB: d.db, d: d}, time.Now, d.log)
	admin.RegisterHeld(mux, d.held, d.log)
	admin.RegisterUsers(mux, d.db, time.Now, d.log)
	d.health.Register(mux, d.metrics)
	return admin.RequireIPHost(mux)
}

// RunOnce processes the messages in the mailbox now, tries every queued
// email once and returns. Emails go out while the mailbox drains (the
// outbox worker runs alongside), and what is left is tried at the end.
func (d *Daemon) RunOnce(ctx context.Context) error {
	outboxCtx, stopOutbox := context.WithCancel(ctx)
	outboxDone := make(chan struct{})
	go func() {
		defer close(outboxDone)
		d.outbox.Run(outboxCtx)
	}()
	err := d.inbox.Once(ctx)
	d.drained()
	// The pass in flight finishes its SMTP transactions (cancelling it
	// would cut them after lifecycle.Grace); stopOutbox then only ends
	// the wait for the next one.
	d.outbox.StopAfterPass()
	<-outboxDone
	stopOutbox()
	if err != nil {
		return err
	}
	d.outbox.DeliverDue(ctx, time.Time{})
	d.hooks.DeliverDue(ctx, time.Time{})
	d.log.Info("run --once done", "peak_rss_mb", peakRSSMB())
	return ctx.Err()
}

// OnDrained sets a function RunOnce calls once it has found the mailbox
// empty, every message recorded and moved, before the last deliveries
// (the benchmark reports when).
func (d *Daemon) OnDrained(f func()) { d.drained = f }

// ensureStoreDir creates the missing directory of the database file path
// (mode 0700: it holds every customer's mail), or says which directory is
// missing and why it could not be created.
func ensureStoreDir(path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		return fmt.Errorf("store.path %s: %s is not a directory", path, dir)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store.path %s: directory %s: %w", path, dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("store.path %s: directory %s is missing and could not be created: %w", path, dir, err)
	}
	return nil
}
