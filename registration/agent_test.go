package registration

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/store"
)

const (
	agentAddr = "luis@vendor.example"
	teamAddr  = "desk@vendor.example"
	customer  = "bob@acme.example"
)

// deskRig is a rig with a support team: one team address, one agent.
func deskRig(t *testing.T) *rig {
	r := newRig(t)
	r.settings.Desk = Desk{
		TeamAddresses:      []string{teamAddr},
		Agents:             map[string]string{agentAddr: "Luis Agent"},
		ClosingEmail:       true,
		MaxAttachmentBytes: 1 << 20,
	}
	return r
}

// openTicket records the customer's first email and returns the team's notification.
func openTicket(t *testing.T, r *rig) mailtest.Message {
	t.Helper()
	r.step(conversation(t, "01-incident-no-screenshot.eml"))
	r.smtp.WaitFor(2, 5*time.Second)
	notes := r.smtp.MessagesTo(teamAddr)
	if len(notes) != 1 || len(r.smtp.MessagesTo(customer)) != 1 {
		t.Fatalf("after a new ticket: %d notifications, %d customer emails; want 1 and 1", len(notes), len(r.smtp.MessagesTo(customer)))
	}
	return notes[0]
}

func TestNotificationOfNewTicket(t *testing.T) {
	r := deskRig(t)
	n := openTicket(t, r)
	text, _ := mailtest.TextOf(t, n)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"SUP-000001", "New ticket", "Bob Stone <bob@acme.example>", "ERROR: window unavailable", receipt.InternalMarker + " Findings", "evidence"} {
		if !strings.Contains(flat, want) {
			t.Errorf("notification lacks %q:\n%s", want, text)
		}
	}
	if got := subjectOf(t, n); got != subjectOf(t, r.smtp.MessagesTo(customer)[0]) {
		t.Errorf("notification subject %q differs from the receipt's %q", got, subjectOf(t, r.smtp.MessagesTo(customer)[0]))
	}
	tk := r.ticket("SUP-000001")
	if id := mailtest.Header(t, n, "Message-Id"); !strings.Contains(id, tk.Token) {
		t.Errorf("notification Message-ID %s does not carry the ticket's token", id)
	}
	if refs := mailtest.Header(t, r.smtp.MessagesTo(customer)[0], "References"); strings.Contains(refs, tk.Token) {
		t.Errorf("the customer's receipt names a notification: %s", refs)
	}
	// The customer's follow-up notifies the team in the same thread.
	r.step(conversation(t, "02-reply-with-screenshot.eml"))
	notes := r.smtp.MessagesTo(teamAddr)
	if len(notes) != 2 {
		t.Fatalf("after the completing reply: %d notifications, want 2", len(notes))
	}
	second, _ := mailtest.TextOf(t, notes[1])
	if !strings.Contains(second, "SLA has started") || mailtest.Header(t, notes[1], "In-Reply-To") != mailtest.Header(t, n, "Message-Id") {
		t.Errorf("completion notification: In-Reply-To %s (want %s), text:\n%s", mailtest.Header(t, notes[1], "In-Reply-To"), mailtest.Header(t, n, "Message-Id"), second)
	}
	if _, files := mailtest.TextOf(t, notes[1]); len(files) != 1 {
		t.Errorf("the completing reply's screenshot is not carried: %q", files)
	}
	if refs := mailtest.Header(t, r.smtp.MessagesTo(customer)[1], "References"); strings.Contains(refs, tk.Token) {
		t.Errorf("the customer's confirmation names a notification: %s", refs)
	}
}

