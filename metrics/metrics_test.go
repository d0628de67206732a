package metrics

import (
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRecordersChangeTheirSeries(t *testing.T) {
	tests := []struct {
		name   string
		record func(*Metrics)
		want   map[string]float64 // series -> change
	}{
		{"MessageFetched", (*Metrics).MessageFetched,
			map[string]float64{"ticketd_messages_fetched_total": 1}},
		{"Verdict known", func(m *Metrics) { m.Verdict("needs_info") },
			map[string]float64{`ticketd_verdicts_total{verdict="needs_info"}`: 1}},
		{"Verdict quarantined", func(m *Metrics) { m.Verdict("quarantined") },
			map[string]float64{`ticketd_verdicts_total{verdict="quarantined"}`: 1}},
		{"Finding", func(m *Metrics) { m.Finding("evidence.attached"); m.Finding("evidence.attached") },
			map[string]float64{`ticketd_rule_findings_total{rule="evidence.attached"}`: 2}},
		{"TicketCreated", func(m *Metrics) { m.TicketCreated("acme") },
			map[string]float64{`ticketd_tickets_created_total{organization="acme"}`: 1}},
		{"FollowUp", (*Metrics).FollowUp,
			map[string]float64{"ticketd_follow_ups_total": 1}},
		{"EmailSent", func(m *Metrics) { m.EmailSent("receipt") },
			map[string]float64{`ticketd_emails_sent_total{kind="receipt"}`: 1}},
		{"EmailFailed temporary", func(m *Metrics) { m.EmailFailed("ack", false) },
			map[string]float64{`ticketd_email_failures_total{kind="ack",permanent="false"}`: 1}},
		{"EmailFailed permanent", func(m *Metrics) { m.EmailFailed("rejection", true) },
			map[string]float64{`ticketd_email_failures_total{kind="rejection",permanent="true"}`: 1}},
		{"EmailSuppressed", (*Metrics).EmailSuppressed,
			map[string]float64{"ticketd_emails_suppressed_total": 1}},
		{"SMTPError", (*Metrics).SMTPError,
			map[string]float64{"ticketd_smtp_errors_total": 1}},
		{"IMAPError", (*Metrics).IMAPError,
			map[string]float64{"ticketd_imap_errors_total": 1}},
		{"Reconnect", (*Metrics).Reconnect,
			map[string]float64{"ticketd_imap_reconnects_total": 1}},
		{"OAuthRefreshFailed", (*Metrics).OAuthRefreshFailed,
			map[string]float64{"ticketd_oauth_refresh_failures_total": 1}},
		{"ProcessingTime", func(m *Metrics) { m.ProcessingTime(1500 * time.Millisecond) },
			map[string]float64{"ticketd_message_processing_seconds_count": 1, "ticketd_message_processing_seconds_sum": 1.5}},
		{"PollSucceeded", func(m *Metrics) { m.PollSucceeded(time.Unix(1_700_000_000, 500_000_000)) },
			map[string]float64{"ticketd_last_successful_poll_timestamp_seconds": 1_700_000_000.5}},
		{"WebhookDelivery", func(m *Metrics) { m.WebhookDelivery("ops", WebhookDelivered); m.WebhookDelivery("ops", WebhookRetry) },
			map[string]float64{`ticketd_webhook_deliveries_total{endpoint="ops",outcome="delivered"}`: 1, `ticketd_webhook_deliveries_total{endpoint="ops",outcome="retry"}`: 1}},
		{"WebhookEndpointDisabled", func(m *Metrics) { m.WebhookEndpointDisabled("ops", true) },
			map[string]float64{`ticketd_webhook_endpoint_disabled{endpoint="ops"}`: 1}},
		{"invalid UTF-8 label is replaced, not a panic", func(m *Metrics) { m.TicketCreated("a\xffb") },
			map[string]float64{"ticketd_tickets_created_total{organization=\"a\ufffdb\"}": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New()
			before := series(t, m)
			tt.record(m)
			got := changed(before, series(t, m))
			if !maps.Equal(got, tt.want) {
				t.Errorf("changed series = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerdictSeriesExistAtZero(t *testing.T) {
	s := series(t, New())
	for _, v := range []string{"accepted", "needs_info", "rejected", "ignored", "follow_up", "duplicate", "quarantined"} {
		key := `ticketd_verdicts_total{verdict="` + v + `"}`
		if val, ok := s[key]; !ok || val != 0 {
			t.Errorf("%s = %v (present %v), want 0 present", key, val, ok)
		}
	}
}

func TestProcessingTimeBuckets(t *testing.T) {
	m := New()
	for _, d := range []time.Duration{500 * time.Microsecond, 3 * time.Millisecond, 2 * time.Second, time.Minute} {
		m.ProcessingTime(d)
	}
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	cumulative := map[float64]uint64{}
	for _, mf := range mfs {
		if mf.GetName() == "ticketd_message_processing_seconds" {
			h := mf.GetMetric()[0].GetHistogram()
			if h.GetSampleCount() != 4 {
				t.Errorf("count = %d, want 4", h.GetSampleCount())
			}
			for _, b := range h.GetBucket() {
				cumulative[b.GetUpperBound()] = b.GetCumulativeCount()
			}
		}
	}
	want := map[float64]uint64{0.001: 1, 0.005: 2, 1: 2, 2.5: 3, 30: 3}
	for le, n := range want {
		if got, ok := cumulative[le]; !ok || got != n {
			t.Errorf("bucket le=%v: %d (present %v), want %d", le, got, ok, n)
		}
	}
}

// An endpoint's disabled gauge exists at zero once set so at start, and
// goes back to zero when told.
func TestWebhookEndpointDisabledGauge(t *testing.T) {
	m := New()
	const key = `ticketd_webhook_endpoint_disabled{endpoint="ops"}`
	for _, step := range []struct {
		disabled bool
		want     float64
	}{{false, 0}, {true, 1}, {false, 0}} {
		m.WebhookEndpointDisabled("ops", step.disabled)
		if v, ok := series(t, m)[key]; !ok || v != step.want {
			t.Errorf("after WebhookEndpointDisabled(%v): %s = %v (present %v), want %v", step.disabled, key, v, ok, step.want)
		}
	}
}

func TestNilMetricsIsANoOp(t *testing.T) {
	var m *Metrics
	m.MessageFetched()
	m.Verdict("accepted")
	m.Finding("x")
	m.TicketCreated("acme")
	m.FollowUp()
	m.EmailSent("receipt")
	m.EmailFailed("receipt", true)
	m.EmailSuppressed()
	m.SMTPError()
	m.IMAPError()
	m.Reconnect()
	m.OAuthRefreshFailed()
	m.ProcessingTime(time.Second)
	m.PollSucceeded(time.Now())
	m.SetOutbox(func() (int, time.Duration, error) { return 1, 0, nil })
	m.WebhookDelivery("ops", WebhookDelivered)
	m.WebhookEndpointDisabled("ops", true)
	if m.Registry() != nil {
		t.Error("nil Metrics has a registry")
	}
	if code, _ := get(t, m.Handler(), "/metrics"); code != http.StatusNotFound {
		t.Errorf("nil Metrics handler: status %d, want 404", code)
	}
}

func TestInstancesAreIndependent(t *testing.T) {
	a, b := New(), New() // a second New must not collide on registration
	a.FollowUp()
	if got := series(t, b)["ticketd_follow_ups_total"]; got != 0 {
		t.Errorf("b follow-ups = %v after recording on a, want 0", got)
	}
	if got := series(t, a)["ticketd_follow_ups_total"]; got != 1 {
		t.Errorf("a follow-ups = %v, want 1", got)
	}
}

func TestHandlerServesRegistry(t *testing.T) {
	m := New()
	m.Verdict("accepted")
	code, body := get(t, m.Handler(), "/metrics")
	if code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	for _, want := range []string{
		`ticketd_verdicts_total{verdict="accepted"} 1`,
		"go_goroutines ",
		"process_start_time_seconds ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

func TestRecordersConcurrently(t *testing.T) {
	m := New()
	const workers, each = 8, 200
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				m.Verdict("accepted")
				m.ProcessingTime(time.Millisecond)
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			series(t, m)
		}
	})
	wg.Wait()
	s := series(t, m)
	if got := s[`ticketd_verdicts_total{verdict="accepted"}`]; got != workers*each {
		t.Errorf("accepted = %v, want %d", got, workers*each)
	}
	if got := s["ticketd_message_processing_seconds_count"]; got != workers*each {
		t.Errorf("observations = %v, want %d", got, workers*each)
	}
}
