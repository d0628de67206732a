package registration

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
	"github.com/ticketd/ticketd/webhook"
)

// maxQuoteRunes bounds the customer text quoted back in an email.
const maxQuoteRunes = 500

// composer builds the emails ticketd sends for one judged message. Its
// methods are pure: they run inside the store's write transaction.
type composer struct {
	s      *Settings
	now    time.Time
	policy *rules.Policy
}

// composer returns the composer for a message recorded now under policy.
func (r *Registrar) composer(policy *rules.Policy) composer {
	return composer{s: &r.s, now: r.s.Now(), policy: policy}
}

// outgoingID derives a stable, unique Message-ID for one email: the same
// ticket event always gets the same ID, so a retried transaction or a
// retried delivery never produces a different message.
func (c composer) outgoingID(kind receipt.Kind, ticket, msgKey string) string {
	h := sha256.Sum256([]byte(msgKey))
	local := fmt.Sprintf("ticketd.%s.%s", kind, hex.EncodeToString(h[:8]))
	if ticket != "" {
		local = fmt.Sprintf("ticketd.%s.%s.%s", kind, strings.ToLower(ticket), hex.EncodeToString(h[:6]))
	}
	return local + "@" + domainOf(c.s.From)
}

func domainOf(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 && at < len(addr)-1 {
		return strings.ToLower(addr[at+1:])
	}
	return "ticketd.invalid"
}

// base fills what every email to the sender of m shares.
func (c composer) base(kind receipt.Kind, m *intake.Message, v rules.Verdict) *receipt.Email {
	e := &receipt.Email{
		Kind:            kind,
		Lang:            v.Lang,
		From:            c.s.From,
		FromName:        c.s.FromName,
		To:              replyAddress(m),
		ToName:          m.From.Name,
		InReplyTo:       m.MessageID,
		Date:            c.now.UTC().Truncate(time.Second),
		OriginalSubject: m.Subject,
		Category:        v.Category,
		Quote:           truncateRunes(m.OwnText, maxQuoteRunes),
	}
	e.References = append(e.References, m.References...)
	if m.MessageID != "" && !contains(e.References, m.MessageID) {
		e.References = append(e.References, m.MessageID)
	}
	return e
}

// replyAddress is where answers go: the From address. Reply-To is not
// used: rules judged the From address, and answering elsewhere would let a
// forged Reply-To redirect receipts.
func replyAddress(m *intake.Message) string { return m.From.Addr }

// forNewMessage returns the store's Compose function for a new message:
// a receipt for a registered ticket, a rejection for a turned-away one, and
// nothing for ignored mail.
func (c composer) forNewMessage(key string, m *intake.Message, raw []byte, v rules.Verdict, org *rules.Organization) func(*store.Ticket) ([]store.Outgoing, error) {
	var files *teamFiles
	if v.Registered() {
		files = c.teamFilesOf(raw) // read here, before the store's transaction
	}
	return func(t *store.Ticket) ([]store.Outgoing, error) {
		switch {
		case v.Outcome == rules.Ignored:
			return nil, nil
		case v.Outcome == rules.Rejected:
			outs, err := c.rejection(key, m, v, org)
			if err != nil {
				return nil, err
			}
			// The team hears of it; the sender's words never go anywhere.
			hooks, err := c.event(webhook.MessageRejected, key, nil, webhook.Data{Sender: m.From.Addr, Organization: v.Organization, Reason: firstBlocking(v)})
			return append(outs, hooks...), err
		case t == nil:
			return nil, fmt.Errorf("compose: verdict %s without a ticket", v.Outcome)
		}
		outs, err := c.receipt(t, key, m, v, org)
		if err != nil {
			return nil, err
		}
		team, err := c.notify(t, teamNotice{event: receipt.EventNew, key: key, m: m, files: files, msg: 0, verdict: &v, org: org})
		if err != nil {
			return nil, err
		}
		hooks, err := c.event(webhook.TicketCreated, key, t, webhook.Data{Text: excerpt(m.OwnText)})
		if err != nil {
			return nil, err
		}
		return join(outs, team, hooks), nil
	}
}

