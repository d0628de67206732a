package registration

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
	"github.com/ticketd/ticketd/webhook"
)

// Agent commands: the first non-empty line of an agent's email.
const (
	cmdNote     = "#note"
	cmdClose    = "#close"
	cmdWarranty = "#warranty"
)

// agentTicket returns the ticket m answers when m is an agent's email: its
// sender is in Desk.Agents, it is not automated mail (an agent's
// out-of-office answer is judged as customer mail, and ignored as such),
// it names one of the ticket's notifications by Message-ID in In-Reply-To
// or References (the notification's ID carries the ticket's secret token),
// and, where trusted authserv-ids are configured, a trusted server saw it
// pass DMARC or DKIM for the agent's domain. Otherwise it returns nil and
// m is judged as customer mail.
func (r *Registrar) agentTicket(policy *rules.Policy, m *intake.Message, v rules.Verdict) (*store.Ticket, error) {
	agent := strings.ToLower(strings.TrimSpace(m.From.Addr))
	if _, ok := r.s.Desk.Agents[agent]; !ok || v.Outcome == rules.Ignored {
		return nil, nil
	}
	if len(policy.TrustedAuthServIDs) > 0 && !rules.Authenticated(m.AuthResults, policy.TrustedAuthServIDs, agent) {
		r.s.Log.Warn("agent email not authenticated: judged as customer mail", "from", agent, "message_id", m.MessageID)
		return nil, nil
	}
	ids := append(append([]string{}, m.InReplyTo...), m.References...)
	for _, id := range ids {
		number, token, ok := notificationToken(id, domainOf(r.s.From))
		if !ok {
			continue
		}
		t, err := r.db.Ticket(number)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if t.Token != "" && subtle.ConstantTimeCompare([]byte(t.Token), []byte(token)) == 1 {
			return t, nil
		}
	}
	return nil, nil
}

// notificationToken reads the ticket number and token out of a
// notification's Message-ID ("ticketd.notification.sup-000042.<token>.<hash>@domain").
func notificationToken(id, domain string) (number, token string, ok bool) {
	local, dom, found := strings.Cut(strings.Trim(strings.TrimSpace(id), "<>"), "@")
	if !found || !strings.EqualFold(dom, domain) || !isNotificationID(local) {
		return "", "", false
	}
	parts := strings.Split(strings.TrimPrefix(local, notificationPrefix), ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return "", "", false
	}
	return strings.ToUpper(parts[0]), parts[1], true
}

// agentCommand splits an agent's words into the command on the first
// non-empty line ("" for an answer) and the rest.
func agentCommand(words string) (cmd, rest string) {
	text := strings.TrimLeft(strings.ReplaceAll(words, "\r\n", "\n"), " \t\n")
	first, rest, _ := strings.Cut(text, "\n")
	switch c := strings.ToLower(strings.TrimSpace(first)); c {
	case cmdNote, cmdClose, cmdWarranty:
		return c, strings.TrimSpace(rest)
	}
	return "", strings.TrimSpace(text)
}

// separated says whether an agent's words can go to the customer: they
// must hold none of the quoted notification. The quoted notification is
// recognised by InternalMarker, which heads each of its sections, and by
// the ticket's token; a reply that still holds either was not separated
// from it with certainty.
func separated(words string, t *store.Ticket) (ok bool, why string) {
	lower := strings.ToLower(words)
	switch {
	case strings.TrimSpace(words) == "":
		return false, "No answer was found above the quoted notification."
	case strings.Contains(lower, strings.ToLower(receipt.InternalMarker)) || strings.Contains(lower, "ticketd internal"):
		return false, "The quoted notification (its findings, plan usage and the customer's words) could not be separated from your answer with certainty."
	case t.Token != "" && strings.Contains(lower, t.Token):
		return false, "Your answer holds the ticket's internal reference."
	}
	return true, ""
}

