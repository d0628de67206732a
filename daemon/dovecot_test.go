package daemon

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/ticketd/ticketd/config"
	idovecot "github.com/ticketd/ticketd/internal/dovecot"
	"github.com/ticketd/ticketd/internal/mailtest"
)

// dovecot is a real Dovecot IMAP server started for one test on a loopback
// port (internal/dovecot), with its configuration, mail and logs in a
// temporary directory.
type dovecot struct {
	addr, user, password string
	logPath              string
}

// startDovecot starts Dovecot, or skips the test when it is not installed
// or the test does not run as root (unless TICKETD_DOVECOT=require, which
// CI sets: then it fails). It stops when the test ends.
func startDovecot(t *testing.T) *dovecot {
	t.Helper()
	srv, err := idovecot.Start("")
	switch {
	case err == nil:
	case os.Getenv("TICKETD_DOVECOT") == "require":
		t.Fatalf("TICKETD_DOVECOT=require: %v", err)
	case errors.Is(err, idovecot.ErrNotInstalled) || errors.Is(err, idovecot.ErrNotRoot):
		t.Skipf("%v; set TICKETD_DOVECOT=require to make this test mandatory", err)
	default:
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &dovecot{addr: srv.Addr, user: srv.User, password: srv.Password, logPath: srv.LogPath}
}

// client logs in to Dovecot as the support user.
func (d *dovecot) client(t *testing.T) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(d.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(d.user, d.password).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// rig is the test rig with Dovecot as its IMAP server.
func (d *dovecot) rig(t *testing.T) *rig {
	t.Helper()
	r := newRig(t)
	r.cfg.IMAP.Address = d.addr
	r.cfg.IMAP.Username = d.user
	r.cfg.IMAP.Password = d.password
	return r
}

func (d *dovecot) count(t *testing.T, mailbox string) int {
	t.Helper()
	c := d.client(t)
	defer c.Close()
	st, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		return -1
	}
	return int(*st.NumMessages)
}

// TestDovecotEndToEnd runs the daemon against a real Dovecot: messages
// appended to the INBOX become tickets, receipts reach the SMTP server, and
// the originals end up in Processed or Quarantine.
func TestDovecotEndToEnd(t *testing.T) {
	dc := startDovecot(t)
	r := dc.rig(t)

	c := dc.client(t)
	for _, name := range []string{"en-incident-screenshot.eml", "rejected-en-stranger.eml", "ignored-en-out-of-office.eml"} {
		appendRaw(t, c, fixture(t, name))
	}
	appendRaw(t, c, []byte("X-Note: this is not an email\r\n\r\nbody\r\n"))
	c.Close()

	// The daemon in IDLE mode, then one more message while it waits.
	_, stop := r.start()
	waitUntil(t, 20*time.Second, "first messages filed", func() bool {
		return dc.count(t, "Processed") == 3 && dc.count(t, "Quarantine") == 1
	})
	c = dc.client(t)
	appendRaw(t, c, withMessageID(fixture(t, "en-incident-screenshot.eml"), "<late-dovecot@example.com>"))
	c.Close()
	msgs := r.smtp.WaitFor(3, 20*time.Second) // two receipts and a rejection
	stop()
	if got := dc.count(t, "INBOX"); got != 0 {
		t.Errorf("INBOX has %d messages", got)
	}
	if got := dc.count(t, "Processed"); got != 4 {
		t.Errorf("Processed has %d messages, want 4", got)
	}
	if len(msgs) != 3 {
		t.Errorf("%d emails sent, want 3", len(msgs))
	}
}

func appendRaw(t *testing.T, c *imapclient.Client, raw []byte) {
	t.Helper()
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append: %v", err)
	}
}

// TestDovecotAgentAnswersByEmail: against a real Dovecot, a customer's
// email notifies the team; the agent's answer to that notification,
// appended to the same mailbox, reaches the customer from the support
// address, and the agent's mail is filed in Processed.
func TestDovecotAgentAnswersByEmail(t *testing.T) {
	dc := startDovecot(t)
	r := dc.rig(t)
	r.cfg.Desk.TeamAddresses = []string{"desk@vendor.example"}
	r.cfg.Desk.Agents = []config.Agent{{Email: "luis@vendor.example", Name: "Luis Agent"}}

	c := dc.client(t)
	appendRaw(t, c, mailtest.ReadTestdata(t, "conversations", "01-incident-no-screenshot.eml"))
	c.Close()
	_, stop := r.start()
	defer stop()
	msgs := r.smtp.WaitFor(2, 20*time.Second) // the receipt and the notification
	var note mailtest.Message
	for _, m := range msgs {
		if m.To[0] == "desk@vendor.example" {
			note = m
		}
	}
	if note.Data == nil {
		t.Fatalf("no notification to the team among %d emails", len(msgs))
	}
	c = dc.client(t)
	appendRaw(t, c, mailtest.AgentReply(t, note, "luis@vendor.example", "support@ticketd.example", "gmail", "Hello Bob,\nthe depot is fixed."))
	c.Close()
	msgs = r.smtp.WaitFor(4, 20*time.Second) // + the answer and its notification
	var answer *mailtest.Message
	for i, m := range msgs[2:] {
		if m.To[0] == "bob@acme.example" {
			answer = &msgs[2+i]
		}
	}
	if answer == nil {
		t.Fatal("the agent's answer did not reach the customer")
	}
	if text, _ := mailtest.TextOf(t, *answer); !strings.Contains(text, "the depot is fixed.") || strings.Contains(text, "ticketd internal") {
		t.Errorf("relayed answer:\n%s", text)
	}
	waitUntil(t, 20*time.Second, "both emails filed", func() bool { return dc.count(t, "Processed") == 2 })
}
