package daemon

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/internal/password"
	"github.com/ticketd/ticketd/store"
)

// TestConsoleServedByDaemon: with console.listen set, the daemon serves
// the console; desk.agents are users; a signed-in agent's open event
// stream hears of a new ticket within 2 s, and the queue then lists it.
func TestConsoleServedByDaemon(t *testing.T) {
	r := newConsoleRig(t)
	base := r.base
	c := r.httpLogin(t, "luis", browserAgentPassword)
	events, err := c.Get(base + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer events.Body.Close()
	changed := make(chan struct{}, 1)
	go func() {
		sc := bufio.NewScanner(events.Body)
		for sc.Scan() {
			if sc.Text() == "event: changed" {
				changed <- struct{}{}
				return
			}
		}
	}()
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	select {
	case <-changed:
	case <-time.After(2 * time.Second):
		t.Fatal("no change event within 2 s of a new ticket")
	}
	resp, err := c.Get(base + "/queue/open")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "SUP-000001") {
		t.Errorf("the open queue does not list the new ticket:\n%s", body)
	}
}

// TestConsoleAnswerSentAtOnce: an answer given in the console wakes the
// outbox, so the customer gets it at once, not at the outbox's next
// timer (a minute when nothing else is due).
func TestConsoleAnswerSentAtOnce(t *testing.T) {
	r := newConsoleRig(t)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.smtp.WaitFor(1, 10*time.Second) // the receipt
	c := r.httpLogin(t, "luis", browserAgentPassword)
	resp, err := c.PostForm(r.base+"/tickets/SUP-000001/answer", url.Values{"words": {"Fixed: a stop had no coordinates."}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Query().Get("done") != "answer" {
		t.Fatalf("answer ended at %s", resp.Request.URL)
	}
	msgs := r.smtp.WaitFor(2, 2*time.Second)
	if text, _ := mailtest.TextOf(t, msgs[1]); !strings.Contains(text, "a stop had no coordinates") {
		t.Errorf("the second email is not the answer:\n%s", text)
	}
}

// consoleRig is a running daemon serving the console on loopback, with
// the lead lena and the agent luis (from desk.agents) able to sign in.
type consoleRig struct {
	*rig
	d    *Daemon
	base string
}

const (
	browserLeadPassword  = "lead-password-1"
	browserAgentPassword = "agent-password-1"
)

func newConsoleRig(t *testing.T) *consoleRig {
	t.Helper()
	r := newRig(t)
	r.cfg.Console.Listen = fmt.Sprintf("127.0.0.1:%d", mailtest.FreePort(t))
	r.cfg.Desk.Agents = []config.Agent{{Email: "luis@vendor.example", Name: "Luis Navarro"}}
	d, _ := r.start()
	leadHash, agentHash := browserHashes()
	now := time.Now()
	if err := d.db.AddUser(store.User{Name: "lena", Email: "lena@vendor.example", Role: store.RoleLead, PasswordHash: leadHash}, now); err != nil {
		t.Fatal(err)
	}
	if err := d.db.SetPassword("luis", agentHash, now); err != nil {
		t.Fatalf("desk.agents did not become the user luis: %v", err)
	}
	base := "http://" + r.cfg.Console.Listen
	// Run starts the console in its own goroutine: wait until it answers.
	waitUntil(t, 10*time.Second, "console listening", func() bool {
		resp, err := http.Get(base + "/login")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return &consoleRig{rig: r, d: d, base: base}
}

// browserHashes are the hashes of the lead's and the agent's passwords,
// made once: argon2id takes a while, more so under the race detector.
var browserHashes = sync.OnceValues(func() (lead, agent string) {
	lead, err1 := password.Hash(browserLeadPassword)
	agent, err2 := password.Hash(browserAgentPassword)
	if err := errors.Join(err1, err2); err != nil {
		panic(err)
	}
	return lead, agent
})

// httpLogin signs a cookie-keeping HTTP client in to the console as name.
func (r *consoleRig) httpLogin(t *testing.T, name, pw string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.PostForm(r.base+"/login", url.Values{"name": {name}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/" {
		t.Fatalf("login as %s ended at %s", name, resp.Request.URL)
	}
	return c
}
