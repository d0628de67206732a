package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/ticketd/ticketd/internal/mailtest"
)

const (
	deskTeam    = "desk@vendor.example"
	deskAgent   = "luis@vendor.example"
	deskSecret  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="
	deskSupport = "support@ticketd.example"
)

// deskValues configure a team, one agent and one webhook endpoint at url.
func deskValues(url string) mailtest.ConfigValues {
	return mailtest.ConfigValues{
		TeamAddresses: "[" + deskTeam + "]",
		Agents:        "[{email: " + deskAgent + ", name: Luis Agent}]",
		Webhooks:      `[{name: crm, url: "` + url + `/hook", secret: "` + deskSecret + `", allow_private: true}]`,
	}
}

// waitSentTo waits until addr has n emails.
func waitSentTo(t *testing.T, r *rig, addr string, n int) []mailtest.Message {
	t.Helper()
	mailtest.WaitUntil(t, 20*time.Second, "emails to "+addr, func() bool { return len(r.smtp.MessagesTo(addr)) >= n })
	return r.smtp.MessagesTo(addr)
}

// TestTeamWorksFromItsMailClient runs the daemon with a support team: a
// customer's email gives a receipt and a notification; the agent's answer
// to the notification reaches the customer in their thread from the
// support address; a #note reaches only the team; a stranger who copies
// the ticket tag reaches nobody; tickets show prints the whole
// conversation; and the webhook endpoint, which fails its first request,
// gets every event once, signed as the Standard Webhooks library expects.
func TestTeamWorksFromItsMailClient(t *testing.T) {
	hooks := mailtest.StartHookReceiver(t, 1, false)
	r := newRigWith(t, deskValues(hooks.URL))
	r.start()

	r.imap.Append("INBOX", mailtest.ReadTestdata(t, "conversations", "01-incident-no-screenshot.eml"))
	note := waitSentTo(t, r, deskTeam, 1)[0]
	receiptMail := waitSentTo(t, r, "bob@acme.example", 1)[0]

	answer := "Hello Bob,\nthe Alicante depot is fixed.\nLuis"
	r.imap.Append("INBOX", mailtest.AgentReply(t, note, deskAgent, deskSupport, "thunderbird", answer))
	relayed := waitSentTo(t, r, "bob@acme.example", 2)[1]
	text, _ := mailtest.TextOf(t, relayed)
	if !strings.Contains(text, "the Alicante depot is fixed.") || strings.Contains(text, "ticketd internal") {
		t.Errorf("relayed answer:\n%s", text)
	}
	if got, want := mailtest.Header(t, relayed, "Subject"), mailtest.Header(t, receiptMail, "Subject"); got != want {
		t.Errorf("relayed subject %q, receipt's %q", got, want)
	}
	if refs := mailtest.Header(t, relayed, "References"); !strings.Contains(refs, mailtest.Header(t, receiptMail, "Message-Id")) {
		t.Errorf("relayed References %q lack the receipt", refs)
	}

	r.imap.Append("INBOX", mailtest.AgentReply(t, note, deskAgent, deskSupport, "outlook", "#note\nThe depot's feed timed out."))
	waitSentTo(t, r, deskTeam, 3) // the answer's and the note's notifications

	stranger := mailtest.AgentReply(t, note, "mallory@evil.example", deskSupport, "thunderbird", "Your account is closed: log in at http://evil.example")
	stranger = bytes.ReplaceAll(stranger, []byte("header.from=vendor.example"), []byte("header.from=evil.example"))
	r.imap.Append("INBOX", stranger)
	mailtest.WaitUntil(t, 20*time.Second, "the stranger's mail filed", func() bool { return r.imap.Count("INBOX") == 0 })

	out, errOut, code := r.runCLI("tickets", "show", "1")
	for _, want := range []string{"Answer to the customer by Luis Agent <" + deskAgent + ">", "| the Alicante depot is fixed.", "Internal note (not sent to the customer)", "| The depot's feed timed out."} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("tickets show (exit %d) lacks %q:\n%s%s", code, want, out, errOut)
		}
	}

	got := hooks.WaitDelivered(t, 4, 30*time.Second) // created, agent_replied, note_added, and the stranger's message.rejected
	verifier, err := standardwebhooks.NewWebhook(deskSecret)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{} // webhook-id → type
	for _, req := range got {
		if err := verifier.Verify(req.Body, req.Header); err != nil {
			t.Errorf("delivery %s: signature: %v", req.Header.Get("webhook-id"), err)
		}
		var ev struct{ Type string }
		if err := json.Unmarshal(req.Body, &ev); err != nil {
			t.Fatal(err)
		}
		id := req.Header.Get("webhook-id")
		if _, dup := types[id]; dup {
			t.Errorf("event %s delivered twice", id)
		}
		types[id] = ev.Type
	}
	failed := hooks.Requests()[0]
	if failed.Status != http.StatusInternalServerError || types[failed.Header.Get("webhook-id")] == "" {
		t.Errorf("the failed first request (%d, id %s) was not delivered again with the same id: %v", failed.Status, failed.Header.Get("webhook-id"), types)
	}
	var seen []string
	for _, typ := range types {
		seen = append(seen, typ)
	}
	for _, want := range []string{"ticket.created", "ticket.agent_replied", "ticket.note_added", "message.rejected"} {
		if !strings.Contains(strings.Join(seen, ","), want) {
			t.Errorf("events delivered %v lack %s", seen, want)
		}
	}
	for _, m := range r.smtp.MessagesTo("bob@acme.example")[2:] {
		text, _ := mailtest.TextOf(t, m)
		t.Errorf("an email beyond the receipt and the answer reached the customer:\n%s", text)
	}
}
