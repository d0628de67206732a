package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ticketd/ticketd/store"
)

func TestClientTicketsFilters(t *testing.T) {
	db := openStore(t)
	n := seed(t, db)
	c, _ := startAPI(t, db)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		f    store.TicketFilter
		want []string
	}{
		{"all", store.TicketFilter{}, n},
		{"org", store.TicketFilter{Org: "acme"}, []string{n[0], n[2]}},
		{"unknown org", store.TicketFilter{Org: "nobody"}, []string{}},
		{"status needs_info", store.TicketFilter{Status: store.StatusNeedsInfo}, []string{n[1]}},
		{"status open", store.TicketFilter{Status: store.StatusOpen}, []string{n[0], n[2]}},
		{"status closed", store.TicketFilter{Status: store.StatusClosed}, []string{}},
		{"since date", store.TicketFilter{Since: day(11, 4)}, []string{n[1]}},
		{"since date includes that day", store.TicketFilter{Since: day(11, 3)}, []string{n[0], n[1]}},
		{"since exact time is inclusive", store.TicketFilter{Since: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)}, []string{n[0], n[1]}},
		{"since keeps sub-day precision", store.TicketFilter{Since: time.Date(2026, 11, 3, 8, 0, 1, 0, time.UTC)}, []string{n[1]}},
		{"since in another zone", store.TicketFilter{Since: time.Date(2026, 11, 3, 9, 0, 0, 0, time.FixedZone("CET", 3600))}, []string{n[0], n[1]}},
		{"org and since", store.TicketFilter{Org: "acme", Since: day(11, 1)}, []string{n[0]}},
		{"org and status", store.TicketFilter{Org: "globex", Status: store.StatusOpen}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := c.Tickets(t.Context(), tt.f)
			if err != nil {
				t.Fatalf("Tickets(%+v): %v", tt.f, err)
			}
			if got := numbersOf(ts); !slices.Equal(got, tt.want) {
				t.Errorf("Tickets(%+v) = %v, want %v", tt.f, got, tt.want)
			}
		})
	}
}

func TestClientTicketShowsWhatTheStoreHas(t *testing.T) {
	db := openStore(t)
	n := seed(t, db)
	c, _ := startAPI(t, db)
	for _, number := range append(n, "sup-000002") { // the prefix compares case-insensitively
		got, err := c.Ticket(t.Context(), number)
		if err != nil {
			t.Fatalf("Ticket(%s): %v", number, err)
		}
		want, err := db.Ticket(number)
		if err != nil {
			t.Fatalf("db.Ticket(%s): %v", number, err)
		}
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(want)
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("Ticket(%s)\n got  %s\n want %s", number, gotJSON, wantJSON)
		}
	}
}

func TestClientRawReturnsTheOriginalBytes(t *testing.T) {
	db := openStore(t)
	n := seed(t, db)
	followUp := []byte("From: ana@example.com\r\nMessage-ID: <f1@acme.test>\r\nIn-Reply-To: <a1@acme.test>\r\n\r\nhere is the trace\r\n")
	if _, err := db.AppendFollowUp(&store.FollowUp{
		Number: n[0], Key: "mid:f1@acme.test", MessageID: "f1@acme.test", From: "ana@example.com",
		ReceivedAt: testNow, Raw: followUp,
	}); err != nil {
		t.Fatalf("AppendFollowUp: %v", err)
	}
	c, _ := startAPI(t, db)
	tests := []struct {
		number  string
		i       int
		want    []byte
		wantErr error
	}{
		{n[0], 1, rawOf(seeded[0].key), nil},
		{n[0], 2, followUp, nil},
		{n[2], 1, rawOf(seeded[2].key), nil},
		{n[0], 3, nil, store.ErrNotFound},
		{n[1], 2, nil, store.ErrNotFound},
		{n[0], 0, nil, store.ErrInvalid},
		{"SUP-000099", 1, nil, store.ErrNotFound},
	}
	for _, tt := range tests {
		got, err := c.Raw(t.Context(), tt.number, tt.i)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Raw(%s, %d) error = %v, want %v", tt.number, tt.i, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Raw(%s, %d): %v", tt.number, tt.i, err)
			continue
		}
		if !bytes.Equal(got, tt.want) {
			t.Errorf("Raw(%s, %d) = %q, want %q", tt.number, tt.i, got, tt.want)
		}
	}
}

// ledgerOf returns the entry of org and period, failing if there is none.
func ledgerOf(t *testing.T, es []store.LedgerEntry, org, period string) store.LedgerEntry {
	t.Helper()
	for _, e := range es {
		if e.Org == org && e.Period == period {
			return e
		}
	}
	t.Fatalf("no ledger entry for %s %s in %+v", org, period, es)
	return store.LedgerEntry{}
}