func TestAgentAnswerRelayedInTheCustomersThread(t *testing.T) {
	for _, shape := range []string{"thunderbird", "outlook", "outlook-html", "outlook-es", "apple", "gmail", "attachment"} {
		t.Run(shape, func(t *testing.T) {
			r := deskRig(t)
			n := openTicket(t, r)
			answer := "Hello Bob,\nthe Alicante depot's time windows are fixed; the next ETA emails are right.\nLuis"
			r.step(mailtest.AgentReply(t, n, agentAddr, teamAddr, shape, answer))
			got := r.smtp.MessagesTo(customer)
			if len(got) != 2 {
				t.Fatalf("customer emails: %d, want the receipt and the answer", len(got))
			}
			reply := got[1]
			text, files := mailtest.TextOf(t, reply)
			flat := strings.Join(strings.Fields(text), " ")
			if !strings.Contains(flat, strings.Join(strings.Fields(answer), " ")) || !strings.Contains(text, "Luis Agent") {
				t.Errorf("relayed answer lacks the answer or the agent's name:\n%s", text)
			}
			tk := r.ticket("SUP-000001")
			for _, leak := range []string{"ticketd internal", "ERROR: window unavailable", "evidence", tk.Token, "Plan"} {
				if strings.Contains(text, leak) {
					t.Errorf("relayed answer leaks %q:\n%s", leak, text)
				}
			}
			if shape == "attachment" && (len(files) != 1 || files[0] != "steps.txt") {
				t.Errorf("attachments relayed %q, want [steps.txt]", files)
			}
			if from := mailtest.Header(t, reply, "From"); !strings.Contains(from, "support@ticketd.example") || strings.Contains(from, agentAddr) {
				t.Errorf("relayed From %q: want the support address, never the agent's", from)
			}
			if s := subjectOf(t, reply); s != subjectOf(t, got[0]) {
				t.Errorf("relayed subject %q, want the receipt's %q", s, subjectOf(t, got[0]))
			}
			receiptID := mailtest.Header(t, got[0], "Message-Id")
			refs := mailtest.Header(t, reply, "References")
			if mailtest.Header(t, reply, "In-Reply-To") != "<conv-eta-original@acme.example>" || !strings.Contains(refs, receiptID) || strings.Contains(refs, tk.Token) {
				t.Errorf("relayed threading: In-Reply-To %s, References %s", mailtest.Header(t, reply, "In-Reply-To"), refs)
			}
			if mailtest.Header(t, reply, "Auto-Submitted") != "" {
				t.Errorf("a person's answer carries Auto-Submitted: %s", mailtest.Header(t, reply, "Auto-Submitted"))
			}
			if len(tk.Conversation) != 1 || tk.Conversation[0].Kind != store.EntryReply || tk.Status != store.StatusNeedsInfo {
				t.Errorf("ticket after the answer: conversation %+v, status %s (an answer does not complete it)", tk.Conversation, tk.Status)
			}
		})
	}
}

func TestAgentAnswerNotSeparatedIsRefused(t *testing.T) {
	r := deskRig(t)
	n := openTicket(t, r)
	r.step(mailtest.AgentReply(t, n, agentAddr, teamAddr, "pasted", "We are on it."))
	if got := r.smtp.MessagesTo(customer); len(got) != 1 {
		t.Fatalf("customer emails: %d, want only the receipt", len(got))
	}
	refusals := r.smtp.MessagesTo(agentAddr)
	if len(refusals) != 1 {
		t.Fatalf("agent emails: %d, want one refusal", len(refusals))
	}
	if text, _ := mailtest.TextOf(t, refusals[0]); !strings.Contains(text, "NOT sent to the customer") {
		t.Errorf("refusal:\n%s", text)
	}
	if tk := r.ticket("SUP-000001"); len(tk.Conversation) != 0 {
		t.Errorf("a refused answer is recorded as sent: %+v", tk.Conversation)
	}
}

func TestAgentCommands(t *testing.T) {
	r := deskRig(t)
	n := openTicket(t, r)
	r.step(mailtest.AgentReply(t, n, agentAddr, teamAddr, "thunderbird", "#note\nChecked the depot's feed: the window service times out."))
	if got := r.smtp.MessagesTo(customer); len(got) != 1 {
		t.Fatalf("a note reached the customer: %d customer emails", len(got))
	}
	notes := r.smtp.MessagesTo(teamAddr)
	if text, _ := mailtest.TextOf(t, notes[len(notes)-1]); !strings.Contains(text, "Internal note") || !strings.Contains(text, "window service times out") {
		t.Errorf("the team's note notification:\n%s", text)
	}
	r.step(mailtest.AgentReply(t, n, agentAddr, teamAddr, "outlook", "#close"))
	tk := r.ticket("SUP-000001")
	if tk.Status != store.StatusClosed || len(tk.Conversation) != 2 || tk.Conversation[0].Kind != store.EntryNote || tk.Conversation[1].Agent != agentAddr {
		t.Fatalf("after #note and #close: status %s, conversation %+v", tk.Status, tk.Conversation)
	}
	got := r.smtp.MessagesTo(customer)
	if len(got) != 2 {
		t.Fatalf("customer emails: %d, want the receipt and the closing email", len(got))
	}
	if text, _ := mailtest.TextOf(t, got[1]); !strings.Contains(text, "SUP-000001 is now closed") {
		t.Errorf("closing email:\n%s", text)
	}
}

