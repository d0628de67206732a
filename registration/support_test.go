package registration

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/store"
	"github.com/ticketd/ticketd/webhook"
)

// withRegistrar runs fn with a Registrar over the rig's store, then
// delivers what it queued.
func (r *rig) withRegistrar(fn func(reg *Registrar)) {
	r.t.Helper()
	db := r.open()
	fn(New(db, r.cfg.Policy(), r.settings))
	db.Close()
	r.step()
}

func TestCloseTicketEmailsTheCustomerOnce(t *testing.T) {
	r := deskRig(t)
	openTicket(t, r)
	for range 2 {
		r.withRegistrar(func(reg *Registrar) {
			if _, err := reg.CloseTicket("SUP-000001", ""); err != nil {
				t.Fatal(err)
			}
		})
	}
	got := r.smtp.MessagesTo(customer)
	if len(got) != 2 {
		t.Fatalf("customer emails after closing twice: %d, want the receipt and one closing email", len(got))
	}
	if text, _ := mailtest.TextOf(t, got[1]); !strings.Contains(text, "SUP-000001 is now closed") {
		t.Errorf("closing email:\n%s", text)
	}
	r.settings.Desk.ClosingEmail = false
	r.step(conversation(t, "01-incident-no-screenshot.eml")) // a duplicate: nothing new
	if tk := r.ticket("SUP-000001"); tk.Status != store.StatusClosed || len(tk.Conversation) != 1 {
		t.Errorf("ticket: %s, conversation %+v", tk.Status, tk.Conversation)
	}
}

func TestRemindAbandonedOnce(t *testing.T) {
	r := deskRig(t)
	received := time.Now().Add(-80 * time.Hour)
	db := r.open()
	if _, err := New(db, r.cfg.Policy(), r.settings).Record(context.Background(), conversation(t, "01-incident-no-screenshot.eml"), received); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for i, want := range []int{1, 0} {
		r.withRegistrar(func(reg *Registrar) {
			n, err := reg.RemindAbandoned(72 * time.Hour)
			if err != nil || n != want {
				t.Fatalf("pass %d: reminded %d, %v; want %d", i, n, err, want)
			}
		})
	}
	got := r.smtp.MessagesTo(customer)
	if len(got) != 2 {
		t.Fatalf("customer emails: %d, want the receipt and one reminder", len(got))
	}
	if text, _ := mailtest.TextOf(t, got[1]); !strings.Contains(text, "still waiting for information") || !strings.Contains(strings.Join(strings.Fields(text), " "), "screenshot") {
		t.Errorf("reminder:\n%s", text)
	}
	notes := r.smtp.MessagesTo(teamAddr)
	if text, _ := mailtest.TextOf(t, notes[len(notes)-1]); !strings.Contains(text, "has not answered") {
		t.Errorf("the team's abandoned-ticket notification:\n%s", text)
	}
}

// TestTeamTrafficIsNotCapped: the per-sender cap protects customers'
// addresses; the team's notifications and relayed answers are not subject
// to it.
func TestTeamTrafficIsNotCapped(t *testing.T) {
	r := deskRig(t)
	r.settings.MaxAutoRepliesPerHour = 1
	n := openTicket(t, r)
	r.step(withMessageID(conversation(t, "01-incident-no-screenshot.eml"), "<second-ticket@acme.example>"))
	if got := len(r.smtp.MessagesTo(teamAddr)); got != 2 {
		t.Fatalf("notifications for two tickets under a cap of 1: %d, want 2", got)
	}
	for i := range 2 {
		r.step(mailtest.AgentReply(t, n, agentAddr, teamAddr, "thunderbird", "Answer number "+string(rune('A'+i))))
	}
	answers := 0
	for _, m := range r.smtp.MessagesTo(customer) {
		if text, _ := mailtest.TextOf(t, m); strings.Contains(text, "Answer number") {
			answers++
		}
	}
	if answers != 2 {
		t.Errorf("relayed answers under a cap of 1: %d, want 2", answers)
	}
}

// TestWebhookEventsQueuedWithTheirChange: every change queues its events
// in its own transaction: a created ticket (linking to its console page),
// each held message (while the held notice goes once an hour) and a
// rejected stranger.
func TestWebhookEventsQueuedWithTheirChange(t *testing.T) {
	r := deskRig(t)
	r.settings.Desk.Webhooks = []webhook.Endpoint{{Name: "crm", URL: "https://crm.example.com/h", Format: webhook.FormatSlack}}
	r.settings.MaxNewTicketsPerContactPerHour = 1
	r.settings.Desk.ConsoleURL = "https://desk.vendor.example/"
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	r.stepAt(at, alice(t, 1, ""), alice(t, 2, ""), alice(t, 3, ""), fixture(t, "rejected-en-stranger.eml"))
	db := r.openStore()
	items, err := db.DueOutboxOf(store.OutboxFilter{Kinds: []string{webhook.OutboxKind}}, time.Now().Add(time.Hour), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	ids := map[string]bool{}
	for _, it := range items {
		full, err := db.OutboxItem(it.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ev webhook.Event
		if err := json.Unmarshal(full.Payload, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Endpoint != "crm" || it.To != "crm" || ids[ev.ID] {
			t.Errorf("event %+v to %q: want endpoint crm and a unique id", ev, it.To)
		}
		ids[ev.ID] = true
		count[ev.Type]++
		if ev.Type == webhook.MessageRejected && (ev.Data.Subject != "" || ev.Data.Text != "") {
			t.Errorf("a rejected stranger's words reach the webhook: %+v", ev.Data)
		}
		if ev.Type == webhook.TicketCreated && ev.Data.URL != "https://desk.vendor.example/tickets/SUP-000001" {
			t.Errorf("ticket.created links to %q, want the ticket's console page", ev.Data.URL)
		}
		if ev.Type == webhook.MessageRejected && ev.Data.URL != "" {
			t.Errorf("a rejected message links to %q: it has no ticket", ev.Data.URL)
		}
	}
	want := map[string]int{webhook.TicketCreated: 1, webhook.MessageHeld: 2, webhook.MessageRejected: 1}
	if !maps.Equal(count, want) {
		t.Errorf("events queued %v, want %v", count, want)
	}
}
