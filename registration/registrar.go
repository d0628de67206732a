package registration

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// Settings are what registration needs from the configuration.
type Settings struct {
	// Prefix starts every ticket number (tickets.prefix).
	Prefix string
	// From and FromName sign the emails ticketd sends (smtp.from,
	// smtp.from_name); From's domain ends their Message-IDs.
	From, FromName string
	// HowToReach tells a turned-away sender how to reach support.
	HowToReach rules.Text
	// MaxAutoRepliesPerHour caps the automatic emails to one address
	// (receipt.max_per_sender_per_hour; 0: no cap).
	MaxAutoRepliesPerHour int
	// MaxRejectionsPerHour caps the rejections to all senders together
	// in any hour (receipt.max_rejections_per_hour; 0: no cap).
	MaxRejectionsPerHour int
	// MaxNewTicketsPerContactPerHour holds a contact's new tickets beyond
	// it in an hour for support to release
	// (rules.max_new_tickets_per_contact_per_hour; 0: off).
	MaxNewTicketsPerContactPerHour int
	// Limits bound the parser.
	Limits intake.Limits
	// Desk is the support team's side: notifications, agents, webhooks.
	Desk Desk
	// Auth adds ticketd's own DKIM verdict; nil without security.verify_dkim.
	Auth *Authenticator
	// Log receives the warnings about forged senders and capped replies.
	Log *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Registrar records judged messages in a store. The store has one writer:
// one Registrar, used by one inbox worker (Prepare alone may run on many
// goroutines at once).
type Registrar struct {
	db *store.DB
	s  Settings
	// policy holds the organizations, contacts and rule settings; a reload
	// swaps it. Each message is judged with one snapshot.
	policy atomic.Pointer[rules.Policy]
	// tag finds ticket tags ("[SUP-000042]") in subjects.
	tag *regexp.Regexp
}

// New returns a Registrar writing to db with policy in force.
func New(db *store.DB, policy *rules.Policy, s Settings) *Registrar {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	r := &Registrar{db: db, s: s, tag: TicketTag(s.Prefix)}
	r.policy.Store(policy)
	return r
}

// Policy is the policy in force.
func (r *Registrar) Policy() *rules.Policy { return r.policy.Load() }

// SetPolicy swaps the policy in force (a configuration reload); messages
// being judged keep the one they started with.
func (r *Registrar) SetPolicy(p *rules.Policy) { r.policy.Store(p) }

// OwnTransaction reports whether p must be recorded on its own, after
// what came before it is committed: a possible follow-up (it names a
// ticket or a Message-ID, maybe of a message earlier in the same batch),
// and mail of an organization that rejects tickets over its plan (the
// ledger must include the batch).
func (r *Registrar) OwnTransaction(p *Prepared) bool {
	m, v := p.Judgement.Msg, p.Judgement.Verdict
	if v.Outcome == rules.Ignored {
		return false
	}
	if len(m.InReplyTo) > 0 || len(m.References) > 0 || r.tag.MatchString(m.Subject) {
		return true
	}
	org := organization(p.Policy, v.Organization)
	return org != nil && org.OverPlan == rules.OverPlanReject
}

// Record judges one raw message and writes it, its ticket (if any), its
// quota deduction and its outgoing emails in one store transaction.
// Recording the same message twice is a no-op that reports a duplicate.
func (r *Registrar) Record(ctx context.Context, raw []byte, received time.Time) (*Outcome, error) {
	return r.RecordPrepared(r.Prepare(ctx, raw, received))
}

// RecordPrepared records one prepared message in its own transaction,
// joining it to its ticket when it is a follow-up.
func (r *Registrar) RecordPrepared(p *Prepared) (*Outcome, error) {
	if p.ParseErr != nil {
		return nil, p.ParseErr
	}
	m, v := p.Judgement.Msg, p.Judgement.Verdict
	if v.Outcome != rules.Ignored {
		t, err := r.agentTicket(p.Policy, m, v)
		if err != nil {
			return nil, fmt.Errorf("find ticket answered by %s: %w", m.Key(), err)
		}
		if t != nil {
			return r.recordAgentMail(p.Policy, t, m.Key(), m, p.Raw)
		}
		t, err = r.conversationTicket(m)
		if err != nil {
			return nil, fmt.Errorf("find conversation of %s: %w", m.Key(), err)
		}
		if t != nil && joins(v, t) {
			out, err := r.recordFollowUp(p.Policy, t, m.Key(), m, p.Raw, p.Received)
			if !errors.Is(err, store.ErrTicketClosed) {
				return out, err
			}
			// Closed meanwhile: the message starts a new ticket.
		}
	}
	in, v, err := r.newIntake(p)
	if err != nil {
		return nil, err
	}
	res, err := r.db.Record(in)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", in.Key, err)
	}
	return r.outcomeOf(m, v, res), nil
}

