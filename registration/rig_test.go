package registration

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/outbox"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/store"
)

// rig records messages with a Registrar over a store in a temporary
// directory and delivers what they queue to an in-process SMTP server,
// as the daemon does after taking a message out of the inbox. Tests change
// cfg (its organizations, rules and security make the policy) and settings
// before step; nothing comes from the environment.
type rig struct {
	t        *testing.T
	smtp     *mailtest.SMTPServer
	logs     *mailtest.Buffer
	cfg      *config.Config
	settings Settings
	dbPath   string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	cfg, err := config.Load(filepath.Join(mailtest.Root(), "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, smtp: mailtest.StartSMTP(t), logs: &mailtest.Buffer{}, cfg: cfg, dbPath: filepath.Join(t.TempDir(), "ticketd.db")}
	r.settings = Settings{
		Prefix:                "SUP",
		From:                  "support@ticketd.example",
		FromName:              "Example Support",
		HowToReach:            cfg.Receipt.HowToReach.Text(),
		MaxAutoRepliesPerHour: cfg.Receipt.MaxPerSenderPerHour,
		Limits:                cfg.IntakeLimits(),
		Log:                   mailtest.Logger(t, r.logs),
	}
	return r
}

// steps records each message as received now, in its own transaction
// (what the inbox does with a possible follow-up), then delivers every
// queued email.
func (r *rig) step(raws ...[]byte) {
	r.t.Helper()
	r.stepAt(time.Time{}, raws...)
}

// stepAt is step with the messages received at (now when zero).
func (r *rig) stepAt(at time.Time, raws ...[]byte) {
	r.t.Helper()
	db := r.open()
	defer db.Close()
	reg := New(db, r.cfg.Policy(), r.settings)
	for _, raw := range raws {
		if _, err := reg.Record(context.Background(), raw, at); err != nil {
			r.t.Fatalf("record: %v", err)
		}
	}
	sender, err := receipt.NewSender(receipt.SMTPConfig{Address: r.smtp.Addr, Security: "none", Timeout: 10 * time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	ob := outbox.New(outbox.Options{
		ExceptKinds: []string{"webhook"},
		Store:       db,
		Destination: &outbox.SMTP{Sender: sender, Connections: 1},
		Retry:       outbox.Retry{Min: time.Second, Max: time.Second, MaxAge: time.Hour},
		Log:         r.settings.Log,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ob.DeliverDue(ctx, time.Time{})
}

func (r *rig) open() *store.DB {
	r.t.Helper()
	db, err := store.Open(r.dbPath, store.Options{Timeout: time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	return db
}

// openStore opens the store for a test's checks until the test ends.
func (r *rig) openStore() *store.DB {
	r.t.Helper()
	db := r.open()
	r.t.Cleanup(func() { db.Close() })
	return db
}

func (r *rig) ticket(number string) *store.Ticket {
	r.t.Helper()
	db := r.open()
	defer db.Close()
	tk, err := db.Ticket(number)
	if err != nil {
		r.t.Fatal(err)
	}
	return tk
}

func (r *rig) tickets() []store.Ticket {
	r.t.Helper()
	db := r.open()
	defer db.Close()
	ts, err := db.Tickets(store.TicketFilter{})
	if err != nil {
		r.t.Fatal(err)
	}
	return ts
}

var (
	fixture       = mailtest.Fixture
	withMessageID = mailtest.WithMessageID
	parseSent     = mailtest.ParseSent
	subjectOf     = mailtest.Subject
)

func conversation(t testing.TB, name string) []byte {
	t.Helper()
	return mailtest.ReadTestdata(t, "conversations", name)
}
