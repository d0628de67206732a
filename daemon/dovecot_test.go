package daemon

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/mailtest"
)

// dovecot is a real Dovecot IMAP server started for one test on a loopback
// port, with its configuration, mail and logs in a temporary directory.
type dovecot struct {
	addr, user, password string
	logPath              string
}

// startDovecot starts Dovecot, or skips the test when it is not installed
// (unless TICKETD_DOVECOT=require, which CI sets). Dovecot refuses to run
// mail processes as root, so they run as the system user "mail".
func startDovecot(t *testing.T) *dovecot {
	t.Helper()
	required := os.Getenv("TICKETD_DOVECOT") == "require"
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
			if _, serr := os.Stat(p); serr == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		if required {
			t.Fatal("TICKETD_DOVECOT=require but dovecot is not installed (apt-get install dovecot-imapd)")
		}
		t.Skip("dovecot not installed (apt-get install dovecot-imapd); set TICKETD_DOVECOT=require to make this test mandatory")
	}
	mailUser, err := user.Lookup("mail")
	if err != nil {
		t.Fatalf("system user mail: %v", err)
	}
	if os.Geteuid() != 0 {
		if required {
			t.Fatal("the Dovecot test must run as root to start Dovecot")
		}
		t.Skip("the Dovecot test needs root to start Dovecot")
	}
	uid, _ := strconv.Atoi(mailUser.Uid)
	gid, _ := strconv.Atoi(mailUser.Gid)

	dir, err := os.MkdirTemp("", "ticketd-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mailDir := filepath.Join(dir, "mail")
	for _, d := range []string{mailDir, filepath.Join(dir, "run"), filepath.Join(dir, "state")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(mailDir, uid, gid); err != nil {
		t.Fatal(err)
	}
	port := mailtest.FreePort(t)
	d := &dovecot{addr: fmt.Sprintf("127.0.0.1:%d", port), user: "support", password: "dovecot-test-pw", logPath: filepath.Join(dir, "dovecot.log")}
	users := fmt.Sprintf("%s:{PLAIN}%s:%d:%d::%s/%s\n", d.user, d.password, uid, gid, mailDir, d.user)
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte(users), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[2]s
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/users
}
userdb {
  driver = passwd-file
  args = username_format=%%u %[1]s/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[3]d
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`, dir, d.logPath, port)
	confPath := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-F", "-c", confPath)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", d.addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			break
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(d.logPath)
			t.Fatalf("dovecot exited: %v\n%s\n%s", err, out.String(), log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(d.logPath)
			t.Fatalf("dovecot did not listen on %s: %s\n%s", d.addr, out.String(), log)
		}
	}
	return d
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
	r := newRig(t)
	r.cfg.IMAP.Address = dc.addr
	r.cfg.IMAP.Username = dc.user
	r.cfg.IMAP.Password = dc.password

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
	r := newRig(t)
	r.cfg.IMAP.Address = dc.addr
	r.cfg.IMAP.Username = dc.user
	r.cfg.IMAP.Password = dc.password
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