// Group is new messages recorded together in one transaction (one
// fsync): none of them a follow-up or subject to the over-plan rule (see
// OwnTransaction).
type Group struct {
	r        *Registrar
	intakes  []*store.Intake
	verdicts []rules.Verdict
	msgs     []*intake.Message
}

// NewGroup starts an empty group.
func (r *Registrar) NewGroup() *Group { return &Group{r: r} }

// Add adds p to the group. An error concerns p alone, which is not added.
func (g *Group) Add(p *Prepared) error {
	in, v, err := g.r.newIntake(p)
	if err != nil {
		return err
	}
	g.intakes = append(g.intakes, in)
	g.verdicts = append(g.verdicts, v)
	g.msgs = append(g.msgs, p.Judgement.Msg)
	return nil
}

// Len is how many messages were added.
func (g *Group) Len() int { return len(g.intakes) }

// Commit records the group in one transaction and returns the outcomes in
// the order of Add. After an error nothing was recorded: the caller may
// record the messages one by one with RecordPrepared.
func (g *Group) Commit() ([]*Outcome, error) {
	if len(g.intakes) == 0 {
		return nil, nil
	}
	results, err := g.r.db.RecordBatch(g.intakes)
	if err != nil {
		return nil, err
	}
	outs := make([]*Outcome, len(results))
	for i, res := range results {
		outs[i] = g.r.outcomeOf(g.msgs[i], g.verdicts[i], res)
	}
	return outs, nil
}

// newIntake builds the store's record of a new message (not a follow-up),
// with the emails to send composed inside the transaction.
func (r *Registrar) newIntake(p *Prepared) (*store.Intake, rules.Verdict, error) {
	m, v := p.Judgement.Msg, p.Judgement.Verdict
	org := organization(p.Policy, v.Organization)
	if rules.PlanLimited(v, org) {
		used, err := r.planUsage(org, p.Received)
		if err != nil {
			return nil, v, err
		}
		v = rules.PlanExhausted(v, org, used)
	}
	in := &store.Intake{
		Key:                   m.Key(),
		MessageID:             m.MessageID,
		From:                  m.From.Addr,
		FromName:              m.From.Name,
		Subject:               m.Subject,
		ReceivedAt:            p.Received.UTC(),
		Raw:                   p.Raw,
		Outcome:               v.Outcome,
		Category:              v.Category,
		Lang:                  v.Lang,
		Findings:              v.Findings,
		Reasons:               v.Reasons,
		Organization:          v.Organization,
		DeductsQuota:          v.DeductsQuota,
		Warranty:              v.Warranty,
		Attachments:           m.Attachments,
		Prefix:                r.s.Prefix,
		MaxAutoRepliesPerHour: r.s.MaxAutoRepliesPerHour,
	}
	if org != nil && v.Registered() {
		in.Period = rules.PlanPeriod(org, p.Received).Key()
		in.Included = org.TicketsIncluded
	}
	c := r.composer(p.Policy)
	in.Compose = c.forNewMessage(in.Key, m, p.Raw, v, org)
	in.NoReply = noReplyTo(p.Policy, m, v)
	if v.Registered() && v.Contact != "" && r.s.MaxNewTicketsPerContactPerHour > 0 {
		in.Hold = store.Hold{
			Contact:    p.Policy.BaseAddress(v.Contact),
			MaxPerHour: r.s.MaxNewTicketsPerContactPerHour,
			Notice:     c.forHeld(in.Key, m, v),
			Events:     c.heldEvents(in.Key, m, v),
		}
	}
	if v.Has(rules.RuleSenderAuthentic) {
		r.s.Log.Warn("forged or unauthenticated sender: rejected without a reply", "from", m.From.Addr, "message_id", m.MessageID)
	}
	return in, v, nil
}

// planUsage is how many tickets org has used in the plan period of
// received, for rules.PlanExhausted. The store has one writer, the inbox
// worker, so the count read here is the one Record would see.
func (r *Registrar) planUsage(org *rules.Organization, received time.Time) (int, error) {
	period := rules.PlanPeriod(org, received).Key()
	entries, err := r.db.Ledger(org.ID)
	if err != nil {
		return 0, fmt.Errorf("read ledger of %s: %w", org.ID, err)
	}
	for _, e := range entries {
		if e.Period == period {
			return e.Used, nil
		}
	}
	return 0, nil
}

func organization(p *rules.Policy, id string) *rules.Organization {
	for i := range p.Organizations {
		if p.Organizations[i].ID == id {
			return &p.Organizations[i]
		}
	}
	return nil
}
