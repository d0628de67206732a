package registration

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
	"github.com/ticketd/ticketd/webhook"
)

// Desk is the support team's side of registration: who is told of
// tickets, who may answer them by email, and which webhooks hear of them.
// The zero Desk tells nobody.
type Desk struct {
	// TeamAddresses receive the notifications (desk.team_addresses).
	TeamAddresses []string
	// Agents maps each agent's lower-case address to their name
	// (desk.agents).
	Agents map[string]string
	// ClosingEmail tells the customer when a ticket is closed.
	ClosingEmail bool
	// MaxAttachmentBytes caps the files one notification or relayed
	// answer carries, all together.
	MaxAttachmentBytes int64
	// Webhooks receive the events (webhooks[]).
	Webhooks []webhook.Endpoint
	// ConsoleURL is the web console's base URL (console.base_url, ending
	// in "/"): notifications link to the ticket's page and to the files
	// over the size cap. "": no links.
	ConsoleURL string
}

// notificationPrefix starts the local part of every notification's
// Message-ID: "ticketd.notification.<ticket>.<token>.<hash>". The token
// is the ticket's secret: an agent's answer names it in In-Reply-To or
// References. Such IDs are never shown to a customer.
const notificationPrefix = "ticketd.notification."

// teamNotice is what one notification says.
type teamNotice struct {
	event   string
	key     string // what caused it (a message or change key): makes its Message-ID
	m       *intake.Message
	files   *teamFiles // the files of the customer's or agent's email; nil: none
	msg     int        // that email's index in the ticket's messages, for download links; -1: not stored
	verdict *rules.Verdict
	org     *rules.Organization
	words   string // overrides m's own words (notes, answers)
	by      Author // the agent who answered or noted, if any
}

// Author is who acts on a ticket: an agent by email, or a console user.
// Address is recorded on the ticket; Name signs answers.
type Author struct{ Address, Name string }

// teamFiles are the files of an email as the team's notifications carry
// them: those within desk.notification_max_attachment_bytes, the names of
// the others, and whether some could not be read.
type teamFiles struct {
	files, omitted []intake.File
	err            error
}

// teamFilesOf reads raw's files for the notifications, or returns nil
// when there is no email or no team to notify. It decodes every file, so
// it is called before the store's transaction, not in it.
func (c composer) teamFilesOf(raw []byte) *teamFiles {
	if raw == nil || len(c.s.Desk.TeamAddresses) == 0 {
		return nil
	}
	files, omitted, err := intake.ReadAttachments(raw, c.s.Desk.MaxAttachmentBytes)
	return &teamFiles{files: files, omitted: omitted, err: err}
}

// notify returns one notification per team address, threaded per ticket:
// each names the ticket's first notification to that address as its
// parent, so that a mail client shows one thread per ticket.
func (c composer) notify(t *store.Ticket, n teamNotice) ([]store.Outgoing, error) {
	if len(c.s.Desk.TeamAddresses) == 0 {
		return nil, nil
	}
	tm := &receipt.Team{Event: n.event, Sender: t.Sender, SenderName: t.SenderName, Reasons: t.Reasons, Words: n.words}
	if n.m != nil && n.words == "" {
		tm.Words = n.m.Words()
	}
	if n.by.Address != "" {
		tm.Agent, tm.AgentName = n.by.Address, n.by.Name
	}
	tm.ConsoleURL = c.ticketURL(t)
	if n.files != nil {
		files, omitted, err := n.files.files, n.files.omitted, n.files.err
		for _, f := range omitted {
			name := intake.SafeFileName(f.Name, f.MediaType)
			if tm.ConsoleURL != "" && n.msg >= 0 {
				name += fmt.Sprintf(": %s/messages/%d/files/%d", tm.ConsoleURL, n.msg, f.Index)
			}
			tm.Omitted = append(tm.Omitted, name)
		}
		if err != nil {
			// A part that cannot be decoded is listed, not fatal: the
			// notification still goes, and the raw message is in the store.
			tm.Omitted = append(tm.Omitted, "(attachments that could not be read)")
		}
		tm.Attachments = carried(files)
	}
	findings := t.Findings
	if n.verdict != nil {
		findings = n.verdict.Findings
	}
	quota := quotaOf(t, n.org)
	var outs []store.Outgoing
	for _, to := range c.s.Desk.TeamAddresses {
		e := &receipt.Email{
			Kind:            receipt.KindNotification,
			Lang:            rules.English,
			From:            c.s.From,
			FromName:        c.s.FromName,
			To:              to,
			Date:            c.date(),
			OriginalSubject: t.Subject,
			TicketNumber:    t.Number,
			Status:          string(t.Status),
			Category:        t.Category,
			Findings:        findings,
			Quota:           quota,
			Team:            tm,
		}
		if n.org != nil {
			e.Organization = n.org.Name
		}
		root := c.notificationID(t, "root", to)
		e.MessageID = root
		if n.event != receipt.EventNew {
			e.MessageID = c.notificationID(t, n.event+"\x00"+n.key, to)
			e.InReplyTo, e.References = root, []string{root}
		}
		o, err := c.outgoing(e)
		if err != nil {
			return nil, err
		}
		o[0].Uncapped = true
		outs = append(outs, o...)
	}
	return outs, nil
}

