package outbox

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

// rig is an outbox worker over a store in a temporary directory, with an
// in-process SMTP server as its destination and registration to queue
// emails as the inbox does. Tests set its options before worker().
type rig struct {
	t    *testing.T
	smtp *mailtest.SMTPServer
	logs *mailtest.Buffer
	db   *store.DB
	reg  *registration.Registrar
	opts Options
}

func newRig(t *testing.T) *rig {
	t.Helper()
	cfg, err := config.Load(filepath.Join(mailtest.Root(), "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, smtp: mailtest.StartSMTP(t), logs: &mailtest.Buffer{}}
	r.db, err = store.Open(filepath.Join(t.TempDir(), "ticketd.db"), store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.db.Close() })
	log := mailtest.Logger(t, r.logs)
	r.reg = registration.New(r.db, cfg.Policy(), registration.Settings{
		Prefix: "SUP", From: "support@ticketd.example", Limits: cfg.IntakeLimits(), Log: log,
	})
	r.opts = Options{
		Store:       r.db,
		Retry:       Retry{Min: 50 * time.Millisecond, Max: 200 * time.Millisecond, MaxAge: time.Hour},
		Connections: cfg.SMTP.Connections,
		Log:         log,
	}
	return r
}

// worker is a worker with the rig's options, delivering to the rig's SMTP
// server over opts.Connections sessions.
func (r *rig) worker() *Worker {
	r.t.Helper()
	sender, err := receipt.NewSender(receipt.SMTPConfig{Address: r.smtp.Addr, Security: "none", Timeout: 10 * time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	o := r.opts
	o.Destination = &SMTP{Sender: sender, Connections: o.Connections}
	return New(o)
}

// queue records n copies of a fixture, each with its own Message-ID, and
// so queues their receipts.
func (r *rig) queue(fixture, idFormat string, n int) {
	r.t.Helper()
	for i := range n {
		raw := mailtest.WithMessageID(mailtest.Fixture(r.t, fixture), fmt.Sprintf(idFormat, i))
		if _, err := r.reg.Record(context.Background(), raw, time.Now()); err != nil {
			r.t.Fatal(err)
		}
	}
}

// run runs the worker until the test ends.
func (r *rig) run(w *Worker) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	r.t.Cleanup(func() { cancel(); <-done })
}
