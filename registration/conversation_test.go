package registration

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/store"
)

func TestConversationNeedsInfoCompletedByReply(t *testing.T) {
	for _, reply := range []string{"02-reply-with-screenshot.eml", "02-reply-lost-tag.eml"} {
		t.Run(reply, func(t *testing.T) {
			r := newRig(t)
			r.step(conversation(t, "01-incident-no-screenshot.eml"))
			tk := r.ticket("SUP-000001")
			if tk.Status != store.StatusNeedsInfo || !tk.SLAStartedAt.IsZero() {
				t.Fatalf("original: status %s, SLA %v; want needs_info without SLA", tk.Status, tk.SLAStartedAt)
			}
			r.smtp.WaitFor(1, 5*time.Second)

			before := time.Now()
			r.step(conversation(t, reply))
			tk = r.ticket("SUP-000001")
			if tk.Status != store.StatusOpen {
				t.Fatalf("after the reply the ticket is %s, want open; findings %+v", tk.Status, tk.Findings)
			}
			if tk.SLAStartedAt.Before(before.Add(-time.Second)) {
				t.Errorf("SLA started at %v, before the completing reply (%v)", tk.SLAStartedAt, before)
			}
			if len(tk.Messages) != 2 || len(tk.Findings) != 0 {
				t.Errorf("ticket: %d messages, findings %+v", len(tk.Messages), tk.Findings)
			}
			if n := len(r.tickets()); n != 1 {
				t.Errorf("the reply created a ticket: %d tickets", n)
			}
			msgs := r.smtp.WaitFor(2, 5*time.Second)
			confirmation := msgs[1]
			if !strings.HasPrefix(subjectOf(t, confirmation), "[SUP-000001]") {
				t.Errorf("confirmation subject %q", subjectOf(t, confirmation))
			}
			if !bytes.Contains(confirmation.Data, []byte("conv-eta-")) {
				t.Error("confirmation is not threaded to the reply")
			}
			ledger, err := r.openStore().Ledger("acme")
			if err != nil || len(ledger) != 1 || ledger[0].Used != 1 {
				t.Errorf("a follow-up must not deduct: %+v, %v", ledger, err)
			}
		})
	}
}

func TestConversationStillMissing(t *testing.T) {
	r := newRig(t)
	r.step(conversation(t, "01-incident-no-screenshot.eml"))
	r.step(conversation(t, "02-reply-still-missing.eml"))
	tk := r.ticket("SUP-000001")
	if tk.Status != store.StatusNeedsInfo || !tk.SLAStartedAt.IsZero() {
		t.Fatalf("status %s, SLA %v", tk.Status, tk.SLAStartedAt)
	}
	msgs := r.smtp.WaitFor(2, 5*time.Second)
	body := string(msgs[1].Data)
	if !strings.Contains(body, "screenshot") {
		t.Errorf("the still-missing reply does not name the missing screenshot:\n%s", body)
	}
	// Completed later by the screenshot.
	r.step(conversation(t, "02-reply-with-screenshot.eml"))
	if tk := r.ticket("SUP-000001"); tk.Status != store.StatusOpen || len(tk.Messages) != 3 {
		t.Errorf("status %s with %d messages", tk.Status, len(tk.Messages))
	}
}

func TestConversationOutsidersDoNotJoin(t *testing.T) {
	t.Run("stranger", func(t *testing.T) {
		r := newRig(t)
		r.step(conversation(t, "01-incident-no-screenshot.eml"))
		r.step(conversation(t, "02-stranger-with-tag.eml"))
		if tk := r.ticket("SUP-000001"); len(tk.Messages) != 1 {
			t.Fatalf("a stranger's message joined the ticket: %d messages", len(tk.Messages))
		}
		msgs := r.smtp.WaitFor(2, 5*time.Second)
		if msgs[1].To[0] != "mallory@gmail.example" || !bytes.Contains(msgs[1].Data, []byte("authorized")) {
			t.Errorf("the stranger should get a rejection, got to %v:\n%s", msgs[1].To, msgs[1].Data)
		}
		away, err := r.openStore().TurnedAway(time.Time{})
		if err != nil || len(away) != 1 {
			t.Errorf("turned-away records %d, %v", len(away), err)
		}
	})
	t.Run("contact of another organization", func(t *testing.T) {
		r := newRig(t)
		r.step(conversation(t, "01-incident-no-screenshot.eml"))
		r.step(conversation(t, "02-other-organization-with-tag.eml"))
		if tk := r.ticket("SUP-000001"); len(tk.Messages) != 1 || tk.Status != store.StatusNeedsInfo {
			t.Fatalf("another organization's message changed the ticket: %d messages, %s", len(tk.Messages), tk.Status)
		}
		other := r.ticket("SUP-000002")
		if other.Organization != "globex" || other.Sender != "carmen@globex.example" {
			t.Errorf("the message should be a new globex ticket: %+v", other)
		}
	})
}

