package daemon

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/internal/password"
)

// TestConsoleServedByDaemon: with console.listen set, the daemon serves
// the console; desk.agents are users; a signed-in agent's open event
// stream hears of a new ticket within 2 s, and the queue then lists it.
func TestConsoleServedByDaemon(t *testing.T) {
	r := newRig(t)
	r.cfg.Console.Listen = fmt.Sprintf("127.0.0.1:%d", mailtest.FreePort(t))
	r.cfg.Desk.Agents = []config.Agent{{Email: "luis@vendor.example", Name: "Luis Agent"}}
	d, _ := r.start()
	hash, err := password.Hash("agent-password-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.db.SetPassword("luis", hash, time.Now()); err != nil {
		t.Fatalf("desk.agents did not become the user luis: %v", err)
	}
	base := "http://" + r.cfg.Console.Listen
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	waitUntil(t, 10*time.Second, "console listening", func() bool {
		resp, err := c.Get(base + "/login")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	resp, err := c.PostForm(base+"/login", url.Values{"name": {"luis"}, "password": {"agent-password-1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/" {
		t.Fatalf("login ended at %s", resp.Request.URL)
	}
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
	resp, err = c.Get(base + "/queue/open")
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
	r := newRig(t)
	r.cfg.Console.Listen = fmt.Sprintf("127.0.0.1:%d", mailtest.FreePort(t))
	r.cfg.Desk.Agents = []config.Agent{{Email: "luis@vendor.example", Name: "Luis Agent"}}
	d, _ := r.start()
	hash, err := password.Hash("agent-password-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.db.SetPassword("luis", hash, time.Now()); err != nil {
		t.Fatal(err)
	}
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.smtp.WaitFor(1, 10*time.Second) // the receipt
	base := "http://" + r.cfg.Console.Listen
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.PostForm(base+"/login", url.Values{"name": {"luis"}, "password": {"agent-password-1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.PostForm(base+"/tickets/SUP-000001/answer", url.Values{"words": {"Fixed: a stop had no coordinates."}})
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
