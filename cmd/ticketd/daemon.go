package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/oauth"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// shutdownGrace is how long the message in hand may take after SIGTERM.
const shutdownGrace = 8 * time.Second

func runDaemon(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", stderr)
	cfgPath := fs.String("config", "/etc/ticketd/ticketd.yaml", "configuration file")
	once := fs.Bool("once", false, "process what is in the mailbox now, try every queued email once, and exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadDaemonConfig(*cfgPath)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log.Format, cfg.Log.Level)
	d, err := newDaemon(cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	if *once {
		return d.RunOnce(ctx)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reloadCtx, stopReloads := context.WithCancel(ctx)
	reloads := make(chan struct{})
	go func() {
		defer close(reloads)
		d.watchReloads(reloadCtx, *cfgPath, hup, d.sdNotify)
	}()
	err = d.Run(ctx)
	stopReloads()
	<-reloads
	return err
}

func loadDaemonConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if err := cfg.ValidateDaemon(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// daemon owns the store, the SMTP sender and the two workers: the inbox
// worker (IMAP → tickets) and the outbox worker (queued emails → SMTP).
type daemon struct {
	cfg *config.Config
	log *slog.Logger
	// policy holds the organizations, contacts and rule settings; SIGHUP
	// swaps it (see reload). Each message is judged with one snapshot.
	policy atomic.Pointer[rules.Policy]
	limits intake.Limits
	auth   *authenticator // nil unless security.verify_dkim
	db     *store.DB
	sender *receipt.Sender
	// imapTokens and smtpTokens are the OAuth2 token sources (nil with
	// passwords).
	imapTokens, smtpTokens *oauth.TokenSource
	metrics                *metrics.Metrics
	health                 *metrics.Health
	// tag finds ticket tags ("[SUP-000042]") in subjects.
	tag *regexp.Regexp
	// kick wakes the outbox worker when new emails were queued.
	kick chan struct{}
	// live tells the watchdog the inbox worker is not hung.
	live liveness
	// ready is sent to systemd once, at the first IMAP connection.
	ready sync.Once
	// uidValidity is the UIDVALIDITY of the last session (inbox worker only).
	uidValidity uint32
	// now is the clock; tests may replace it.
	now func() time.Time
	// drained is when RunOnce found the mailbox empty (bench reports it).
	drained time.Time
	// markDelay replaces the outbox's markDelay when set (tests).
	markDelay time.Duration
}

func newDaemon(cfg *config.Config, log *slog.Logger) (*daemon, error) {
	sender, err := receipt.NewSender(smtpConfig(cfg))
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	db, err := store.Open(cfg.Store.Path, store.Options{Timeout: cfg.Store.LockTimeout})
	if err != nil {
		return nil, err
	}
	d := &daemon{
		cfg:    cfg,
		log:    log,
		limits: cfg.IntakeLimits(),
		auth:   newAuthenticator(cfg),
		db:     db,
		sender: sender,
		tag:    ticketTag(cfg.Tickets.Prefix),
		kick:   make(chan struct{}, 1),
		now:    time.Now,
	}
	d.policy.Store(cfg.Policy())
	if err := d.tokenSources(); err != nil {
		db.Close()
		return nil, err
	}
	if d.smtpTokens != nil {
		scfg := smtpConfig(cfg)
		scfg.Token = d.smtpToken
		if d.sender, err = receipt.NewSender(scfg); err != nil {
			db.Close()
			return nil, fmt.Errorf("smtp: %w", err)
		}
	}
	d.metrics = metrics.New()
	d.metrics.SetOutbox(d.outboxStats)
	d.health = metrics.NewHealth(time.Now)
	d.health.SetStoreOpen(true)
	d.health.SetOutboxCheck(d.outboxStats, cfg.Receipt.StuckAfter)
	return d, nil
}

// Close releases the store.
func (d *daemon) Close() error {
	d.health.SetStoreOpen(false)
	return d.db.Close()
}

// smtpToken fetches the SMTP access token, reporting refresh failures.
func (d *daemon) smtpToken(ctx context.Context) (string, error) {
	tok, err := d.smtpTokens.Token(ctx)
	if err != nil && errors.Is(err, oauth.ErrRefresh) {
		d.metrics.OAuthRefreshFailed()
		d.log.Error("smtp authentication failing", "err", err)
	}
	return tok, err
}

// outboxStats reports the outbox's depth and the age of its oldest email,
// for the metrics and readiness.
func (d *daemon) outboxStats() (int, time.Duration, error) {
	return d.db.OutboxStats(d.now())
}

func smtpConfig(cfg *config.Config) receipt.SMTPConfig {
	return receipt.SMTPConfig{
		Address:            cfg.SMTP.Address,
		Security:           cfg.SMTP.Security,
		InsecureSkipVerify: cfg.SMTP.InsecureSkipVerify,
		Username:           cfg.SMTP.Username,
		Password:           cfg.SMTP.Password,
		EnvelopeFrom:       cfg.SMTP.EnvelopeFrom,
		HeloName:           cfg.SMTP.HeloName,
		Timeout:            cfg.SMTP.Timeout,
	}
}

func imapConfig(cfg *config.Config, log *slog.Logger) mailbox.Config {
	return mailbox.Config{
		Address:            cfg.IMAP.Address,
		Security:           cfg.IMAP.Security,
		InsecureSkipVerify: cfg.IMAP.InsecureSkipVerify,
		Username:           cfg.IMAP.Username,
		Password:           cfg.IMAP.Password,
		Mailbox:            cfg.IMAP.Mailbox,
		ProcessedMailbox:   cfg.IMAP.ProcessedMailbox,
		QuarantineMailbox:  cfg.IMAP.QuarantineMailbox,
		DialTimeout:        cfg.IMAP.DialTimeout,
		CommandTimeout:     cfg.IMAP.CommandTimeout,
		Logger:             log,
	}
}

// Run runs both workers until ctx ends, then lets the message in hand
// finish and returns nil after a clean stop.
func (d *daemon) Run(ctx context.Context) error {
	d.log.Info("ticketd starting", "imap", d.cfg.IMAP.Address, "mailbox", d.cfg.IMAP.Mailbox, "smtp", d.cfg.SMTP.Address, "store", d.cfg.Store.Path)
	if d.cfg.Admin.Listen != "" {
		srv := admin.NewServer(d.cfg.Admin.Listen, d.adminHandler(), d.log)
		if err := srv.Start(); err != nil {
			return fmt.Errorf("admin listener: %w", err)
		}
		d.log.Info("admin API listening", "addr", srv.Addr())
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}
	d.live.extend(d.now(), d.cfg.IMAP.DialTimeout+d.cfg.IMAP.CommandTimeout)
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		d.inboxWorker(ctx)
	}()
	go func() {
		defer wg.Done()
		d.outboxWorker(ctx)
	}()
	go func() {
		defer wg.Done()
		d.watchdog(ctx)
	}()
	<-ctx.Done()
	d.sdNotify("STOPPING=1")
	d.log.Info("ticketd stopping: finishing the message in hand")
	wg.Wait()
	d.log.Info("ticketd stopped", "peak_rss_mb", peakRSSMB())
	return nil
}

// adminHandler serves the support commands' API (and, later, metrics and
// health) on admin.listen.
func (d *daemon) adminHandler() http.Handler {
	mux := http.NewServeMux()
	admin.Register(mux, d.db, d.now, d.log)
	d.health.Register(mux, d.metrics)
	return mux
}

// RunOnce processes the messages in the mailbox now, tries every queued
// email once and returns. Emails go out while the mailbox drains (the
// outbox worker runs alongside), and what is left is tried at the end.
func (d *daemon) RunOnce(ctx context.Context) error {
	c, err := dialMailbox(ctx, imapConfig(d.cfg, d.log), d.imapTokens)
	d.checkAuth(err)
	if err != nil {
		return fmt.Errorf("imap: %w", err)
	}
	defer c.Close()
	outboxCtx, stopOutbox := context.WithCancel(ctx)
	outboxDone := make(chan struct{})
	go func() {
		defer close(outboxDone)
		d.outboxWorker(outboxCtx)
	}()
	err = d.drain(ctx, c)
	d.drained = time.Now()
	stopOutbox()
	<-outboxDone
	if err != nil {
		return err
	}
	d.deliverDue(ctx, time.Time{})
	d.log.Info("run --once done", "peak_rss_mb", peakRSSMB())
	return ctx.Err()
}
