package registration

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

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

// sentTo returns the emails the SMTP server took for addr, in order.
func sentTo(r *rig, addr string) []mailtest.Message {
	var out []mailtest.Message
	for _, m := range r.smtp.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
			}
		}
	}
	return out
}

// textOf returns an email's decoded text/plain part and its attachments' names.
func textOf(t *testing.T, m mailtest.Message) (text string, files []string) {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p.Body)
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				text = string(body)
			}
		case *mail.AttachmentHeader:
			name, _ := h.Filename()
			files = append(files, name)
		}
	}
	return text, files
}

// header returns one header of a sent email.
func header(t *testing.T, m mailtest.Message, name string) string {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	return mr.Header.Get(name)
}

// agentReply writes an agent's answer to notification n the way a mail
// client does (shape), from from.
func agentReply(t *testing.T, n mailtest.Message, from, shape, answer string) []byte {
	t.Helper()
	text, _ := textOf(t, n)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	id := header(t, n, "Message-Id")
	subject := header(t, n, "Subject")
	quoted := "> " + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n> ")
	head := fmt.Sprintf("Authentication-Results: mx.ticketd.example; dmarc=pass header.from=vendor.example\r\n"+
		"From: Luis Agent <%s>\r\nTo: %s\r\nSubject: Re: %s\r\nDate: Tue, 10 Nov 2026 09:00:00 +0000\r\n"+
		"Message-ID: <agent-%s-%d@vendor.example>\r\nIn-Reply-To: %s\r\nReferences: %s\r\nMIME-Version: 1.0\r\n",
		from, teamAddr, subject, shape, time.Now().UnixNano(), id, id)
	var body string
	switch shape {
	case "thunderbird":
		body = "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + answer + "\n\nOn 10/11/2026 08:55, Example Support wrote:\n" + quoted + "\n"
	case "outlook":
		body = "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + answer + "\n\n________________________________\nFrom: Example Support <support@ticketd.example>\nSent: Tuesday, November 10, 2026 8:55 AM\nTo: " + teamAddr + "\nSubject: " + subject + "\n\n" + text
	case "gmail":
		body = "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
			answer + "\n\nOn Tue, Nov 10, 2026 at 8:55 AM Example Support <support@ticketd.example> wrote:\n\n" + quoted + "\n\r\n--alt\r\n" +
			"Content-Type: text/html; charset=UTF-8\r\n\r\n<div dir=\"ltr\">" + strings.ReplaceAll(answer, "\n", "<br>") + "</div><br><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Tue, Nov 10, 2026 at 8:55 AM Example Support wrote:<br></div><blockquote class=\"gmail_quote\">" +
			strings.ReplaceAll(text, "\n", "<br>") + "</blockquote></div>\r\n--alt--\r\n"
	case "pasted":
		// The notification pasted under the answer with no quoting at all.
		body = "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + answer + "\n\n" + text
	case "attachment":
		body = "Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + answer + "\n\nOn 10/11/2026 08:55, Example Support wrote:\n" + quoted +
			"\n\r\n--mix\r\nContent-Type: text/plain; name=\"steps.txt\"\r\nContent-Disposition: attachment; filename=\"steps.txt\"\r\n\r\n1. Reload the depot.\r\n--mix--\r\n"
	default:
		t.Fatalf("unknown shape %q", shape)
	}
	return []byte(strings.ReplaceAll(strings.ReplaceAll(head+body, "\r\n", "\n"), "\n", "\r\n"))
}

// openTicket records the customer's first email and returns the team's notification.
func openTicket(t *testing.T, r *rig) mailtest.Message {
	t.Helper()
	r.step(conversation(t, "01-incident-no-screenshot.eml"))
	r.smtp.WaitFor(2, 5*time.Second)
	notes := sentTo(r, teamAddr)
	if len(notes) != 1 || len(sentTo(r, customer)) != 1 {
		t.Fatalf("after a new ticket: %d notifications, %d customer emails; want 1 and 1", len(notes), len(sentTo(r, customer)))
	}
	return notes[0]
}

func TestNotificationOfNewTicket(t *testing.T) {
	r := deskRig(t)
	n := openTicket(t, r)
	text, _ := textOf(t, n)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"SUP-000001", "New ticket", "Bob Stone <bob@acme.example>", "ERROR: window unavailable", receipt.InternalMarker + " Findings", "evidence"} {
		if !strings.Contains(flat, want) {
			t.Errorf("notification lacks %q:\n%s", want, text)
		}
	}
	if got := subjectOf(t, n); got != subjectOf(t, sentTo(r, customer)[0]) {
		t.Errorf("notification subject %q differs from the receipt's %q", got, subjectOf(t, sentTo(r, customer)[0]))
	}
	tk := r.ticket("SUP-000001")
	if id := header(t, n, "Message-Id"); !strings.Contains(id, tk.Token) {
		t.Errorf("notification Message-ID %s does not carry the ticket's token", id)
	}
	if refs := header(t, sentTo(r, customer)[0], "References"); strings.Contains(refs, tk.Token) {
		t.Errorf("the customer's receipt names a notification: %s", refs)
	}
	// The customer's follow-up notifies the team in the same thread.
	r.step(conversation(t, "02-reply-with-screenshot.eml"))
	notes := sentTo(r, teamAddr)
	if len(notes) != 2 {
		t.Fatalf("after the completing reply: %d notifications, want 2", len(notes))
	}
	second, _ := textOf(t, notes[1])
	if !strings.Contains(second, "SLA has started") || header(t, notes[1], "In-Reply-To") != header(t, n, "Message-Id") {
		t.Errorf("completion notification: In-Reply-To %s (want %s), text:\n%s", header(t, notes[1], "In-Reply-To"), header(t, n, "Message-Id"), second)
	}
	if _, files := textOf(t, notes[1]); len(files) != 1 {
		t.Errorf("the completing reply's screenshot is not carried: %q", files)
	}
	if refs := header(t, sentTo(r, customer)[1], "References"); strings.Contains(refs, tk.Token) {
		t.Errorf("the customer's confirmation names a notification: %s", refs)
	}
}

