// Package webhook posts ticket events to the endpoints in webhooks[]:
// signed JSON after the Standard Webhooks specification, or a readable
// card for a Slack or Microsoft Teams (Workflows) incoming webhook. Events
// are queued in the outbox in the transaction of the change that caused
// them (Fanout) and delivered by an outbox worker of their own
// (Destination), with retries.
package webhook

import (
	"encoding/json"
	"time"

	"github.com/ticketd/ticketd/store"
)

// OutboxKind is the store.OutboxItem Kind of a queued webhook event.
const OutboxKind = "webhook"

// Event types. The values are a public contract.
const (
	TicketCreated         = "ticket.created"
	TicketCompleted       = "ticket.completed"
	TicketCustomerReplied = "ticket.customer_replied"
	TicketAgentReplied    = "ticket.agent_replied"
	TicketNoteAdded       = "ticket.note_added"
	TicketClosed          = "ticket.closed"
	MessageRejected       = "message.rejected"
	MessageHeld           = "message.held"
)

// Formats of an endpoint's requests.
const (
	FormatStandard = "standard" // Standard Webhooks JSON, signed
	FormatSlack    = "slack"    // a Slack incoming-webhook message
	FormatTeams    = "teams"    // an Adaptive Card for a Teams Workflows webhook
)

// Endpoint is one configured receiver (webhooks[]).
type Endpoint struct {
	// Name identifies the endpoint in the outbox, logs and metrics
	// (webhooks[].name; its URL's host when unset).
	Name   string
	URL    string
	Secret string   // "whsec_" + base64; required for FormatStandard
	Events []string // event types it receives; empty: all
	Format string   // FormatStandard when ""
	// AllowPrivate lets the endpoint resolve to loopback, private and
	// link-local addresses (refused at connect time otherwise), and use
	// plain http.
	AllowPrivate bool
}

// Event is one event for one endpoint: the payload of an outbox item of
// OutboxKind.
type Event struct {
	Endpoint string `json:"endpoint"` // Endpoint.Name
	// ID is the webhook-id header: derived from what caused the event, so
	// that it is the same on every retry and a retried transaction.
	ID   string    `json:"id"`
	Type string    `json:"type"`
	At   time.Time `json:"timestamp"` // when the change happened
	Data Data      `json:"data"`
}

// Data describes the ticket or message an event is about. Customer text
// appears only in Summary (the subject) and Text (a short excerpt), for
// the team's own channels.
type Data struct {
	Ticket       string   `json:"ticket,omitempty"` // "SUP-000042"
	Status       string   `json:"status,omitempty"`
	Organization string   `json:"organization,omitempty"`
	Category     string   `json:"category,omitempty"`
	Sender       string   `json:"sender,omitempty"`
	Subject      string   `json:"subject,omitempty"`
	Agent        string   `json:"agent,omitempty"`   // who replied, noted or closed
	Missing      []string `json:"missing,omitempty"` // IDs of the blocking rules
	Reason       string   `json:"reason,omitempty"`  // rejections and held mail: the rule
	Text         string   `json:"text,omitempty"`
	URL          string   `json:"url,omitempty"` // the ticket in the console, when console.base_url is set
}

// Fanout returns the outbox entries of ev for every endpoint subscribed to
// its type; ev.Endpoint is set per endpoint. They are exempt from the
// per-recipient caps.
func Fanout(endpoints []Endpoint, ev Event) ([]store.Outgoing, error) {
	var out []store.Outgoing
	for _, ep := range endpoints {
		if !ep.Wants(ev.Type) {
			continue
		}
		e := ev
		e.Endpoint = ep.Name
		payload, err := json.Marshal(&e)
		if err != nil {
			return nil, err
		}
		out = append(out, store.Outgoing{Kind: OutboxKind, To: ep.Name, MessageID: "", Payload: payload, Uncapped: true})
	}
	return out, nil
}

// Wants reports whether the endpoint receives events of type typ.
func (ep Endpoint) Wants(typ string) bool {
	if len(ep.Events) == 0 {
		return true
	}
	for _, t := range ep.Events {
		if t == typ {
			return true
		}
	}
	return false
}