// notificationID is the Message-ID of one notification of t to addr.
func (c composer) notificationID(t *store.Ticket, what, addr string) string {
	h := sha256.Sum256([]byte(what + "\x00" + strings.ToLower(addr)))
	return fmt.Sprintf("%s%s.%s.%s@%s", notificationPrefix, strings.ToLower(t.Number), t.Token, hex.EncodeToString(h[:6]), domainOf(c.s.From))
}

// isNotificationID reports whether id is one of the team's notifications,
// which must never reach a customer's References.
func isNotificationID(id string) bool { return strings.HasPrefix(id, notificationPrefix) }

// carried turns the files read from an email into the attachments of
// the team's emails.
func carried(files []intake.File) []receipt.Attachment {
	out := make([]receipt.Attachment, 0, len(files))
	for _, f := range files {
		out = append(out, receipt.Attachment{Filename: f.Name, MediaType: f.MediaType, Data: f.Data})
	}
	return out
}

// quotaOf is how t counts against its organization's plan.
func quotaOf(t *store.Ticket, org *rules.Organization) receipt.Quota {
	q := receipt.Quota{Deducts: t.DeductsQuota, Warranty: t.Warranty, OverPlan: t.OverPlan, Used: t.PeriodUsed, Period: t.Period}
	if org != nil {
		q.Included = org.TicketsIncluded
		q.PeriodStart, q.PeriodKind = rules.PlanPeriod(org, t.ReceivedAt).Key(), planKind(org)
	}
	return q
}

// event returns the webhook deliveries of one event about ticket t (nil
// for mail that made no ticket) to every endpoint that wants it. key is
// what caused it: the event's webhook-id derives from it, so a retried
// transaction queues the same id.
func (c composer) event(typ, key string, t *store.Ticket, data webhook.Data) ([]store.Outgoing, error) {
	if len(c.s.Desk.Webhooks) == 0 {
		return nil, nil
	}
	if t != nil {
		data.Ticket, data.Status, data.Organization = t.Number, string(t.Status), t.Organization
		data.Category = string(t.Category)
		if data.Sender == "" {
			data.Sender = t.Sender
		}
		if data.Subject == "" {
			data.Subject = t.Subject
		}
		if data.Missing == nil {
			data.Missing = blockingRules(t.Findings)
		}
		data.URL = c.ticketURL(t)
	}
	h := sha256.Sum256([]byte(typ + "\x00" + key))
	return webhook.Fanout(c.s.Desk.Webhooks, webhook.Event{ID: "msg_" + hex.EncodeToString(h[:12]), Type: typ, At: c.date(), Data: data})
}

// ticketURL is t's page in the console, or "" when console.base_url is
// not set.
func (c composer) ticketURL(t *store.Ticket) string {
	if c.s.Desk.ConsoleURL == "" {
		return ""
	}
	return c.s.Desk.ConsoleURL + "tickets/" + t.Number
}

// blockingRules are the IDs of the findings that keep a ticket waiting.
func blockingRules(fs []rules.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Blocking() {
			out = append(out, f.Rule)
		}
	}
	return out
}

// excerpt is a short piece of text for a webhook's chat card.
func excerpt(s string) string { return truncateRunes(s, 300) }

// date is the Date of the emails composed now.
func (c composer) date() time.Time { return c.now.UTC().Truncate(time.Second) }

// join concatenates the outgoing lists of several parts of one change.
func join(parts ...[]store.Outgoing) []store.Outgoing {
	var out []store.Outgoing
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