func TestAgentAnswerRelayedInTheCustomersThread(t *testing.T) {
	for _, shape := range []string{"thunderbird", "outlook", "gmail", "attachment"} {
		t.Run(shape, func(t *testing.T) {
			r := deskRig(t)
			n := openTicket(t, r)
			answer := "Hello Bob,\nthe Alicante depot's time windows are fixed; the next ETA emails are right.\nLuis"
			r.step(agentReply(t, n, agentAddr, shape, answer))
			got := sentTo(r, customer)
			if len(got) != 2 {
				t.Fatalf("customer emails: %d, want the receipt and the answer", len(got))
			}
			reply := got[1]
			text, files := textOf(t, reply)
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
			if from := header(t, reply, "From"); !strings.Contains(from, "support@ticketd.example") || strings.Contains(from, agentAddr) {
				t.Errorf("relayed From %q: want the support address, never the agent's", from)
			}
			if s := subjectOf(t, reply); s != subjectOf(t, got[0]) {
				t.Errorf("relayed subject %q, want the receipt's %q", s, subjectOf(t, got[0]))
			}
			receiptID := header(t, got[0], "Message-Id")
			refs := header(t, reply, "References")
			if header(t, reply, "In-Reply-To") != "<conv-eta-original@acme.example>" || !strings.Contains(refs, receiptID) || strings.Contains(refs, tk.Token) {
				t.Errorf("relayed threading: In-Reply-To %s, References %s", header(t, reply, "In-Reply-To"), refs)
			}
			if header(t, reply, "Auto-Submitted") != "" {
				t.Errorf("a person's answer carries Auto-Submitted: %s", header(t, reply, "Auto-Submitted"))
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
	r.step(agentReply(t, n, agentAddr, "pasted", "We are on it."))
	if got := sentTo(r, customer); len(got) != 1 {
		t.Fatalf("customer emails: %d, want only the receipt", len(got))
	}
	refusals := sentTo(r, agentAddr)
	if len(refusals) != 1 {
		t.Fatalf("agent emails: %d, want one refusal", len(refusals))
	}
	if text, _ := textOf(t, refusals[0]); !strings.Contains(text, "NOT sent to the customer") {
		t.Errorf("refusal:\n%s", text)
	}
	if tk := r.ticket("SUP-000001"); len(tk.Conversation) != 0 {
		t.Errorf("a refused answer is recorded as sent: %+v", tk.Conversation)
	}
}

func TestAgentCommands(t *testing.T) {
	r := deskRig(t)
	n := openTicket(t, r)
	r.step(agentReply(t, n, agentAddr, "thunderbird", "#note\nChecked the depot's feed: the window service times out."))
	if got := sentTo(r, customer); len(got) != 1 {
		t.Fatalf("a note reached the customer: %d customer emails", len(got))
	}
	notes := sentTo(r, teamAddr)
	if text, _ := textOf(t, notes[len(notes)-1]); !strings.Contains(text, "Internal note") || !strings.Contains(text, "window service times out") {
		t.Errorf("the team's note notification:\n%s", text)
	}
	r.step(agentReply(t, n, agentAddr, "outlook", "#close"))
	tk := r.ticket("SUP-000001")
	if tk.Status != store.StatusClosed || len(tk.Conversation) != 2 || tk.Conversation[0].Kind != store.EntryNote || tk.Conversation[1].Agent != agentAddr {
		t.Fatalf("after #note and #close: status %s, conversation %+v", tk.Status, tk.Conversation)
	}
	got := sentTo(r, customer)
	if len(got) != 2 {
		t.Fatalf("customer emails: %d, want the receipt and the closing email", len(got))
	}
	if text, _ := textOf(t, got[1]); !strings.Contains(text, "SUP-000001 is now closed") {
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
			raw := tt.mutate(agentReply(t, n, agentAddr, "thunderbird", "Your data is deleted, click http://evil.example"), r.ticket("SUP-000001"))
			r.step(raw)
			for _, m := range sentTo(r, customer)[1:] {
				text, _ := textOf(t, m)
				t.Errorf("forged agent mail reached the customer:\n%s", text)
			}
			if tk := r.ticket("SUP-000001"); len(tk.Conversation) != 0 || tk.Status == store.StatusClosed {
				t.Errorf("forged agent mail changed the ticket: %+v", tk.Conversation)
			}
		})
	}
}
