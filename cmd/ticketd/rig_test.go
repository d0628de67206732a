package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/store"
)

// rig is a configuration file (cfgPath) pointing at in-process IMAP and
// SMTP servers and a store in a temporary directory, for running the
// commands as a user would; runOnce and start run the daemon in-process
// with cfg, which tests may change. Nothing comes from the environment.
type rig struct {
	t       *testing.T
	imap    *mailtest.IMAPServer
	smtp    *mailtest.SMTPServer
	cfg     *config.Config
	cfgPath string
	logs    *mailtest.Buffer
}

func newRig(t *testing.T, opts ...mailtest.IMAPOption) *rig {
	t.Helper()
	return newRigWith(t, mailtest.ConfigValues{}, opts...)
}

// newRigWith is newRig with more configuration values (the servers, the
// store and admin.listen are the rig's).
func newRigWith(t *testing.T, v mailtest.ConfigValues, opts ...mailtest.IMAPOption) *rig {
	t.Helper()
	r := &rig{t: t, imap: mailtest.StartIMAP(t, opts...), smtp: mailtest.StartSMTP(t), logs: &mailtest.Buffer{}}
	v.IMAPAddr, v.SMTPAddr = r.imap.Addr, r.smtp.Addr
	v.StorePath = filepath.Join(t.TempDir(), "ticketd.db")
	v.AdminListen = fmt.Sprintf("127.0.0.1:%d", mailtest.FreePort(t))
	r.cfgPath = mailtest.WriteConfig(t, t.TempDir(), v)
	var err error
	if r.cfg, err = daemon.LoadConfig(r.cfgPath); err != nil {
		t.Fatal(err)
	}
	return r
}

// runCLI runs one ticketd command line in-process with --config cfgPath
// after the command's words.
func (r *rig) runCLI(args ...string) (stdout, stderr string, code int) {
	r.t.Helper()
	return r.runCLITimeout(0, args...)
}

// runCLITimeout is runCLI with the command's context ending after
// timeout (none when zero): for `run`, which returns only on an error.
func (r *rig) runCLITimeout(timeout time.Duration, args ...string) (stdout, stderr string, code int) {
	r.t.Helper()
	return r.runCLIWith(timeout, "", args...)
}

// runCLIIn is runCLI with stdin as the command's standard input.
func (r *rig) runCLIIn(stdin string, args ...string) (stdout, stderr string, code int) {
	r.t.Helper()
	return r.runCLIWith(0, stdin, args...)
}

// runCLIWith runs the command with a timeout (none when zero) and stdin as
// its standard input (empty: never the test process's own).
func (r *rig) runCLIWith(timeout time.Duration, stdin string, args ...string) (stdout, stderr string, code int) {
	r.t.Helper()
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var out, errb bytes.Buffer
	words := 1
	if args[0] == "tickets" || args[0] == "quarantine" || args[0] == "held" || args[0] == "turned-away" || args[0] == "users" {
		words = 2
	}
	full := append(append(append([]string{}, args[:words]...), "--config", r.cfgPath), args[words:]...)
	code = runIn(ctx, full, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func (r *rig) daemon() *daemon.Daemon {
	r.t.Helper()
	d, err := daemon.New(r.cfg, mailtest.Logger(r.t, r.logs))
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

// start runs the daemon until the returned stop function is called.
func (r *rig) start() (stop func()) {
	r.t.Helper()
	d := r.daemon()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	// Commands reach the daemon through its admin API: wait for it, or
	// they would find the store locked and no API answering.
	mailtest.WaitUntil(r.t, 10*time.Second, "admin API listening", func() bool {
		c, err := net.DialTimeout("tcp", r.cfg.Admin.Listen, time.Second)
		if err != nil {
			return false
		}
		c.Close()
		return true
	})
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
	return stop
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

func (r *rig) ticket(number string) *store.Ticket {
	r.t.Helper()
	db := r.openStore()
	defer db.Close()
	tk, err := db.Ticket(number)
	if err != nil {
		r.t.Fatal(err)
	}
	return tk
}

var (
	fixture       = mailtest.Fixture
	withMessageID = mailtest.WithMessageID
	subjectOf     = mailtest.Subject
)
