package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/store"
)

// rig is one daemon wired to in-process IMAP and SMTP servers and a store
// in a temporary directory. Its configuration file (cfgPath) is
// config.example.yaml pointed at those servers; tests change cfg before
// daemon(), and nothing comes from the environment.
type rig struct {
	t    *testing.T
	imap *mailtest.IMAPServer
	smtp *mailtest.SMTPServer
	cfg  *config.Config
	logs *mailtest.Buffer
	// log, when set, replaces the debug logger writing into logs.
	log *slog.Logger
	// lastDaemon is the daemon start made last.
	lastDaemon *Daemon
	cfgPath    string
	// storeOpts, when set, changes the store options of daemon() (tests
	// set Options.FailWrites).
	storeOpts func(*store.Options)
}

func newRig(t *testing.T, opts ...mailtest.IMAPOption) *rig {
	t.Helper()
	r := &rig{t: t, imap: mailtest.StartIMAP(t, opts...), smtp: mailtest.StartSMTP(t), logs: &mailtest.Buffer{}}
	r.cfgPath = mailtest.WriteConfig(t, t.TempDir(), mailtest.ConfigValues{
		IMAPAddr:    r.imap.Addr,
		SMTPAddr:    r.smtp.Addr,
		StorePath:   filepath.Join(t.TempDir(), "ticketd.db"),
		AdminListen: fmt.Sprintf("127.0.0.1:%d", mailtest.FreePort(t)),
	})
	var err error
	if r.cfg, err = LoadConfig(r.cfgPath); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rig) daemon() *Daemon {
	r.t.Helper()
	log := r.log
	if log == nil {
		log = mailtest.Logger(r.t, r.logs)
	}
	sopts := storeOptions(r.cfg)
	if r.storeOpts != nil {
		r.storeOpts(&sopts)
	}
	d, err := newDaemon(r.cfg, log, sopts)
	if err != nil {
		r.t.Fatal(err)
	}
	return d
}

// runOnce runs `ticketd run --once` in-process with a fresh daemon.
func (r *rig) runOnce() {
	r.t.Helper()
	d := r.daemon()
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.RunOnce(ctx); err != nil {
		r.t.Fatalf("run --once: %v", err)
	}
}

// start runs the daemon until the returned stop function is called; stop
// fails the test if the daemon does not stop within 10 seconds.
func (r *rig) start() (d *Daemon, stop func()) {
	r.t.Helper()
	d = r.daemon()
	r.lastDaemon = d
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				r.t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			r.t.Fatal("daemon did not stop within 10 seconds")
		}
		d.Close()
	}
	r.t.Cleanup(stop)
	return d, stop
}

func (r *rig) openStore() *store.DB {
	r.t.Helper()
	db, err := store.Open(r.cfg.Store.Path, store.Options{Timeout: time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { db.Close() })
	return db
}

var (
	fixture       = mailtest.Fixture
	withMessageID = mailtest.WithMessageID
	waitUntil     = mailtest.WaitUntil
	parseSent     = mailtest.ParseSent
	metricValue   = mailtest.MetricValue
)