// rejection returns the rejection of m, or nothing when its From address
// may be forged: answering it would send mail to someone who never wrote
// (backscatter).
func (c composer) rejection(key string, m *intake.Message, v rules.Verdict, org *rules.Organization) ([]store.Outgoing, error) {
	if noReplyTo(c.policy, m, v) != "" {
		return nil, nil
	}
	// Nothing the sender wrote goes back: not the subject, the words,
	// the links, the display name (receipt drops them too).
	e := c.base(receipt.KindRejection, m, v)
	e.Quote, e.OriginalSubject, e.ToName = "", "", ""
	e.MessageID = c.outgoingID(receipt.KindRejection, "", key)
	e.RejectRule = firstBlocking(v)
	e.HowToReach = c.s.HowToReach
	if org != nil {
		e.Organization = org.Name
	}
	return c.outgoing(e)
}

// receipt returns the receipt of new ticket t.
func (c composer) receipt(t *store.Ticket, key string, m *intake.Message, v rules.Verdict, org *rules.Organization) ([]store.Outgoing, error) {
	e := c.base(receipt.KindReceipt, m, v)
	e.MessageID = c.outgoingID(receipt.KindReceipt, t.Number, key)
	e.TicketNumber = t.Number
	e.Status = string(t.Status)
	e.Findings = v.Findings
	e.Quota = quotaOf(t, org)
	e.Quota.SelfService = v.Has(rules.RuleSelfService)
	if org != nil {
		e.Organization = org.Name
		e.Quota.Period = periodLabel(rules.PlanPeriod(org, t.ReceivedAt))
	}
	return c.outgoing(e)
}

// forHeld returns the store's notice for a message held over its
// contact's hourly rate of new tickets: no number, nothing quoted.
func (c composer) forHeld(key string, m *intake.Message, v rules.Verdict) func() ([]store.Outgoing, error) {
	return func() ([]store.Outgoing, error) {
		e := c.base(receipt.KindHeld, m, v)
		e.Quote, e.OriginalSubject, e.ToName = "", "", ""
		e.MessageID = c.outgoingID(receipt.KindHeld, "", key)
		return c.outgoing(e)
	}
}

// heldEvents returns the webhook events of a held message (every one,
// while its notice goes at most once an hour).
func (c composer) heldEvents(key string, m *intake.Message, v rules.Verdict) func() ([]store.Outgoing, error) {
	return func() ([]store.Outgoing, error) {
		return c.event(webhook.MessageHeld, key, nil, webhook.Data{Sender: m.From.Addr, Organization: v.Organization, Reason: "over the contact's hourly rate of new tickets"})
	}
}

// outgoing encodes e for the outbox. Its per-recipient cap counts the
// recipient's contact (plus sub-addresses are their contact) while the
// email goes to the exact address that wrote; rejections are capped across
// all recipients too (receipt.max_rejections_per_hour).
func (c composer) outgoing(e *receipt.Email) ([]store.Outgoing, error) {
	payload, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode %s email: %w", e.Kind, err)
	}
	o := store.Outgoing{Kind: string(e.Kind), To: e.To, MessageID: e.MessageID, Payload: payload, CapKey: c.policy.BaseAddress(e.To)}
	if e.Kind == receipt.KindRejection {
		o.KindCapPerHour = c.s.MaxRejectionsPerHour
	}
	return []store.Outgoing{o}, nil
}

func firstBlocking(v rules.Verdict) string {
	for _, f := range v.Findings {
		if f.Outcome == v.Outcome {
			return f.Rule
		}
	}
	return ""
}

func truncateRunes(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + " …"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// periodLabel shows a plan period to a customer: its first and last day.
// planKind is the receipt's name for the organization's plan period.
func planKind(org *rules.Organization) string {
	if org.PlanPeriod == rules.PeriodYearly {
		return receipt.PeriodYearly
	}
	return receipt.PeriodMonthly
}

func periodLabel(p rules.Period) string {
	return p.Start.Format("2006-01-02") + " – " + p.End.AddDate(0, 0, -1).Format("2006-01-02")
}
