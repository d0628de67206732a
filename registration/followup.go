package registration

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
	"github.com/ticketd/ticketd/webhook"
)

// ackInterval is the least time between two acknowledgements of follow-ups
// on one open ticket: no reply storms.
const ackInterval = time.Hour

// TicketTag finds "[SUP-000042]" anywhere in a subject.
func TicketTag(prefix string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\[(` + regexp.QuoteMeta(prefix) + `-[0-9]{6,12})\]`)
}

// TagNumbers returns the ticket numbers tagged in subject, upper-cased, in
// order of appearance.
func TagNumbers(tag *regexp.Regexp, subject string) []string {
	var out []string
	for _, m := range tag.FindAllStringSubmatch(subject, 5) {
		out = append(out, strings.ToUpper(m[1]))
	}
	return out
}

// conversationTicket finds the ticket m follows up on: by a tag in its
// subject, then by In-Reply-To and References (newest first) naming any
// Message-ID of a ticket. It returns nil when m starts a new conversation.
func (r *Registrar) conversationTicket(m *intake.Message) (*store.Ticket, error) {
	for _, number := range TagNumbers(r.tag, m.Subject) {
		t, err := r.db.Ticket(number)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return t, nil
	}
	ids := slices.Clone(m.InReplyTo)
	for i := len(m.References) - 1; i >= 0; i-- {
		ids = append(ids, m.References[i])
	}
	for _, id := range ids {
		t, err := r.db.TicketByMessageID(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return t, nil
	}
	return nil, nil
}

// joins reports whether a message judged v may join ticket t: only a
// contact of the ticket's organization writes into it (so nobody joins
// another customer's ticket by guessing its number), only to a ticket that
// is not closed, and never automated mail.
func joins(v rules.Verdict, t *store.Ticket) bool {
	return t.Status != store.StatusClosed &&
		v.Organization != "" && v.Organization == t.Organization &&
		(v.Outcome == rules.Accepted || v.Outcome == rules.NeedsInfo)
}

// recordFollowUp appends m to ticket t. A needs_info ticket is judged again
// on the whole conversation: complete, it opens (its SLA clock starts now)
// and the customer gets a confirmation; still incomplete, the customer gets
// the list of what is still missing. An open ticket acknowledges follow-ups
// at most once an hour.
func (r *Registrar) recordFollowUp(policy *rules.Policy, t *store.Ticket, key string, m *intake.Message, raw []byte, received time.Time) (*Outcome, error) {
	var verdict *rules.Verdict
	if t.Status == store.StatusNeedsInfo {
		v, err := r.judgeConversation(policy, t, m, received)
		if err != nil {
			return nil, err
		}
		verdict = &v
	}
	c := r.composer(policy)
	files := c.teamFilesOf(raw) // read here, before the store's transaction
	f := &store.FollowUp{
		Number:                t.Number,
		Key:                   key,
		MessageID:             m.MessageID,
		From:                  m.From.Addr,
		ReceivedAt:            received.UTC(),
		Raw:                   raw,
		Attachments:           m.Attachments,
		MaxAutoRepliesPerHour: r.s.MaxAutoRepliesPerHour,
		Update: func(tk *store.Ticket) ([]store.Outgoing, error) {
			return c.forFollowUp(tk, key, m, files, verdict, received)
		},
	}
	res, err := r.db.AppendFollowUp(f)
	if err != nil {
		return nil, fmt.Errorf("follow-up %s to %s: %w", key, t.Number, err)
	}
	out := &Outcome{MessageID: m.MessageID, From: m.From.Addr, Verdict: "follow_up", Ticket: t.Number, Duplicate: res.Duplicate, Queued: len(res.Queued), Suppressed: res.Suppressed,
		FollowUp: true, Subject: m.Subject, Organization: t.Organization, Category: string(t.Category)}
	if res.Ticket != nil && !res.Duplicate {
		out.Status, out.Category = string(res.Ticket.Status), string(res.Ticket.Category)
	}
	if verdict != nil && !res.Duplicate {
		out.Rules = ruleIDs(verdict.Findings)
	}
	return out, nil
}

// judgeConversation evaluates the whole conversation of t with m added:
// every customer message's own words, attachments and links together.
func (r *Registrar) judgeConversation(policy *rules.Policy, t *store.Ticket, m *intake.Message, received time.Time) (rules.Verdict, error) {
	msgs := make([]*intake.Message, 0, len(t.Messages)+1)
	for _, ref := range t.Messages {
		raw, err := r.db.Raw(ref.Key)
		if err != nil {
			return rules.Verdict{}, fmt.Errorf("earlier message %s of %s: %w", ref.Key, t.Number, err)
		}
		pm, err := intake.Parse(bytes.NewReader(raw), r.s.Limits)
		if err != nil {
			return rules.Verdict{}, fmt.Errorf("earlier message %s of %s: %w", ref.Key, t.Number, err)
		}
		msgs = append(msgs, pm)
	}
	msgs = append(msgs, m)
	merged := mergeConversation(msgs)
	v := rules.Evaluate(merged, policy, received)
	// The latest subject may be only "Re: [SUP-000042] ..." of a vague
	// original, or a better one; judge by whichever subject is descriptive.
	if v.Has(rules.RuleSubjectDescriptive) && msgs[0].Subject != merged.Subject {
		merged.Subject = msgs[0].Subject
		if alt := rules.Evaluate(merged, policy, received); !alt.Has(rules.RuleSubjectDescriptive) {
			v = alt
		}
	}
	return v, nil
}

// mergeConversation makes one message of a conversation for the rules: the
// first sender, the latest subject, every message's own words, text,
// attachments and links.
func mergeConversation(msgs []*intake.Message) *intake.Message {
	first, last := msgs[0], msgs[len(msgs)-1]
	merged := *first
	merged.Subject = last.Subject
	merged.Loop = intake.LoopHeaders{}
	var own, text []string
	merged.Attachments, merged.URLs = nil, nil
	seenURL := map[string]bool{}
	for _, m := range msgs {
		own = append(own, m.OwnText)
		text = append(text, m.Text)
		merged.Attachments = append(merged.Attachments, m.Attachments...)
		for _, u := range m.URLs {
			if !seenURL[u] {
				seenURL[u] = true
				merged.URLs = append(merged.URLs, u)
			}
		}
	}
	merged.OwnText = strings.Join(own, "\n\n")
	merged.Text = strings.Join(text, "\n\n")
	return &merged
}

// forFollowUp updates the ticket for a follow-up and returns the email to
// send, if any. verdict is the conversation's verdict for a needs_info
// ticket, nil for an open one.
func (c composer) forFollowUp(t *store.Ticket, key string, m *intake.Message, files *teamFiles, verdict *rules.Verdict, received time.Time) ([]store.Outgoing, error) {
	customer, err := c.customerFollowUp(t, key, m, verdict, received)
	if err != nil {
		return nil, err
	}
	org := organization(c.policy, t.Organization)
	event := receipt.EventFollowUp
	if verdict != nil && verdict.Outcome == rules.Accepted {
		event = receipt.EventCompleted
	}
	team, err := c.notify(t, teamNotice{event: event, key: key, m: m, files: files, msg: len(t.Messages) - 1, verdict: verdict, org: org})
	if err != nil {
		return nil, err
	}
	hooks, err := c.event(webhook.TicketCustomerReplied, key, t, webhook.Data{Text: excerpt(m.OwnText)})
	if err != nil {
		return nil, err
	}
	if event == receipt.EventCompleted {
		done, err := c.event(webhook.TicketCompleted, key, t, webhook.Data{})
		if err != nil {
			return nil, err
		}
		hooks = append(hooks, done...)
	}
	return join(customer, team, hooks), nil
}

// customerFollowUp updates the ticket for a follow-up and returns the
// email to the customer, if any (see forFollowUp).
func (c composer) customerFollowUp(t *store.Ticket, key string, m *intake.Message, verdict *rules.Verdict, received time.Time) ([]store.Outgoing, error) {
	lang := t.Lang
	if verdict != nil {
		lang = verdict.Lang
	}
	v := rules.Verdict{Lang: lang, Category: t.Category}
	if verdict == nil {
		// Open: acknowledge at most once an hour.
		if !t.LastAckAt.IsZero() && c.now.Sub(t.LastAckAt) < ackInterval {
			return nil, nil
		}
		t.LastAckAt = c.now
		e := c.base(receipt.KindAck, m, v)
		e.MessageID = c.outgoingID(receipt.KindAck, t.Number, key)
		e.TicketNumber, e.Status = t.Number, string(t.Status)
		threadFollowUp(e, t, m)
		return c.outgoing(e)
	}
	t.Findings = verdict.Findings
	t.Reasons = verdict.Reasons
	t.Category = verdict.Category
	v.Category = verdict.Category
	if verdict.Outcome == rules.Accepted {
		t.Status = store.StatusOpen
		t.SLAStartedAt = received.UTC()
		e := c.base(receipt.KindConfirmation, m, v)
		e.MessageID = c.outgoingID(receipt.KindConfirmation, t.Number, key)
		e.TicketNumber, e.Status = t.Number, string(t.Status)
		threadFollowUp(e, t, m)
		e.Findings = verdict.Findings
		return c.outgoing(e)
	}
	e := c.base(receipt.KindStillMissing, m, v)
	e.MessageID = c.outgoingID(receipt.KindStillMissing, t.Number, key)
	e.TicketNumber, e.Status = t.Number, string(t.Status)
	threadFollowUp(e, t, m)
	e.Findings = verdict.Findings
	return c.outgoing(e)
}

// threadFollowUp keeps an email answering follow-up m in ticket t's thread:
// the ticket's own subject (its first message's, so every email of the
// ticket has the receipt's subject whatever markers the reply added), and
// References starting with the ticket's first message and its receipt,
// then m's chain and m itself, without duplicates.
func threadFollowUp(e *receipt.Email, t *store.Ticket, m *intake.Message) {
	if t.Subject != "" {
		e.OriginalSubject = t.Subject
	}
	customer := make(map[string]bool, len(t.Messages))
	for _, ref := range t.Messages {
		customer[ref.MessageID] = true
	}
	var refs []string
	add := func(id string) {
		if id != "" && !slices.Contains(refs, id) {
			refs = append(refs, id)
		}
	}
	if len(t.MessageIDs) > 0 {
		add(t.MessageIDs[0])
	}
	// The first ID ticketd queued for the ticket: its receipt (or, when the
	// receipt was suppressed, the first email that did go out). Never a
	// team notification's: its ID carries the ticket's secret token.
	for _, id := range t.MessageIDs {
		if !customer[id] && !isNotificationID(id) {
			add(id)
			break
		}
	}
	for _, id := range m.References {
		add(id)
	}
	add(m.MessageID)
	e.References = refs
}
