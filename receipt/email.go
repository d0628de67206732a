package receipt

import (
	"time"

	"github.com/ticketd/ticketd/rules"
)

// Kind says which email to send. The values are a public contract: they are
// stored in the outbox.
type Kind string

// Kinds of email.
const (
	KindReceipt      Kind = "receipt"       // a registered ticket: accepted (open) or needs_info
	KindRejection    Kind = "rejection"     // not an authorized contact, or plan lacks email: NO ticket number
	KindConfirmation Kind = "confirmation"  // a needs_info ticket became open after the customer's reply
	KindStillMissing Kind = "still_missing" // a reply to a needs_info ticket that still lacks something
	KindAck          Kind = "ack"           // follow-up on an open ticket recorded
	// KindHeld tells a contact over the hourly rate of new tickets that
	// their mail is held for review: NO ticket number.
	KindHeld Kind = "held"

	// The support team's side (team.go).
	KindNotification Kind = "notification"  // to desk.team_addresses: a ticket event, with the customer's words
	KindAgentReply   Kind = "agent_reply"   // an agent's answer, relayed to the customer from the support address
	KindClosing      Kind = "closing"       // to the customer: the ticket is closed
	KindReminder     Kind = "reminder"      // to the customer: the needs_info ticket still waits for them
	KindAgentRefused Kind = "agent_refused" // to the agent: the answer was not relayed, and why
)

// Reflects reports whether an email of kind k may carry what the sender
// wrote (their subject, their words, their display name). Rejections and
// held notices never do: their recipient may be a forged From, and
// quoting would relay an attacker's text and links in the vendor's name.
func (k Kind) Reflects() bool { return k != KindRejection && k != KindHeld }

// Ticket statuses an Email of KindReceipt may carry.
const (
	StatusNeedsInfo = "needs_info"
	StatusOpen      = "open"
)

// Email is everything needed to build one outgoing email. It is JSON-encoded
// into the durable outbox and rebuilt at every delivery attempt, so building
// must be deterministic: the same Email always gives the same headers
// (Message-ID and Date come from the fields).
type Email struct {
	Kind     Kind       `json:"kind"`
	Lang     rules.Lang `json:"lang"` // anything but "es" is answered in English
	From     string     `json:"from"` // smtp.from
	FromName string     `json:"from_name,omitempty"`
	To       string     `json:"to"` // a bare address: "ana@example.com"
	ToName   string     `json:"to_name,omitempty"`
	// MessageID is our own unique id, without <>; set by the caller.
	MessageID string `json:"message_id"`
	// InReplyTo is the customer's Message-ID, without <>. An id that is not
	// a valid msg-id is left out rather than failing the email.
	InReplyTo string `json:"in_reply_to,omitempty"`
	// References are the customer's References plus InReplyTo, without <>;
	// for a follow-up, led by the ticket's first message and its receipt.
	// InReplyTo is appended when missing; invalid ids are left out and a
	// long chain keeps its first id and the most recent ones.
	References      []string       `json:"references,omitempty"`
	Date            time.Time      `json:"date"`
	OriginalSubject string         `json:"original_subject"`
	TicketNumber    string         `json:"ticket_number,omitempty"` // "SUP-000042"; "" for rejections (ignored there)
	Status          string         `json:"status,omitempty"`        // StatusNeedsInfo | StatusOpen (KindReceipt)
	Category        rules.Category `json:"category,omitempty"`
	// Findings: blocking ones are listed as what is missing;
	// informational ones (request.self_service) are shown as notes.
	Findings []rules.Finding `json:"findings,omitempty"`
	Quota    Quota           `json:"quota"`
	// RejectRule is why a rejection is sent: rules.RuleSenderAuthorized,
	// rules.RuleChannelIncluded or rules.RuleSenderAuthentic.
	RejectRule   string     `json:"reject_rule,omitempty"`
	Organization string     `json:"organization,omitempty"` // the customer organization's display name
	HowToReach   rules.Text `json:"how_to_reach"`           // how to reach support properly (from config), used in rejections
	// Quote is the customer's own words, quoted back (never in a kind
	// that does not Reflect: rejections, held notices): truncated to
	// QuoteMaxRunes, shown as text (escaped in HTML).
	Quote string `json:"quote,omitempty"`

	// Team is what the team's emails carry (KindNotification,
	// KindAgentReply, KindAgentRefused); nil for the others.
	Team *Team `json:"team,omitempty"`
}

// Quota says how the ticket counts against the organization's plan. It is
// only shown in receipts.
type Quota struct {
	Deducts     bool   `json:"deducts"`      // the ticket uses one of the plan's included tickets
	Warranty    bool   `json:"warranty"`     // a warranty ticket: never deducted
	OverPlan    bool   `json:"over_plan"`    // the included tickets are used up: billed beyond the plan
	SelfService bool   `json:"self_service"` // something the customer could do in the application
	Used        int    `json:"used"`         // tickets used in the period, this one included
	Included    int    `json:"included"`     // tickets included in the plan per period
	Period      string `json:"period"`       // a label, shown when PeriodStart is empty
	// PeriodStart (YYYY-MM-DD) and PeriodKind ("monthly", "yearly") let
	// the receipt name the period in the customer's language: "December
	// 2026", "2026", "the period starting 15 December 2026".
	PeriodStart string `json:"period_start,omitempty"`
	PeriodKind  string `json:"period_kind,omitempty"`
}
