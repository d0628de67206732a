package registration

import (
	"log/slog"
	"time"

	"github.com/ticketd/ticketd/intake"
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
}

// Log writes the outcome's "message processed" line; uid is the message's
// IMAP UID, took how long its batch took.
func (o *Outcome) Log(log *slog.Logger, uid uint32, took time.Duration) {
	log.Info("message processed",
		"uid", uid,
		"message_id", o.MessageID,
		"from", o.From,
		"verdict", o.Verdict,
		"ticket", o.Ticket,
		"status", o.Status,
		"duplicate", o.Duplicate,
		"emails_queued", o.Queued,
		"emails_suppressed", o.Suppressed,
		"duration", took.Round(time.Microsecond).String())
}

// outcomeOf summarizes what recording m did.
func (r *Registrar) outcomeOf(m *intake.Message, v rules.Verdict, res *store.Result) *Outcome {
	out := &Outcome{MessageID: m.MessageID, From: m.From.Addr, Verdict: string(v.Outcome), Duplicate: res.Duplicate, Queued: len(res.Queued), Suppressed: res.Suppressed}
	if res.Ticket != nil {
		out.Ticket, out.Status = res.Ticket.Number, string(res.Ticket.Status)
		if !res.Duplicate {
			out.CreatedFor = res.Ticket.Organization
		}
	}
	if !res.Duplicate {
		out.Findings = v.Findings
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
