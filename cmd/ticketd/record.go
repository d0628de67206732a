package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// parseError is a message that cannot be parsed: it goes to quarantine.
type parseError struct {
	key string // dedupe key of the raw bytes (content hash)
	err error
}

func (e *parseError) Error() string { return "cannot parse message: " + e.err.Error() }
func (e *parseError) Unwrap() error { return e.err }

// outcome summarizes what happened to one message, for the log line.
type outcome struct {
	messageID, from, verdict, ticket, status string
	duplicate                                bool
	queued, suppressed                       int
	// For the metrics: the new ticket's organization ("" when none was
	// created) and the rules that fired.
	createdFor string
	findings   []rules.Finding
}

func (o outcome) log(log *slog.Logger, uid imap.UID, took time.Duration) {
	log.Info("message processed",
		"uid", uint32(uid),
		"message_id", o.messageID,
		"from", o.from,
		"verdict", o.verdict,
		"ticket", o.ticket,
		"status", o.status,
		"duplicate", o.duplicate,
		"emails_queued", o.queued,
		"emails_suppressed", o.suppressed,
		"duration", took.Round(time.Microsecond).String())
}

// prepared is one message judged and ready to be recorded.
type prepared struct {
	raw      []byte
	received time.Time
	policy   *rules.Policy
	j        *judgement
	parseErr *parseError
}

// prepare judges raw with the policy in force. It does no I/O beyond the
// DKIM lookups of security.verify_dkim, so messages can be prepared in
// parallel.
func (d *daemon) prepare(raw []byte, received time.Time) *prepared {
	if received.IsZero() {
		received = d.now()
	}
	p := &prepared{raw: raw, received: received, policy: d.policy.Load()}
	j, err := judge(raw, p.policy, d.limits, received, d.auth)
	if err != nil {
		p.parseErr = &parseError{key: contentKey(raw), err: err}
		return p
	}
	p.j = j
	return p
}

// ownTransaction reports whether p must be recorded on its own, after
// what came before it is committed: a possible follow-up (it names a
// ticket or a Message-ID, maybe of a message earlier in the same batch),
// and mail of an organization that rejects tickets over its plan (the
// ledger must include the batch).
func (d *daemon) ownTransaction(p *prepared) bool {
	m, v := p.j.Msg, p.j.Verdict
	if v.Outcome == rules.Ignored {
		return false
	}
	if len(m.InReplyTo) > 0 || len(m.References) > 0 || d.tag.MatchString(m.Subject) {
		return true
	}
	org := organization(p.policy, v.Organization)
	return org != nil && org.OverPlan == rules.OverPlanReject
}

// record judges one raw message and writes it, its ticket (if any), its
// quota deduction and its outgoing emails in one store transaction.
// Recording the same message twice is a no-op that reports a duplicate.
func (d *daemon) record(raw []byte, received time.Time) (*outcome, error) {
	return d.recordPrepared(d.prepare(raw, received))
}

// recordPrepared records one prepared message in its own transaction,
// joining it to its ticket when it is a follow-up.
func (d *daemon) recordPrepared(p *prepared) (*outcome, error) {
	if p.parseErr != nil {
		return nil, p.parseErr
	}
	m, v := p.j.Msg, p.j.Verdict
	if v.Outcome != rules.Ignored {
		t, err := d.conversationTicket(m)
		if err != nil {
			return nil, fmt.Errorf("find conversation of %s: %w", m.Key(), err)
		}
		if t != nil && joins(v, t) {
			out, err := d.recordFollowUp(p.policy, t, m.Key(), m, p.raw, p.received)
			if !errors.Is(err, store.ErrTicketClosed) {
				return out, err
			}
			// Closed meanwhile: the message starts a new ticket.
		}
	}
	in, v, err := d.intake(p)
	if err != nil {
		return nil, err
	}
	res, err := d.db.Record(in)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", in.Key, err)
	}
	return d.outcomeOf(m, v, res), nil
}

// intake builds the store's record of a new message (not a follow-up),
// with the emails to send composed inside the transaction.
func (d *daemon) intake(p *prepared) (*store.Intake, rules.Verdict, error) {
	m, v := p.j.Msg, p.j.Verdict
	org := organization(p.policy, v.Organization)
	if rules.PlanLimited(v, org) {
		used, err := d.planUsage(org, p.received)
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
		ReceivedAt:            p.received.UTC(),
		Raw:                   p.raw,
		Outcome:               v.Outcome,
		Category:              v.Category,
		Lang:                  v.Lang,
		Findings:              v.Findings,
		Organization:          v.Organization,
		DeductsQuota:          v.DeductsQuota,
		Warranty:              v.Warranty,
		Attachments:           m.Attachments,
		Prefix:                d.cfg.Tickets.Prefix,
		MaxAutoRepliesPerHour: d.cfg.Receipt.MaxPerSenderPerHour,
	}
	if org != nil && v.Registered() {
		in.Period = rules.PlanPeriod(org, p.received).Key()
		in.Included = org.TicketsIncluded
	}
	in.Compose = composer{cfg: d.cfg, now: d.now()}.forNewMessage(in.Key, m, v, org)
	if v.Has(rules.RuleSenderAuthentic) {
		d.log.Warn("forged or unauthenticated sender: rejected without a reply", "from", m.From.Addr, "message_id", m.MessageID)
	}
	return in, v, nil
}

// outcomeOf summarizes what recording m did, for the log and the metrics.
func (d *daemon) outcomeOf(m *intake.Message, v rules.Verdict, res *store.Result) *outcome {
	out := &outcome{messageID: m.MessageID, from: m.From.Addr, verdict: string(v.Outcome), duplicate: res.Duplicate, queued: len(res.Queued), suppressed: res.Suppressed}
	if res.Ticket != nil {
		out.ticket, out.status = res.Ticket.Number, string(res.Ticket.Status)
		if !res.Duplicate {
			out.createdFor = res.Ticket.Organization
		}
	}
	if !res.Duplicate {
		out.findings = v.Findings
	}
	if res.Suppressed > 0 {
		d.log.Warn("automatic email suppressed: per-sender cap reached", "to", m.From.Addr, "cap_per_hour", d.cfg.Receipt.MaxPerSenderPerHour, "message_id", m.MessageID)
	}
	return out
}

// planUsage is how many tickets org has used in the plan period of
// received, for rules.PlanExhausted. The store has one writer, the inbox
// worker, so the count read here is the one Record would see.
func (d *daemon) planUsage(org *rules.Organization, received time.Time) (int, error) {
	period := rules.PlanPeriod(org, received).Key()
	entries, err := d.db.Ledger(org.ID)
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

// rawMessageID finds a Message-ID in a message that could not be parsed,
// the way the IMAP server's ENVELOPE reports it.
var rawMessageID = regexp.MustCompile(`(?im)^message-id:[ \t]*<([^>\r\n]{1,500})>`)

// contentKey identifies raw bytes that could not be parsed: by the
// Message-ID when one can be found, else by a hash of the content.
func contentKey(raw []byte) string {
	head := raw
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	if m := rawMessageID.FindSubmatch(head); m != nil {
		return "mid:" + string(m[1])
	}
	h := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(h[:])
}
