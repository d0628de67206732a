package receipt

import (
	"bytes"
	"fmt"
	"mime"
	"strings"

	"github.com/wneessen/go-mail"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/rules"
)

// Notification events (Team.Event).
const (
	EventNew       = "new"       // a ticket was registered
	EventCompleted = "completed" // a needs_info ticket became open
	EventFollowUp  = "follow_up" // the customer wrote again
	EventAbandoned = "abandoned" // the customer left a needs_info ticket unanswered
	EventNote      = "note"      // an agent added an internal note
	EventReplied   = "replied"   // an agent's answer went to the customer
	EventClosed    = "closed"    // the ticket was closed
)

// InternalMarker heads every section of a notification that must never
// reach a customer. An agent's answer whose own words still hold it was
// not separated from the quoted notification: it is not relayed.
const InternalMarker = "[ticketd internal]"

// TeamWordsMaxRunes bounds the words a notification shows.
const TeamWordsMaxRunes = 20000

// Team is the content of the support team's emails.
type Team struct {
	// Event says why a notification is sent (EventNew...).
	Event string `json:"event,omitempty"`
	// Sender and SenderName are the customer's (notifications).
	Sender     string `json:"sender,omitempty"`
	SenderName string `json:"sender_name,omitempty"`
	// Words are the customer's own words (notifications) or the agent's
	// answer (KindAgentReply), or the note (EventNote).
	Words string `json:"words,omitempty"`
	// Agent and AgentName: who answered, noted or closed.
	Agent     string `json:"agent,omitempty"`
	AgentName string `json:"agent_name,omitempty"`
	// Reasons say why the rules judged as they did (notifications).
	Reasons []rules.Reason `json:"reasons,omitempty"`
	// Attachments are carried as files; Omitted lists those left out
	// over the size cap.
	Attachments []Attachment `json:"attachments,omitempty"`
	Omitted     []string     `json:"omitted,omitempty"`
	// Refusal says why an agent's answer was not relayed (KindAgentRefused).
	Refusal string `json:"refusal,omitempty"`
	// ConsoleURL links to the ticket in the web console, when configured.
	ConsoleURL string `json:"console_url,omitempty"`
}

// Attachment is a file an email carries.
type Attachment struct {
	Filename  string `json:"filename"`
	MediaType string `json:"media_type"`
	Data      []byte `json:"data"`
}

// human reports whether emails of kind k are written by a person (an
// agent's relayed answer): they carry no automatic-reply headers.
func (k Kind) human() bool { return k == KindAgentReply }

// toTeam reports whether emails of kind k go to the support team, never to
// a customer: they are written in English and may show what the customer
// and the rules said.
func (k Kind) toTeam() bool { return k == KindNotification || k == KindAgentRefused }

// teamEvents names the notification events for the team.
var teamEvents = map[string]string{
	EventNew:       "New ticket",
	EventCompleted: "Ticket complete: the SLA has started",
	EventFollowUp:  "The customer wrote again",
	EventAbandoned: "The customer has not answered: the ticket still waits for information (the customer was reminded)",
	EventNote:      "Internal note",
	EventReplied:   "An agent answered the customer",
	EventClosed:    "Ticket closed",
}