// recordAgentMail records an agent's email to ticket t: an answer relayed
// to the customer, a note, or a command, in one transaction with its
// emails and events.
func (r *Registrar) recordAgentMail(policy *rules.Policy, t *store.Ticket, key string, m *intake.Message, raw []byte) (*Outcome, error) {
	agent := strings.ToLower(strings.TrimSpace(m.From.Addr))
	by := Author{Address: agent, Name: r.s.Desk.Agents[agent]}
	cmd, words := agentCommand(m.OwnText)
	c := r.composer(policy)
	ch := &store.Change{Number: t.Number, Key: key, At: c.now}
	entry := &store.Entry{Agent: agent, AgentName: by.Name, MessageID: m.MessageID, Text: words}
	verdict := "agent_reply"
	switch cmd {
	case cmdNote:
		verdict, entry.Kind = "agent_note", store.EntryNote
		files := c.teamFilesOf(raw) // read here, before the store's transaction
		ch.Compose = func(tk *store.Ticket, _ bool) ([]store.Outgoing, error) {
			return c.forNote(tk, key, files, by, words)
		}
	case cmdClose:
		verdict, entry.Kind, ch.Action = "agent_close", store.EntryClose, store.ActionClose
		ch.Compose = func(tk *store.Ticket, changed bool) ([]store.Outgoing, error) {
			return c.forClose(tk, key, by, changed)
		}
	case cmdWarranty:
		verdict, entry.Kind, ch.Action = "agent_warranty", store.EntryWarranty, store.ActionWarranty
	default:
		entry.Kind = store.EntryReply
		files, omitted, err := intake.ReadAttachments(raw, r.s.Desk.MaxAttachmentBytes)
		ok, why := separated(words, t)
		switch {
		case t.Sender == "":
			ok, why = false, "The customer's personal data was erased from this ticket: there is nobody to answer."
		case err != nil:
			ok, why = false, "Your attachments could not be read."
		case ok && len(omitted) > 0:
			names := make([]string, 0, len(omitted))
			for _, f := range omitted {
				names = append(names, intake.SafeFileName(f.Name, f.MediaType))
			}
			ok, why = false, fmt.Sprintf("Your attachments are larger than the %d bytes an answer may carry (desk.notification_max_attachment_bytes): %s.", r.s.Desk.MaxAttachmentBytes, strings.Join(names, ", "))
		}
		if !ok {
			verdict, entry = "agent_refused", nil
			ch.Compose = func(tk *store.Ticket, _ bool) ([]store.Outgoing, error) {
				return c.forRefusal(tk, key, m, why)
			}
			r.s.Log.Warn("agent answer not relayed", "ticket", t.Number, "agent", agent, "message_id", m.MessageID, "why", why)
			break
		}
		entry.Attachments = m.Attachments
		ch.Compose = func(tk *store.Ticket, _ bool) ([]store.Outgoing, error) {
			return c.forAnswer(tk, key, by, words, carried(files))
		}
	}
	ch.Entry = entry
	res, err := r.db.ChangeTicket(ch)
	if err != nil {
		return nil, fmt.Errorf("agent email %s to %s: %w", key, t.Number, err)
	}
	out := &Outcome{MessageID: m.MessageID, From: agent, Verdict: verdict, Ticket: t.Number, Duplicate: res.Duplicate, Queued: len(res.Queued),
		Subject: m.Subject, Organization: t.Organization, Category: string(t.Category)}
	if res.Ticket != nil {
		out.Status = string(res.Ticket.Status)
	}
	return out, nil
}

