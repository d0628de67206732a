package metrics

import (
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// MessageFetched counts one message fetched from the inbox.
func (m *Metrics) MessageFetched() {
	if m != nil {
		m.messagesFetched.Inc()
	}
}

// Verdict counts one processed message under its verdict: accepted,
// needs_info, rejected, ignored, follow_up, duplicate or quarantined.
func (m *Metrics) Verdict(v string) {
	if m != nil {
		inc(m.verdicts, v)
	}
}

// Finding counts one policy finding of the named rule (rules.Rule*).
func (m *Metrics) Finding(rule string) {
	if m != nil {
		inc(m.findings, rule)
	}
}

// TicketCreated counts one new ticket for the organization ID. Pass the
// policy's organization ID, never text taken from a message, so that the
// number of series stays bounded.
func (m *Metrics) TicketCreated(org string) {
	if m != nil {
		inc(m.ticketsCreated, org)
	}
}

// FollowUp counts one customer follow-up recorded on an existing ticket.
func (m *Metrics) FollowUp() {
	if m != nil {
		m.followUps.Inc()
	}
}

// SMTPDestinationUp sets the ticketd_smtp_destination_up gauge: whether
// the SMTP server takes sessions.
func (m *Metrics) SMTPDestinationUp(up bool) {
	if m != nil {
		v := 0.0
		if up {
			v = 1
		}
		m.smtpUp.Set(v)
	}
}

// EmailSent counts one email of the kind (receipt.Kind) delivered.
func (m *Metrics) EmailSent(kind string) {
	if m != nil {
		inc(m.emailsSent, kind)
	}
}

// EmailFailed counts one failed delivery attempt of an email of the kind;
// permanent tells a failure that will not be retried.
func (m *Metrics) EmailFailed(kind string, permanent bool) {
	if m != nil {
		inc(m.emailFailures, kind, strconv.FormatBool(permanent))
	}
}

// EmailSuppressed counts one answer not sent because its recipient reached
// the per-sender cap.
func (m *Metrics) EmailSuppressed() {
	if m != nil {
		m.emailsSuppressed.Inc()
	}
}

// SMTPError counts one SMTP connection or protocol error.
func (m *Metrics) SMTPError() {
	if m != nil {
		m.smtpErrors.Inc()
	}
}

// IMAPError counts one IMAP connection or protocol error.
func (m *Metrics) IMAPError() {
	if m != nil {
		m.imapErrors.Inc()
	}
}

// Reconnect counts one IMAP reconnection.
func (m *Metrics) Reconnect() {
	if m != nil {
		m.imapReconnects.Inc()
	}
}

// OAuthRefreshFailed counts one failed OAuth token refresh.
func (m *Metrics) OAuthRefreshFailed() {
	if m != nil {
		m.oauthFailures.Inc()
	}
}

// ProcessingTime records how long one message took to process.
func (m *Metrics) ProcessingTime(d time.Duration) {
	if m != nil {
		m.processingSeconds.Observe(d.Seconds())
	}
}

// PollSucceeded records the time of a successful mailbox poll.
func (m *Metrics) PollSucceeded(at time.Time) {
	if m != nil {
		m.lastPoll.Set(float64(at.UnixNano()) / 1e9)
	}
}

// Webhook delivery outcomes (WebhookDelivery).
const (
	WebhookDelivered = "delivered" // a 2xx answer
	WebhookRetry     = "retry"     // a failure tried again later
	WebhookFailed    = "failed"    // a failure for good
	WebhookDisabled  = "disabled"  // not sent: the endpoint answered 410 Gone
)

// WebhookDelivery counts one delivery attempt to the webhook endpoint (its
// configured name) with the outcome, one of the Webhook* constants.
func (m *Metrics) WebhookDelivery(endpoint, outcome string) {
	if m != nil {
		inc(m.webhookDeliveries, endpoint, outcome)
	}
}

// WebhookEndpointDisabled sets the ticketd_webhook_endpoint_disabled gauge
// of the endpoint: 1 once it answered 410 Gone. Setting it to false for
// each endpoint at start makes the series exist at zero.
func (m *Metrics) WebhookEndpointDisabled(endpoint string, disabled bool) {
	if m != nil {
		v := 0.0
		if disabled {
			v = 1
		}
		m.webhookDisabled.WithLabelValues(strings.ToValidUTF8(endpoint, "\uFFFD")).Set(v)
	}
}

// SetOutbox makes every scrape report ticketd_outbox_depth and
// ticketd_outbox_oldest_age_seconds from f; nil stops reporting them.
// See [OutboxFunc].
func (m *Metrics) SetOutbox(f func() (depth int, oldest time.Duration, err error)) {
	if m == nil {
		return
	}
	if f == nil {
		m.outbox.Store(nil)
		return
	}
	of := OutboxFunc(f)
	m.outbox.Store(&of)
}

// inc increments the series of vec with the label values. Invalid UTF-8,
// which the client library refuses with a panic, is replaced.
func inc(vec *prometheus.CounterVec, values ...string) {
	for i, v := range values {
		values[i] = strings.ToValidUTF8(v, "\uFFFD")
	}
	vec.WithLabelValues(values...).Inc()
}