func TestConversationOpenTicketAcknowledgedOncePerHour(t *testing.T) {
	r := newRig(t)
	r.step(conversation(t, "01-incident-no-screenshot.eml"))
	r.step(conversation(t, "02-reply-with-screenshot.eml"))
	r.smtp.WaitFor(2, 5*time.Second)
	r.step(conversation(t, "03-thanks.eml"))
	r.step(conversation(t, "04-more-thanks.eml"))
	msgs := r.smtp.WaitFor(3, 5*time.Second)
	if len(msgs) != 3 {
		t.Errorf("%d emails; two follow-ups within an hour must get one acknowledgement", len(msgs))
	}
	tk := r.ticket("SUP-000001")
	if len(tk.Messages) != 4 || tk.Status != store.StatusOpen {
		t.Errorf("%d messages, status %s", len(tk.Messages), tk.Status)
	}
}

// TestConversationJoinsThroughReceiptID: a reply whose only link is the
// receipt's own Message-ID (the customer answered ticketd's email, the
// subject lost its tag, References were stripped) joins the ticket.
func TestConversationJoinsThroughReceiptID(t *testing.T) {
	r := newRig(t)
	r.step(conversation(t, "01-incident-no-screenshot.eml"))
	receipt := r.smtp.WaitFor(1, 5*time.Second)[0]
	receiptID, err := parseSent(t, receipt).Header.MessageID()
	if err != nil || receiptID == "" {
		t.Fatalf("receipt Message-ID: %q, %v", receiptID, err)
	}
	reply := string(conversation(t, "02-reply-lost-tag.eml"))
	reply = strings.Replace(reply, "In-Reply-To: <conv-eta-original@acme.example>", "In-Reply-To: <"+receiptID+">", 1)
	reply = strings.Replace(reply, "References: <conv-eta-original@acme.example>\r\n", "", 1)
	if strings.Contains(reply, "conv-eta-original") {
		t.Fatal("the reply still names the original message")
	}
	r.step([]byte(reply))
	if tk := r.ticket("SUP-000001"); len(tk.Messages) != 2 || tk.Status != store.StatusOpen {
		t.Errorf("the reply to the receipt did not join: %d messages, %s", len(tk.Messages), tk.Status)
	}
}

// TestReplyToRejectionIsJudgedAsNew: a stranger answering the rejection is
// judged as a new message (rejected again), never joined to anything.
func TestReplyToRejectionIsJudgedAsNew(t *testing.T) {
	r := newRig(t)
	r.step(fixture(t, "rejected-en-stranger.eml"))
	rejection := r.smtp.WaitFor(1, 5*time.Second)[0]
	rejectionID, _ := parseSent(t, rejection).Header.MessageID()
	reply := withMessageID(fixture(t, "rejected-en-stranger.eml"), "<reply-to-rejection@gmail.example>")
	reply = []byte(strings.Replace(string(reply), "Subject:", "In-Reply-To: <"+rejectionID+">\r\nSubject:", 1))
	r.step(reply)
	msgs := r.smtp.WaitFor(2, 5*time.Second)
	if !bytes.Contains(msgs[1].Data, []byte("authorized")) {
		t.Errorf("the reply should be rejected again:\n%s", msgs[1].Data)
	}
	if n := len(r.tickets()); n != 0 {
		t.Errorf("%d tickets from a stranger", n)
	}
	away, err := r.openStore().TurnedAway(time.Time{})
	if err != nil || len(away) != 2 {
		t.Errorf("want both messages recorded as turned away: %d, %v", len(away), err)
	}
}