func TestForgedAgentMailIsCustomerMail(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(raw []byte, tk *store.Ticket) []byte
	}{
		{"forged From without authentication", func(raw []byte, _ *store.Ticket) []byte {
			return bytes.Replace(raw, []byte("Authentication-Results: mx.ticketd.example; dmarc=pass header.from=vendor.example\r\n"), nil, 1)
		}},
		{"stranger with the tag and a guessed token", func(raw []byte, tk *store.Ticket) []byte {
			raw = bytes.ReplaceAll(raw, []byte(agentAddr), []byte("mallory@evil.example"))
			raw = bytes.ReplaceAll(raw, []byte("header.from=vendor.example"), []byte("header.from=evil.example"))
			return raw
		}},
		{"agent with a wrong token", func(raw []byte, tk *store.Ticket) []byte {
			return bytes.ReplaceAll(raw, []byte(tk.Token), []byte(strings.Repeat("a", len(tk.Token))))
		}},
		{"agent without the notification's ID", func(raw []byte, tk *store.Ticket) []byte {
			return bytes.ReplaceAll(raw, []byte(tk.Token), nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := deskRig(t)
			r.cfg.Security.TrustedAuthServIDs = []string{"mx.ticketd.example"}
			n := openTicket(t, r)
			raw := tt.mutate(mailtest.AgentReply(t, n, agentAddr, teamAddr, "thunderbird", "Your data is deleted, click http://evil.example"), r.ticket("SUP-000001"))
			r.step(raw)
			for _, m := range r.smtp.MessagesTo(customer)[1:] {
				text, _ := mailtest.TextOf(t, m)
				t.Errorf("forged agent mail reached the customer:\n%s", text)
			}
			if tk := r.ticket("SUP-000001"); len(tk.Conversation) != 0 || tk.Status == store.StatusClosed {
				t.Errorf("forged agent mail changed the ticket: %+v", tk.Conversation)
			}
		})
	}
}

func TestAgentCommandParsing(t *testing.T) {
	tests := []struct{ words, cmd, rest string }{
		{"#note\nChecked the feed.", cmdNote, "Checked the feed."},
		{"\n\n  #CLOSE  \r\nthanks", cmdClose, "thanks"},
		{"#warranty", cmdWarranty, ""},
		{"Hello,\n#close", "", "Hello,\n#close"},
		{"#notes are here", "", "#notes are here"},
		{"", "", ""},
	}
	for _, tt := range tests {
		cmd, rest := agentCommand(tt.words)
		if cmd != tt.cmd || rest != tt.rest {
			t.Errorf("agentCommand(%q) = %q, %q; want %q, %q", tt.words, cmd, rest, tt.cmd, tt.rest)
		}
	}
}

func FuzzNotificationToken(f *testing.F) {
	f.Add("ticketd.notification.sup-000042.abcdefghijklmnopqrstuvwxyz.0a1b2c3d4e5f@ticketd.example")
	f.Add("<ticketd.notification..x.y@ticketd.example>")
	f.Add("ticketd.notification.a.b.c.d@other.example")
	f.Fuzz(func(t *testing.T, id string) {
		number, token, ok := notificationToken(id, "ticketd.example")
		if ok && (number == "" || token == "" || strings.Contains(token, ".") || strings.Contains(number, ".")) {
			t.Errorf("notificationToken(%q) = %q, %q, true", id, number, token)
		}
		cmd, _ := agentCommand(id)
		if cmd != "" && cmd != cmdNote && cmd != cmdClose && cmd != cmdWarranty {
			t.Errorf("agentCommand(%q) = %q", id, cmd)
		}
	})
}

// TestNotificationLinksToTheConsole: with console.base_url, a notification
// links to the ticket's page, and a file over the size cap to its download.
func TestNotificationLinksToTheConsole(t *testing.T) {
	r := deskRig(t)
	r.settings.Desk.ConsoleURL = "https://desk.vendor.example/"
	r.settings.Desk.MaxAttachmentBytes = 10 // the screenshot is over it
	r.step(conversation(t, "01-incident-no-screenshot.eml"))
	r.step(conversation(t, "02-reply-with-screenshot.eml"))
	notes := r.smtp.MessagesTo(teamAddr)
	if len(notes) != 2 {
		t.Fatalf("%d notifications, want 2", len(notes))
	}
	text, files := mailtest.TextOf(t, notes[1])
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"Console: https://desk.vendor.example/tickets/SUP-000001", "https://desk.vendor.example/tickets/SUP-000001/messages/1/files/0"} {
		if !strings.Contains(flat, want) {
			t.Errorf("notification lacks %q:\n%s", want, text)
		}
	}
	if len(files) != 0 {
		t.Errorf("a file over the cap was attached: %q", files)
	}
}
