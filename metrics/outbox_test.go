package metrics

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestOutboxGaugesReadAtScrapeTime(t *testing.T) {
	m := New()
	var depth atomic.Int64
	var calls atomic.Int64
	m.SetOutbox(func() (int, time.Duration, error) {
		calls.Add(1)
		d := int(depth.Load())
		return d, time.Duration(d) * time.Minute, nil
	})
	for _, d := range []int64{0, 3, 7} {
		depth.Store(d)
		code, body := get(t, m.Handler(), "/metrics")
		if code != http.StatusOK {
			t.Fatalf("depth %d: status %d", d, code)
		}
		for _, want := range []string{
			"ticketd_outbox_depth " + itoa(d) + "\n",
			"ticketd_outbox_oldest_age_seconds " + itoa(d*60) + "\n",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("depth %d: scrape lacks %q", d, want)
			}
		}
	}
	if calls.Load() != 3 {
		t.Errorf("outbox func called %d times for 3 scrapes", calls.Load())
	}
}

func TestOutboxStates(t *testing.T) {
	tests := []struct {
		name       string
		f          func() (int, time.Duration, error)
		want       map[string]float64
		wantAbsent []string
	}{
		{"unset", nil,
			map[string]float64{"ticketd_outbox_read_errors_total": 0},
			[]string{"ticketd_outbox_depth", "ticketd_outbox_oldest_age_seconds"}},
		{"ok", func() (int, time.Duration, error) { return 2, 90 * time.Second, nil },
			map[string]float64{"ticketd_outbox_depth": 2, "ticketd_outbox_oldest_age_seconds": 90, "ticketd_outbox_read_errors_total": 0},
			nil},
		{"error leaves gauges out and counts", func() (int, time.Duration, error) { return 5, time.Hour, errors.New("db closed") },
			map[string]float64{"ticketd_outbox_read_errors_total": 1},
			[]string{"ticketd_outbox_depth", "ticketd_outbox_oldest_age_seconds"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New()
			m.SetOutbox(tt.f)
			s := series(t, m) // Gather fails the test on a collector error
			for k, v := range tt.want {
				if got, ok := s[k]; !ok || got != v {
					t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
				}
			}
			for _, k := range tt.wantAbsent {
				if _, ok := s[k]; ok {
					t.Errorf("%s present, want absent", k)
				}
			}
		})
	}
}

func TestSetOutboxNilStopsReporting(t *testing.T) {
	m := New()
	m.SetOutbox(func() (int, time.Duration, error) { return 1, time.Second, nil })
	if _, ok := series(t, m)["ticketd_outbox_depth"]; !ok {
		t.Fatal("depth absent with a func set")
	}
	m.SetOutbox(nil)
	if _, ok := series(t, m)["ticketd_outbox_depth"]; ok {
		t.Error("depth still reported after SetOutbox(nil)")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
