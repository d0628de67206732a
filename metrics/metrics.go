// Package metrics holds ticketd's Prometheus instrumentation and its
// health and readiness state, served on the admin listener next to the
// admin API: /metrics, /healthz and /readyz.
//
// A [Metrics] keeps its collectors on a private registry, so a process (or
// a test) may create any number of independent instances. Its recording
// methods are safe for concurrent use and do nothing on a nil *Metrics, so
// code can run without metrics.
package metrics

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "ticketd"

// Verdict label values the daemon reports; [New] creates their series at
// zero so that rates and alerts work before the first occurrence.
var verdicts = []string{
	"accepted", "needs_info", "rejected", "ignored",
	"follow_up", "duplicate", "quarantined",
}

// processingBuckets spans 1 ms to 30 s, in seconds.
var processingBuckets = []float64{
	.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30,
}

// Metrics holds all of ticketd's collectors, on their own registry. The
// zero value is not usable: create one with [New]. A nil *Metrics is a
// valid no-op recorder.
type Metrics struct {
	reg     *prometheus.Registry
	handler http.Handler

	messagesFetched   prometheus.Counter
	verdicts          *prometheus.CounterVec
	findings          *prometheus.CounterVec
	ticketsCreated    *prometheus.CounterVec
	followUps         prometheus.Counter
	emailsSent        *prometheus.CounterVec
	emailFailures     *prometheus.CounterVec
	emailsSuppressed  prometheus.Counter
	smtpErrors        prometheus.Counter
	imapErrors        prometheus.Counter
	imapReconnects    prometheus.Counter
	oauthFailures     prometheus.Counter
	processingSeconds prometheus.Histogram
	lastPoll          prometheus.Gauge
	smtpUp            prometheus.Gauge
	webhookDeliveries *prometheus.CounterVec
	webhookDisabled   *prometheus.GaugeVec

	outbox atomic.Pointer[OutboxFunc]
	store  atomic.Pointer[StoreFunc]
}

// OutboxFunc reports the outgoing queue: how many emails wait and how
// long the oldest has waited. It is called at scrape (or readiness check)
// time, so it must be quick and safe for concurrent use.
type OutboxFunc func() (depth int, oldest time.Duration, err error)

// New returns a Metrics with every ticketd collector, plus the Go runtime
// and process collectors, registered on a fresh private registry.
func New() *Metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help})
	}
	counterVec := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
	}
	m := &Metrics{
		reg:             prometheus.NewRegistry(),
		messagesFetched: counter("messages_fetched_total", "Messages fetched from the support inbox."),
		verdicts:        counterVec("verdicts_total", "Messages processed, by verdict.", "verdict"),
		findings:        counterVec("rule_findings_total", "Policy rule findings, by rule.", "rule"),
		ticketsCreated:  counterVec("tickets_created_total", "Tickets created, by organization.", "organization"),
		followUps:       counter("follow_ups_total", "Customer follow-ups recorded on existing tickets."),
		emailsSent:      counterVec("emails_sent_total", "Emails delivered over SMTP, by kind.", "kind"),
		emailFailures: counterVec("email_failures_total",
			"Failed email delivery attempts, by kind and whether the failure was permanent.", "kind", "permanent"),
		emailsSuppressed: counter("emails_suppressed_total", "Answers not sent because the sender reached the per-sender cap."),
		smtpErrors:       counter("smtp_errors_total", "SMTP connection or protocol errors."),
		imapErrors:       counter("imap_errors_total", "IMAP connection or protocol errors."),
		imapReconnects:   counter("imap_reconnects_total", "IMAP reconnections."),
		oauthFailures:    counter("oauth_refresh_failures_total", "Failed OAuth token refreshes."),
		processingSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace,
			Name:      "message_processing_seconds",
			Help:      "Time spent on one message: judging it, then its commit (or its share of its batch's).",
			Buckets:   processingBuckets,
		}),
		lastPoll: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace,
			Name:      "last_successful_poll_timestamp_seconds",
			Help:      "Unix time of the last successful mailbox poll.",
		}),
		smtpUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace,
			Name:      "smtp_destination_up",
			Help:      "1 while the SMTP server takes sessions, 0 while the outbox defers it (unreachable, refusing connections, the login or the session).",
		}),
	}
	m.webhookDeliveries = counterVec("webhook_deliveries_total",
		"Webhook delivery attempts, by endpoint and outcome: delivered, retry (a failure tried again later), failed (for good), disabled (not sent: the endpoint answered 410 Gone).",
		"endpoint", "outcome")
	m.webhookDisabled = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: namespace,
		Name:      "webhook_endpoint_disabled",
		Help:      "1 once the webhook endpoint answered 410 Gone: nothing more is sent to it until a restart.",
	}, []string{"endpoint"})
	m.smtpUp.Set(1)
	for _, v := range verdicts {
		m.verdicts.WithLabelValues(v)
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.messagesFetched, m.verdicts, m.findings, m.ticketsCreated, m.followUps,
		m.emailsSent, m.emailFailures, m.emailsSuppressed, m.smtpErrors,
		m.imapErrors, m.imapReconnects, m.oauthFailures, m.processingSeconds,
		m.lastPoll, m.smtpUp, m.webhookDeliveries, m.webhookDisabled, newOutboxCollector(&m.outbox), newStoreCollector(&m.store),
	)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
	return m
}

// Handler serves this instance's metrics in the Prometheus exposition
// formats. On a nil *Metrics it answers 404.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return m.handler
}

// Registry returns the private registry, for callers that want to add
// their own collectors or gather directly. It is nil on a nil *Metrics.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}