// forAnswer relays an agent's answer to the customer: from the support
// address, in the customer's thread, signed with the agent's name.
func (c composer) forAnswer(t *store.Ticket, key string, by Author, words string, files []receipt.Attachment) ([]store.Outgoing, error) {
	e := c.toCustomer(t, receipt.KindAgentReply, key)
	e.Team = &receipt.Team{Agent: by.Address, AgentName: by.Name, Words: words, Attachments: files}
	outs, err := c.outgoing(e)
	if err != nil {
		return nil, err
	}
	outs[0].Uncapped = true
	team, err := c.notify(t, teamNotice{event: receipt.EventReplied, key: key, words: words, by: by, org: organization(c.policy, t.Organization)})
	if err != nil {
		return nil, err
	}
	hooks, err := c.event(webhook.TicketAgentReplied, key, t, webhook.Data{Agent: by.Address, Text: excerpt(words)})
	if err != nil {
		return nil, err
	}
	return join(outs, team, hooks), nil
}

// forNote shows an internal note to the team and the webhooks; nothing
// goes to the customer.
func (c composer) forNote(t *store.Ticket, key string, files *teamFiles, by Author, words string) ([]store.Outgoing, error) {
	team, err := c.notify(t, teamNotice{event: receipt.EventNote, key: key, words: words, by: by, files: files, msg: -1, org: organization(c.policy, t.Organization)})
	if err != nil {
		return nil, err
	}
	hooks, err := c.event(webhook.TicketNoteAdded, key, t, webhook.Data{Agent: by.Address, Text: excerpt(words)})
	if err != nil {
		return nil, err
	}
	return join(team, hooks), nil
}

// forClose tells the customer (desk.closing_email) and the webhooks that
// the ticket is closed; closing a closed ticket sends nothing.
func (c composer) forClose(t *store.Ticket, key string, by Author, changed bool) ([]store.Outgoing, error) {
	if !changed {
		return nil, nil
	}
	var outs []store.Outgoing
	if c.s.Desk.ClosingEmail && t.Sender != "" {
		e := c.toCustomer(t, receipt.KindClosing, key)
		var err error
		if outs, err = c.outgoing(e); err != nil {
			return nil, err
		}
	}
	hooks, err := c.event(webhook.TicketClosed, key, t, webhook.Data{Agent: by.Address})
	if err != nil {
		return nil, err
	}
	return join(outs, hooks), nil
}

// forRefusal tells the agent that the answer was not relayed, and why.
func (c composer) forRefusal(t *store.Ticket, key string, m *intake.Message, why string) ([]store.Outgoing, error) {
	e := &receipt.Email{
		Kind: receipt.KindAgentRefused, Lang: rules.English, From: c.s.From, FromName: c.s.FromName,
		To: strings.ToLower(m.From.Addr), MessageID: c.outgoingID(receipt.KindAgentRefused, t.Number, key),
		InReplyTo: m.MessageID, References: append(append([]string{}, m.References...), m.MessageID),
		Date: c.date(), OriginalSubject: t.Subject, TicketNumber: t.Number, Team: &receipt.Team{Refusal: why},
	}
	outs, err := c.outgoing(e)
	if err != nil {
		return nil, err
	}
	outs[0].Uncapped = true
	return outs, nil
}

// toCustomer starts an email to the ticket's customer in the ticket's
// thread: to the address that wrote last, answering its latest message,
// with References led by the ticket's first message and its receipt.
func (c composer) toCustomer(t *store.Ticket, kind receipt.Kind, key string) *receipt.Email {
	e := &receipt.Email{
		Kind: kind, Lang: t.Lang, From: c.s.From, FromName: c.s.FromName,
		To: t.Sender, ToName: t.SenderName, MessageID: c.outgoingID(kind, t.Number, key),
		Date: c.date(), OriginalSubject: t.Subject, TicketNumber: t.Number, Status: string(t.Status), Category: t.Category,
	}
	last := &intake.Message{}
	if n := len(t.Messages); n > 0 {
		ref := t.Messages[n-1]
		if ref.From != "" {
			e.To = ref.From
		}
		last.MessageID = ref.MessageID
		e.InReplyTo = ref.MessageID
	}
	threadFollowUp(e, t, last)
	return e
}
