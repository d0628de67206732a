package registration

import (
	"log/slog"
	"strings"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// Outcome summarizes what recording one message did, for the log line and
// the metrics.
type Outcome struct {
	MessageID, From, Verdict, Ticket, Status string
	Duplicate                                bool
	// Queued emails went to the outbox; Suppressed ones were over the
	// per-sender cap.
	Queued, Suppressed int
	// CreatedFor is the new ticket's organization ("" when none was
	// created); Findings are the rules that fired (none for a duplicate).
	CreatedFor string
	Findings   []rules.Finding
	// For the log line: the sender's organization ("" when none), the
	// subject, the ticket's category, the IDs of the rules that fired
	// (for a follow-up, those of the conversation judged again) and
	// whether the message followed up an existing ticket.
	Organization, Subject, Category string
	Rules                           []string
	FollowUp                        bool
}

// maxLoggedSubject bounds the subject in the log line.
const maxLoggedSubject = 80

// Log writes the outcome's "message processed" line, the one line per
// message taken in; uid is the message's IMAP UID, took the time spent on
// this message alone (judging it and its share of the commit), not its
// batch's.
func (o *Outcome) Log(log *slog.Logger, uid uint32, took time.Duration) {
	log.Info("message processed",
		"uid", uid,
		"message_id", o.MessageID,
		"organization", o.Organization,
		"sender", o.From,
		"subject", oneline.Cut(o.Subject, maxLoggedSubject),
		"verdict", o.Verdict,
		"category", o.Category,
		"rules", strings.Join(o.Rules, ","),
		"ticket", o.Ticket,
		"status", o.Status,
		"follow_up", o.FollowUp,
		"duplicate", o.Duplicate,
		"emails_queued", o.Queued,
		"emails_suppressed", o.Suppressed,
		"duration", took.Round(time.Microsecond).String())
}

// ruleIDs are the IDs of the rules that fired.
func ruleIDs(fs []rules.Finding) []string {
	ids := make([]string, 0, len(fs))
	for _, f := range fs {
		ids = append(ids, f.Rule)
	}
	return ids
}

// outcomeOf summarizes what recording m did.
func (r *Registrar) outcomeOf(m *intake.Message, v rules.Verdict, res *store.Result) *Outcome {
	out := &Outcome{MessageID: m.MessageID, From: m.From.Addr, Verdict: string(v.Outcome), Duplicate: res.Duplicate, Queued: len(res.Queued), Suppressed: res.Suppressed,
		Organization: v.Organization, Subject: m.Subject, Category: string(v.Category)}
	if res.Ticket != nil {
		out.Organization, out.Category = res.Ticket.Organization, string(res.Ticket.Category)
		out.Ticket, out.Status = res.Ticket.Number, string(res.Ticket.Status)
		if !res.Duplicate {
			out.CreatedFor = res.Ticket.Organization
		}
	}
	if !res.Duplicate {
		out.Findings, out.Rules = v.Findings, ruleIDs(v.Findings)
		if res.Ticket == nil && v.Registered() {
			// Over the contact's hourly rate of new tickets.
			out.Verdict = store.ReasonHeld
		}
	}
	if res.Suppressed > 0 {
		r.s.Log.Warn("automatic email suppressed: per-sender cap or hourly rejection cap reached", "to", m.From.Addr, "per_sender_per_hour", r.s.MaxAutoRepliesPerHour, "rejections_per_hour", r.s.MaxRejectionsPerHour, "message_id", m.MessageID)
	}
	return out
}