// composeTeam fills lt for the team kinds and the customer kinds that
// follow an agent's action (closing, reminder).
func composeTeam(e *Email, lt *letter, p *phrases, l rules.Lang, add func(block)) {
	ticket := oneline.Of(e.TicketNumber)
	tm := e.Team
	if tm == nil {
		tm = &Team{}
	}
	switch e.Kind {
	case KindNotification:
		lt.Greeting, lt.Closing, lt.Signature = "", "", "ticketd"
		add(block{Text: InternalMarker + " Reply to this email to answer the customer: only what you write above the quoted notification is sent, from the support address. Start with #note for an internal note, #close to close the ticket, #warranty to make it a warranty ticket."})
		event := teamEvents[tm.Event]
		if event == "" {
			event = tm.Event
		}
		facts := []fact{{"Ticket", ticket}, {"Event", event}, {"Status", e.Status}}
		if name, ok := english.categories[e.Category]; ok {
			facts = append(facts, fact{"Category", name})
		}
		customer := oneline.Of(tm.Sender)
		if n := cleanName(tm.SenderName); n != "" {
			customer = n + " <" + customer + ">"
		}
		facts = append(facts, fact{"Customer", customer})
		if org := cleanName(e.Organization); org != "" {
			facts = append(facts, fact{"Organization", org})
		}
		if u := planUsage(e.Quota); u != "" {
			facts = append(facts, fact{"Plan", u})
		}
		if tm.Agent != "" {
			facts = append(facts, fact{"Agent", agentLabel(tm)})
		}
		if tm.ConsoleURL != "" {
			facts = append(facts, fact{"Console", oneline.Of(tm.ConsoleURL)})
		}
		add(block{Heading: InternalMarker + " Ticket", Facts: facts})
		if items := findingItems(e.Findings); len(items) > 0 {
			add(block{Heading: InternalMarker + " Findings", Items: items})
		}
		if items := reasonItems(tm.Reasons); len(items) > 0 {
			add(block{Heading: InternalMarker + " Why", Items: items})
		}
		if len(tm.Omitted) > 0 {
			add(block{Heading: InternalMarker + " Attachments not carried", Text: "Over the notification's size cap; they are kept with the ticket: " + strings.Join(cleanAll(tm.Omitted), ", ")})
		}
		if w := oneline.Truncate(cleanLines(tm.Words), TeamWordsMaxRunes); w != "" {
			heading := "The customer's words"
			if tm.Event == EventNote || tm.Event == EventReplied {
				heading = "The agent's words"
			}
			add(block{Heading: InternalMarker + " " + heading, Quote: w})
		}
	case KindAgentRefused:
		lt.Greeting, lt.Closing, lt.Signature = "", "", "ticketd"
		add(block{Text: fmt.Sprintf("Your answer to ticket %s was NOT sent to the customer.", ticket)})
		add(block{Text: oneline.Of(tm.Refusal)})
		add(block{Text: "Nothing of it was relayed. Reply to the notification again, writing your answer above the quoted text (or removing the quoted notification)."})
	case KindAgentReply:
		lt.Greeting, lt.Closing = "", ""
		add(block{Text: oneline.Truncate(cleanLines(tm.Words), TeamWordsMaxRunes)})
		sig := cleanName(tm.AgentName)
		if team := cleanName(e.FromName); team != "" {
			sig = strings.TrimSpace(sig + "\n" + team)
		}
		if sig == "" {
			sig = p.team
		}
		lt.Signature = sig
		add(block{Text: fmt.Sprintf(p.agentReplyFooter, ticket)})
	case KindClosing:
		add(block{Text: fmt.Sprintf(p.closingText, ticket)})
		add(block{Text: p.closingAgain})
	case KindReminder:
		add(block{Text: fmt.Sprintf(p.reminderText, ticket)})
		add(block{Heading: p.missingHeading, Items: missing(p, l, e.Findings)})
		add(block{Text: p.replyToComplete})
		add(block{Text: p.noSLA})
	}
}

// agentLabel is "Name <address>" or the address.
func agentLabel(tm *Team) string {
	if n := cleanName(tm.AgentName); n != "" {
		return n + " <" + oneline.Of(tm.Agent) + ">"
	}
	return oneline.Of(tm.Agent)
}

// planUsage is the team's one-line view of the plan.
func planUsage(q Quota) string {
	var parts []string
	switch {
	case q.Included > 0:
		parts = append(parts, fmt.Sprintf("%d of %d tickets used", q.Used, q.Included))
	case q.Used > 0:
		parts = append(parts, fmt.Sprintf("%d tickets used", q.Used))
	}
	if q.PeriodStart != "" {
		parts = append(parts, "period from "+oneline.Of(q.PeriodStart))
	}
	switch {
	case q.Warranty:
		parts = append(parts, "warranty: not deducted")
	case q.OverPlan:
		parts = append(parts, "OVER PLAN")
	case q.Deducts:
		parts = append(parts, "deducted")
	}
	if q.SelfService {
		parts = append(parts, "self-service request")
	}
	return strings.Join(parts, ", ")
}

// findingItems lists every finding for the team: the rule, what it says,
// and its evidence.
func findingItems(findings []rules.Finding) []item {
	var items []item
	for _, f := range findings {
		it := item{Text: oneline.Of(f.Rule + " (" + string(f.Outcome) + "): " + f.Message.In(rules.English))}
		if len(f.Evidence) > 0 {
			it.Detail = "Evidence: " + oneline.Truncate(oneline.Of(strings.Join(f.Evidence, " · ")), TeamWordsMaxRunes/10)
		}
		items = append(items, it)
	}
	return items
}

// reasonItems lists the rules' reasons.
func reasonItems(reasons []rules.Reason) []item {
	var items []item
	for _, r := range reasons {
		verb := "did not fire"
		if r.Fired {
			verb = "fired"
		}
		items = append(items, item{Text: oneline.Of(r.Rule + " " + verb + ": " + r.Why)})
	}
	return items
}

func cleanAll(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, oneline.Of(n))
	}
	return out
}

// hasAttachments reports whether e carries files.
func (e *Email) hasAttachments() bool { return e.Team != nil && len(e.Team.Attachments) > 0 }

// attach adds e's files to m, named safely.
func attach(m *mail.Msg, e *Email) error {
	if !e.hasAttachments() {
		return nil
	}
	for i, a := range e.Team.Attachments {
		name := intake.SafeFileName(a.Filename, a.MediaType)
		ct := mail.ContentType(a.MediaType)
		if _, _, err := mime.ParseMediaType(a.MediaType); err != nil || a.MediaType == "" {
			ct = mail.TypeAppOctetStream
		}
		if err := m.AttachReader(name, bytes.NewReader(a.Data), mail.WithFileContentType(ct)); err != nil {
			return fmt.Errorf("%w: %s: attachment %d: %w", ErrInvalid, e.MessageID, i, err)
		}
	}
	return nil
}
