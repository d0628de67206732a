package admin

import (
	"net/url"
	"testing"
	"time"

	"github.com/ticketd/ticketd/store"
)

func TestSinceRoundTrip(t *testing.T) {
	tests := []struct {
		in       time.Time
		wantForm string
	}{
		{time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC), "2026-11-04"},
		{time.Date(2026, 11, 4, 0, 0, 0, 1, time.UTC), "2026-11-04T00:00:00.000000001Z"},
		{time.Date(2026, 11, 4, 1, 0, 0, 0, time.FixedZone("CET", 3600)), "2026-11-04"},
		{time.Date(2026, 11, 4, 0, 0, 0, 0, time.FixedZone("CET", 3600)), "2026-11-04T00:00:00+01:00"},
	}
	for _, tt := range tests {
		s := formatSince(tt.in)
		if s != tt.wantForm {
			t.Errorf("formatSince(%v) = %q, want %q", tt.in, s, tt.wantForm)
		}
		back, err := parseSince(s)
		if err != nil || !back.Equal(tt.in) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", s, back, err, tt.in)
		}
	}
}

func TestParseTicketFilter(t *testing.T) {
	tests := []struct {
		query   string
		want    store.TicketFilter
		wantErr bool
	}{
		{"", store.TicketFilter{}, false},
		{"org=acme&status=open&since=2026-11-01", store.TicketFilter{Org: "acme", Status: store.StatusOpen, Since: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}, false},
		{"status=needs_info", store.TicketFilter{Status: store.StatusNeedsInfo}, false},
		{"status=closed", store.TicketFilter{Status: store.StatusClosed}, false},
		{"status=Open", store.TicketFilter{}, true},
		{"since=2026-13-01", store.TicketFilter{}, true},
		{"since=01/11/2026", store.TicketFilter{}, true},
		{"org=acme&org=acme", store.TicketFilter{}, true},
		{"orgs=acme", store.TicketFilter{}, true},
	}
	for _, tt := range tests {
		q, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseTicketFilter(q)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseTicketFilter(%q) error = %v, want error %v", tt.query, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && (got.Org != tt.want.Org || got.Status != tt.want.Status || !got.Since.Equal(tt.want.Since)) {
			t.Errorf("parseTicketFilter(%q) = %+v, want %+v", tt.query, got, tt.want)
		}
	}
}