// TestConversationThreadingKeepsOneSubject: the customer's client and
// gateway decorate the reply's subject ("SV: [EXTERNAL] Re: [SUP-000001]
// ...") and keep only part of the chain in References; the confirmation
// still carries the receipt's subject exactly, and References naming the
// customer's first message, the receipt and the reply it answers.
func TestConversationThreadingKeepsOneSubject(t *testing.T) {
	const (
		originalID = "conv-eta-original@acme.example"
		replyID    = "conv-eta-reply@acme.example"
		original   = "Delivery ETA emails show error instead of time window"
	)
	for _, refs := range []string{"receipt", "original"} {
		t.Run("references only the "+refs, func(t *testing.T) {
			r := newRig(t)
			r.step(conversation(t, "01-incident-no-screenshot.eml"))
			rcpt := r.smtp.WaitFor(1, 5*time.Second)[0]
			receiptID, err := parseSent(t, rcpt).Header.MessageID()
			if err != nil || receiptID == "" {
				t.Fatalf("receipt Message-ID: %q, %v", receiptID, err)
			}
			receiptSubject := subjectOf(t, rcpt)
			if receiptSubject != "[SUP-000001] "+original {
				t.Fatalf("receipt subject %q", receiptSubject)
			}

			reply := string(conversation(t, "02-reply-with-screenshot.eml"))
			decorated := "SV: [EXTERNAL] Re: [SUP-000001] " + original
			reply = strings.Replace(reply, "Subject: Re: [SUP-000001] "+original, "Subject: "+decorated, 1)
			if refs == "receipt" {
				reply = strings.Replace(reply, "In-Reply-To: <"+originalID+">", "In-Reply-To: <"+receiptID+">", 1)
				reply = strings.Replace(reply, "References: <"+originalID+">", "References: <"+receiptID+">", 1)
				if strings.Contains(reply, originalID) {
					t.Fatal("the reply still names the original message")
				}
			}
			if !strings.Contains(reply, "Subject: "+decorated+"\r\n") {
				t.Fatal("the reply's subject was not replaced")
			}
			if got := TagNumbers(TicketTag("SUP"), decorated); len(got) != 1 || got[0] != "SUP-000001" {
				t.Fatalf("tag in %q: %v", decorated, got)
			}
			r.step([]byte(reply))
			if tk := r.ticket("SUP-000001"); len(tk.Messages) != 2 || tk.Status != store.StatusOpen {
				t.Fatalf("the reply did not complete the ticket: %d messages, %s", len(tk.Messages), tk.Status)
			}

			confirmation := r.smtp.WaitFor(2, 5*time.Second)[1]
			if got := subjectOf(t, confirmation); got != receiptSubject {
				t.Errorf("confirmation subject %q, want the receipt's %q", got, receiptSubject)
			}
			h := parseSent(t, confirmation).Header
			chain, err := h.MsgIDList("References")
			if err != nil {
				t.Fatal(err)
			}
			want := []string{originalID, receiptID, replyID}
			if strings.Join(chain, " ") != strings.Join(want, " ") {
				t.Errorf("confirmation References %v, want %v", chain, want)
			}
			if irt, err := h.MsgIDList("In-Reply-To"); err != nil || len(irt) != 1 || irt[0] != replyID {
				t.Errorf("confirmation In-Reply-To %v, %v; want %s", irt, err, replyID)
			}
		})
	}
}

// TestConversationFollowUpKeepsTicketSubject: a reply whose subject the
// customer rewrote still gets an email under the ticket's own subject.
func TestConversationFollowUpKeepsTicketSubject(t *testing.T) {
	r := newRig(t)
	r.step(conversation(t, "01-incident-no-screenshot.eml"))
	receiptSubject := subjectOf(t, r.smtp.WaitFor(1, 5*time.Second)[0])
	reply := string(conversation(t, "02-reply-with-screenshot.eml"))
	reply = strings.Replace(reply, "Subject: Re: [SUP-000001] Delivery ETA emails show error instead of time window",
		"Subject: AW: [SUP-000001] Screenshot attached", 1)
	if !strings.Contains(reply, "Subject: AW: [SUP-000001] Screenshot attached\r\n") {
		t.Fatal("the reply's subject was not replaced")
	}
	r.step([]byte(reply))
	if got := subjectOf(t, r.smtp.WaitFor(2, 5*time.Second)[1]); got != receiptSubject {
		t.Errorf("confirmation subject %q, want the receipt's %q", got, receiptSubject)
	}
}
