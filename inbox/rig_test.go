package inbox

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/outbox"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

// rig is an inbox worker, its registration and an outbox worker wired to
// in-process IMAP and SMTP servers and a store in a temporary directory,
// as `ticketd run --once` wires them. Tests change its fields before
// runOnce: every setting is explicit, none comes from the environment.
type rig struct {
	t    *testing.T
	imap *mailtest.IMAPServer
	smtp *mailtest.SMTPServer
	logs *mailtest.Buffer
	// cfg is config.example.yaml: its organizations and rules make the
	// policy (cfg.Policy()), so tests may change them.
	cfg      *config.Config
	inbox    Options
	settings registration.Settings
	dbPath   string
	metrics  *metrics.Metrics
}

func newRig(t *testing.T, opts ...mailtest.IMAPOption) *rig {
	t.Helper()
	r := &rig{t: t, imap: mailtest.StartIMAP(t, opts...), smtp: mailtest.StartSMTP(t), logs: &mailtest.Buffer{}}
	cfg, err := config.Load(filepath.Join(mailtest.Root(), "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r.cfg = cfg
	log := mailtest.Logger(t, r.logs)
	r.inbox = Options{
		Mailbox: mailbox.Config{
			Address: r.imap.Addr, Security: "none",
			Username: mailtest.IMAPUser, Password: mailtest.IMAPPassword,
			Mailbox: "INBOX", ProcessedMailbox: "Processed", QuarantineMailbox: "Quarantine",
			DialTimeout: 5 * time.Second, CommandTimeout: 30 * time.Second,
			Logger: log,
		},
		BatchSize:       cfg.IMAP.BatchSize,
		MaxMessageBytes: cfg.IMAP.MaxMessageBytes,
		PollInterval:    cfg.IMAP.PollInterval,
		IdleTimeout:     cfg.IMAP.IdleTimeout,
		ReconnectMin:    20 * time.Millisecond,
		ReconnectMax:    200 * time.Millisecond,
		Log:             log,
	}
	r.settings = registration.Settings{
		Prefix:                "SUP",
		From:                  "support@ticketd.example",
		FromName:              "Example Support",
		MaxAutoRepliesPerHour: cfg.Receipt.MaxPerSenderPerHour,
		Limits:                cfg.IntakeLimits(),
		Log:                   log,
	}
	r.dbPath = filepath.Join(t.TempDir(), "ticketd.db")
	return r
}

// runOnce does what `ticketd run --once` does, with fresh workers over
// the rig's store: drain the mailbox with the outbox running alongside,
// then try every queued email once.
func (r *rig) runOnce() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db := r.open()
	defer db.Close()
	ob := r.outbox(db)
	w := r.worker(db, ob)
	obCtx, stopOutbox := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ob.Run(obCtx)
	}()
	err := w.Once(ctx)
	stopOutbox()
	<-done
	if err != nil {
		r.t.Fatalf("run --once: %v", err)
	}
	ob.DeliverDue(ctx, time.Time{})
}

// open opens the rig's store for the daemon's parts.
func (r *rig) open() *store.DB {
	r.t.Helper()
	db, err := store.Open(r.dbPath, store.Options{Timeout: time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	return db
}

// registrar is registration over db with the rig's policy and settings.
func (r *rig) registrar(db *store.DB) *registration.Registrar {
	return registration.New(db, r.cfg.Policy(), r.settings)
}

func (r *rig) outbox(db *store.DB) *outbox.Worker {
	r.t.Helper()
	sender, err := receipt.NewSender(receipt.SMTPConfig{Address: r.smtp.Addr, Security: "none", Timeout: 10 * time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	return outbox.New(outbox.Options{
		Store:       db,
		Destination: &outbox.SMTP{Sender: sender, Connections: 2},
		Retry:       outbox.Retry{Min: 50 * time.Millisecond, Max: 200 * time.Millisecond, MaxAge: time.Hour},
		Connections: 2,
		Log:         r.inbox.Log,
	})
}

func (r *rig) worker(db *store.DB, ob *outbox.Worker) *Worker {
	o := r.inbox
	o.Registrar, o.Store, o.Outbox, o.Metrics = r.registrar(db), db, ob, r.metrics
	return New(o)
}

// openStore opens the store for a test's checks; it is closed when the
// test ends.
func (r *rig) openStore() *store.DB {
	r.t.Helper()
	db := r.open()
	r.t.Cleanup(func() { db.Close() })
	return db
}

var (
	fixture       = mailtest.Fixture
	withMessageID = mailtest.WithMessageID
)