func TestClientMarkWarrantyRefundsTheLedger(t *testing.T) {
	db := openStore(t)
	n := seed(t, db)
	c, _ := startAPI(t, db)
	ctx := t.Context()

	before, err := c.Ledger(ctx, "acme")
	if err != nil {
		t.Fatalf("Ledger: %v", err)
	}
	if e := ledgerOf(t, before, "acme", "2026-11"); e.Used != 1 || e.Warranty != 0 {
		t.Fatalf("ledger before = %+v, want Used 1, Warranty 0", e)
	}

	for round := 1; round <= 2; round++ { // the second time changes nothing
		tk, err := c.MarkWarranty(ctx, n[0])
		if err != nil {
			t.Fatalf("MarkWarranty round %d: %v", round, err)
		}
		if !tk.Warranty || tk.DeductsQuota || !tk.UpdatedAt.Equal(testNow) {
			t.Errorf("round %d: ticket Warranty=%v DeductsQuota=%v UpdatedAt=%v, want true, false, %v",
				round, tk.Warranty, tk.DeductsQuota, tk.UpdatedAt, testNow)
		}
		after, err := c.Ledger(ctx, "acme")
		if err != nil {
			t.Fatalf("Ledger: %v", err)
		}
		if e := ledgerOf(t, after, "acme", "2026-11"); e.Used != 0 || e.Warranty != 1 {
			t.Errorf("round %d: ledger acme 2026-11 = %+v, want Used 0, Warranty 1", round, e)
		}
		if e := ledgerOf(t, after, "acme", "2026-10"); e != ledgerOf(t, before, "acme", "2026-10") {
			t.Errorf("round %d: ledger acme 2026-10 changed to %+v", round, e)
		}
	}
	stored, err := db.Ticket(n[0])
	if err != nil || !stored.Warranty {
		t.Errorf("stored ticket = %+v, %v; want a warranty ticket", stored, err)
	}
}

func TestClientCloseTicket(t *testing.T) {
	db := openStore(t)
	n := seed(t, db)
	c, _ := startAPI(t, db)
	ctx := t.Context()

	tk, err := c.CloseTicket(ctx, n[1])
	if err != nil {
		t.Fatalf("CloseTicket: %v", err)
	}
	if tk.Number != n[1] || tk.Status != store.StatusClosed || !tk.ClosedAt.Equal(testNow) {
		t.Errorf("CloseTicket = %s %s closed at %v, want %s closed at %v", tk.Number, tk.Status, tk.ClosedAt, n[1], testNow)
	}
	closed, err := c.Tickets(ctx, store.TicketFilter{Status: store.StatusClosed})
	if err != nil {
		t.Fatalf("Tickets: %v", err)
	}
	if got := numbersOf(closed); !slices.Equal(got, []string{n[1]}) {
		t.Errorf("closed tickets = %v, want [%s]", got, n[1])
	}
	stored, err := db.Ticket(n[1])
	if err != nil || stored.Status != store.StatusClosed {
		t.Errorf("stored ticket status = %v, %v; want closed", stored.Status, err)
	}
}

func TestClientLedger(t *testing.T) {
	db := openStore(t)
	seed(t, db)
	c, _ := startAPI(t, db)
	for _, org := range []string{"", "acme", "globex", "nobody"} {
		got, err := c.Ledger(t.Context(), org)
		if err != nil {
			t.Fatalf("Ledger(%q): %v", org, err)
		}
		want, err := db.Ledger(org)
		if err != nil {
			t.Fatalf("db.Ledger(%q): %v", org, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Ledger(%q) = %+v, want %+v", org, got, want)
		}
	}
	all, _ := db.Ledger("")
	if len(all) != 3 {
		t.Fatalf("seeded ledger has %d entries, want 3 (the test above would prove little)", len(all))
	}
}

func TestClientMissingTicketIsNotFound(t *testing.T) {
	db := openStore(t)
	seed(t, db)
	c, _ := startAPI(t, db)
	calls := map[string]func(ctx context.Context, number string) error{
		"Ticket":       func(ctx context.Context, n string) error { _, err := c.Ticket(ctx, n); return err },
		"Raw":          func(ctx context.Context, n string) error { _, err := c.Raw(ctx, n, 1); return err },
		"MarkWarranty": func(ctx context.Context, n string) error { _, err := c.MarkWarranty(ctx, n); return err },
		"CloseTicket":  func(ctx context.Context, n string) error { _, err := c.CloseTicket(ctx, n); return err },
	}
	for name, call := range calls {
		for _, number := range []string{"SUP-000099", "OTHER-000001", "garbage", "SUP/000001"} {
			err := call(t.Context(), number)
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s(%q) error = %v, want one wrapping store.ErrNotFound", name, number, err)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.StatusCode != 404 {
				t.Errorf("%s(%q) error = %v, want a *StatusError with 404", name, number, err)
			}
		}
	}
	if _, err := c.Ticket(t.Context(), ""); !errors.Is(err, store.ErrInvalid) {
		t.Errorf(`Ticket("") error = %v, want store.ErrInvalid`, err)
	}
	if es, _ := db.Ledger("acme"); ledgerOf(t, es, "acme", "2026-11").Warranty != 0 {
		t.Errorf("a failed MarkWarranty changed the ledger: %+v", es)
	}
}
