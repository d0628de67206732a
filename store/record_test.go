package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ticketd/ticketd/rules"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		prefix string
		seq    uint64
		want   string
	}{
		{"SUP", 1, "SUP-000001"},
		{"SUP", 42, "SUP-000042"},
		{"SUP", 999999, "SUP-999999"},
		{"SUP", 1000000, "SUP-1000000"},
		{"ACME-HELP", 7, "ACME-HELP-000007"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.prefix, tt.seq); got != tt.want {
			t.Errorf("FormatNumber(%q, %d) = %q, want %q", tt.prefix, tt.seq, got, tt.want)
		}
		if seq, ok := parseSeq(tt.want); !ok || seq != tt.seq {
			t.Errorf("parseSeq(%q) = %d, %v; want %d, true", tt.want, seq, ok, tt.seq)
		}
	}
}

func TestNumbersSequentialAndNeverReused(t *testing.T) {
	db := mustOpenTestDB(t)
	steps := []struct {
		key     string
		outcome rules.Outcome
		reopen  bool // close and open the file before this step
		want    string
	}{
		{"a@x", rules.Accepted, false, "SUP-000001"},
		{"b@x", rules.NeedsInfo, false, "SUP-000002"},
		{"c@x", rules.Rejected, false, ""}, // no number consumed
		{"d@x", rules.Ignored, false, ""},
		{"e@x", rules.Accepted, false, "SUP-000003"},
		{"f@x", rules.Accepted, true, "SUP-000004"},
		{"g@x", rules.NeedsInfo, true, "SUP-000005"},
	}
	for _, st := range steps {
		if st.reopen {
			db = db.mustReopen()
		}
		in := newIntake(st.key)
		in.Outcome = st.outcome
		res := db.mustRecord(in)
		got := ""
		if res.Ticket != nil {
			got = res.Ticket.Number
		}
		if got != st.want {
			t.Errorf("%s (%s): number %q, want %q", st.key, st.outcome, got, st.want)
		}
	}
	all, err := db.Tickets(TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for _, tk := range all {
		numbers = append(numbers, tk.Number)
	}
	want := []string{"SUP-000001", "SUP-000002", "SUP-000003", "SUP-000004", "SUP-000005"}
	if !slices.Equal(numbers, want) {
		t.Errorf("Tickets() numbers = %v, want %v", numbers, want)
	}
}

func TestNumbersPastSixDigitsStayOrdered(t *testing.T) {
	db := mustOpenTestDB(t)
	db.mustRecord(newIntake("first@x")) // SUP-000001
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTickets).SetSequence(999998)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"SUP-999999", "SUP-1000000"} {
		res := db.mustRecord(newIntake(fmt.Sprintf("big%d@x", i)))
		if res.Ticket.Number != want {
			t.Errorf("ticket %d: number %s, want %s", i, res.Ticket.Number, want)
		}
		got, err := db.Ticket(want)
		if err != nil || got.Number != want {
			t.Errorf("Ticket(%s) = %v, %v", want, got, err)
		}
	}
	all, err := db.Tickets(TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].Number != "SUP-000001" || all[2].Number != "SUP-1000000" {
		t.Errorf("Tickets() not in number order: %+v", all)
	}
}

func TestRecordOutcomes(t *testing.T) {
	tests := []struct {
		outcome    rules.Outcome
		wantStatus Status // "" = no ticket
	}{
		{rules.Accepted, StatusOpen},
		{rules.NeedsInfo, StatusNeedsInfo},
		{rules.Rejected, ""},
		{rules.Ignored, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.outcome), func(t *testing.T) {
			db := mustOpenTestDB(t)
			in := newIntake("m1@x")
			in.Outcome = tt.outcome
			in.Findings = []rules.Finding{{Rule: rules.RuleSenderAuthorized, Outcome: tt.outcome}}
			res := db.mustRecord(in)

			if seen, err := db.Seen(in.Key); err != nil || !seen {
				t.Errorf("Seen = %v, %v; want true", seen, err)
			}
			raw, err := db.Raw(in.Key)
			if err != nil || !bytes.Equal(raw, in.Raw) {
				t.Errorf("Raw = %q, %v; want the raw message", raw, err)
			}
			away, err := db.TurnedAway(time.Time{})
			if err != nil {
				t.Fatal(err)
			}

			if tt.wantStatus == "" {
				if res.Ticket != nil {
					t.Fatalf("ticket %s created for %s", res.Ticket.Number, tt.outcome)
				}
				if n, _ := db.Tickets(TicketFilter{}); len(n) != 0 {
					t.Errorf("%d tickets stored", len(n))
				}
				if len(away) != 1 {
					t.Fatalf("TurnedAway = %d records, want 1", len(away))
				}
				r := away[0]
				if r.Key != in.Key || r.From != "ana@example.com" || r.Subject != in.Subject ||
					r.Outcome != tt.outcome || len(r.Findings) != 1 || !r.ReceivedAt.Equal(in.ReceivedAt) {
					t.Errorf("turned-away record = %+v", r)
				}
				if !slices.Equal(r.Replies, []string{"rej@ticketd.test"}) {
					t.Errorf("turned-away replies = %v", r.Replies)
				}
				if len(res.Queued) != 1 || res.Queued[0].TicketNumber != "" {
					t.Errorf("queued = %+v, want one rejection without ticket", res.Queued)
				}
				if l, _ := db.Ledger(""); len(l) != 0 {
					t.Errorf("ledger charged for turned-away mail: %+v", l)
				}
				return
			}

			if len(away) != 0 {
				t.Errorf("TurnedAway = %+v, want none", away)
			}
			tk := res.Ticket
			if tk == nil {
				t.Fatal("no ticket")
			}
			if tk.Status != tt.wantStatus {
				t.Errorf("status %q, want %q", tk.Status, tt.wantStatus)
			}
			wantSLA := time.Time{}
			if tt.wantStatus == StatusOpen {
				wantSLA = in.ReceivedAt
			}
			if !tk.SLAStartedAt.Equal(wantSLA) {
				t.Errorf("SLAStartedAt %v, want %v", tk.SLAStartedAt, wantSLA)
			}
			if tk.Sender != "ana@example.com" || tk.Organization != "acme" || tk.Category != rules.APIError ||
				tk.Lang != rules.English || len(tk.Attachments) != 1 || len(tk.Messages) != 1 ||
				tk.Messages[0].Key != in.Key || tk.Messages[0].MessageID != "m1@x" || tk.Period != "2026-11" {
				t.Errorf("ticket = %+v", tk)
			}
			stored, err := db.Ticket(tk.Number)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Number != tk.Number || !slices.Equal(stored.MessageIDs, tk.MessageIDs) || stored.Status != tk.Status {
				t.Errorf("stored ticket %+v differs from result %+v", stored, tk)
			}
		})
	}
}

func TestRecordIsIdempotent(t *testing.T) {
	tests := []struct {
		outcome    rules.Outcome
		wantTicket bool
	}{
		{rules.Accepted, true},
		{rules.NeedsInfo, true},
		{rules.Rejected, false},
		{rules.Ignored, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.outcome), func(t *testing.T) {
			db := mustOpenTestDB(t)
			in := newIntake("dup@x")
			in.Outcome = tt.outcome
			first := db.mustRecord(in)
			if first.Duplicate {
				t.Fatal("first Record reported Duplicate")
			}
			second := db.mustRecord(in)
			if !second.Duplicate || len(second.Queued) != 0 || second.Suppressed != 0 {
				t.Errorf("second Record = %+v, want Duplicate and nothing queued", second)
			}
			if tt.wantTicket {
				if second.Ticket == nil || second.Ticket.Number != first.Ticket.Number {
					t.Errorf("duplicate ticket = %+v, want %s", second.Ticket, first.Ticket.Number)
				}
			} else if second.Ticket != nil {
				t.Errorf("duplicate of turned-away mail returned ticket %s", second.Ticket.Number)
			}
			tickets, _ := db.Tickets(TicketFilter{})
			away, _ := db.TurnedAway(time.Time{})
			due, _ := db.DueOutbox(db.clock.Now(), 0, 0)
			wantTickets, wantAway := 1, 0
			if !tt.wantTicket {
				wantTickets, wantAway = 0, 1
			}
			if len(tickets) != wantTickets || len(away) != wantAway || len(due) != 1 {
				t.Errorf("after two Records: %d tickets, %d turned away, %d queued; want %d, %d, 1",
					len(tickets), len(away), len(due), wantTickets, wantAway)
			}
			if l, _ := db.Ledger("acme"); tt.wantTicket && (len(l) != 1 || l[0].Used != 1) {
				t.Errorf("ledger after duplicate = %+v, want used 1", l)
			}
		})
	}
}

func TestComposeGetsNumberedTicket(t *testing.T) {
	db := mustOpenTestDB(t)
	db.mustRecord(newIntake("before@x")) // SUP-000001, used 1 of 1
	in := newIntake("seen@x")
	in.Included = 1
	var got *Ticket
	in.Compose = func(tk *Ticket) ([]Outgoing, error) {
		got = tk
		return receiptComposer(tk)
	}
	res := db.mustRecord(in)
	if got == nil {
		t.Fatal("Compose was not called with a ticket")
	}
	if got.Number != "SUP-000002" || !got.OverPlan || got.Status != StatusOpen {
		t.Errorf("Compose saw %+v, want SUP-000002 over plan and open", got)
	}
	if len(res.Queued) != 1 || res.Queued[0].TicketNumber != "SUP-000002" || res.Queued[0].MessageID != "receipt.SUP-000002@ticketd.test" {
		t.Errorf("queued = %+v", res.Queued)
	}
	want := []string{"seen@x", "receipt.SUP-000002@ticketd.test"}
	if !slices.Equal(res.Ticket.MessageIDs, want) {
		t.Errorf("MessageIDs = %v, want %v", res.Ticket.MessageIDs, want)
	}
}

func TestComposeErrorRollsBackEverything(t *testing.T) {
	tests := []struct {
		name    string
		outcome rules.Outcome
	}{
		{"accepted", rules.Accepted},
		{"rejected", rules.Rejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpenTestDB(t)
			db.mustRecord(newIntake("ok@x")) // SUP-000001
			boom := errors.New("template missing")
			in := newIntake("bad@x")
			in.Outcome = tt.outcome
			in.Compose = func(*Ticket) ([]Outgoing, error) { return nil, boom }
			res, err := db.Record(in)
			if !errors.Is(err, boom) || res != nil {
				t.Fatalf("Record = %+v, %v; want error wrapping %v", res, err, boom)
			}
			if seen, _ := db.Seen(in.Key); seen {
				t.Error("dedupe record kept after Compose error")
			}
			if _, err := db.Raw(in.Key); !errors.Is(err, ErrNotFound) {
				t.Errorf("Raw after rollback: %v, want ErrNotFound", err)
			}
			if _, err := db.TicketByMessageID("bad@x"); !errors.Is(err, ErrNotFound) {
				t.Errorf("TicketByMessageID after rollback: %v, want ErrNotFound", err)
			}
			if away, _ := db.TurnedAway(time.Time{}); len(away) != 0 {
				t.Errorf("turned-away record kept: %+v", away)
			}
			if l, _ := db.Ledger("acme"); len(l) != 1 || l[0].Used != 1 {
				t.Errorf("ledger after rollback = %+v, want used 1", l)
			}
			if pending, _, _ := db.OutboxStats(db.clock.Now()); pending != 1 {
				t.Errorf("pending = %d, want 1 (only the first receipt)", pending)
			}

			in.Compose = receiptComposer
			in.Outcome = rules.Accepted
			res = db.mustRecord(in)
			if res.Duplicate || res.Ticket == nil || res.Ticket.Number != "SUP-000002" {
				t.Errorf("retry after rollback = %+v, want new ticket SUP-000002", res)
			}
		})
	}
}

func TestOutgoingWithoutRecipientAbortsRecord(t *testing.T) {
	db := mustOpenTestDB(t)
	in := newIntake("noto@x")
	in.Compose = func(*Ticket) ([]Outgoing, error) { return []Outgoing{{Kind: "receipt"}}, nil }
	if _, err := db.Record(in); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Record = %v, want ErrInvalid", err)
	}
	if seen, _ := db.Seen(in.Key); seen {
		t.Error("recorded despite the invalid outgoing email")
	}
}

func TestRecordValidates(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Intake)
	}{
		{"empty key", func(in *Intake) { in.Key = "" }},
		{"huge key", func(in *Intake) { in.Key = string(make([]byte, bolt.MaxKeySize+1)) }},
		{"unknown outcome", func(in *Intake) { in.Outcome = "maybe" }},
		{"no prefix", func(in *Intake) { in.Prefix = "" }},
		{"no period", func(in *Intake) { in.Period = "" }},
		{"no period for warranty", func(in *Intake) { in.DeductsQuota, in.Warranty, in.Period = false, true, "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpenTestDB(t)
			in := newIntake("v@x")
			tt.modify(in)
			if _, err := db.Record(in); !errors.Is(err, ErrInvalid) {
				t.Errorf("Record = %v, want ErrInvalid", err)
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		db := mustOpenTestDB(t)
		if _, err := db.Record(nil); !errors.Is(err, ErrInvalid) {
			t.Errorf("Record(nil) = %v, want ErrInvalid", err)
		}
	})
}

func TestRecordBatch(t *testing.T) {
	db := mustOpenTestDB(t)
	a, b := newIntake("batch-a@x"), newIntake("batch-b@x")
	again := newIntake("batch-a@x")
	res, err := db.RecordBatch([]*Intake{a, b, again})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].Ticket.Number != "SUP-000001" || res[1].Ticket.Number != "SUP-000002" || !res[2].Duplicate {
		t.Fatalf("results %+v", res)
	}
	failing := newIntake("batch-c@x")
	failing.Compose = func(*Ticket) ([]Outgoing, error) { return nil, errors.New("boom") }
	if _, err := db.RecordBatch([]*Intake{newIntake("batch-d@x"), failing}); err == nil {
		t.Fatal("a failing intake must fail the batch")
	}
	if seen, _ := db.Seen("mid:batch-d@x"); seen {
		t.Error("a failed batch left part of its work")
	}
	next := db.mustRecord(newIntake("batch-e@x"))
	if next.Ticket.Number != "SUP-000003" {
		t.Errorf("after a failed batch the next number is %s, want SUP-000003", next.Ticket.Number)
	}
}

func TestParseNumber(t *testing.T) {
	for _, tt := range []struct {
		prefix, in, want string
	}{
		{"SUP", "5", "SUP-000005"},
		{"SUP", " 000005 ", "SUP-000005"},
		{"SUP", "SUP-000005", "SUP-000005"},
		{"SUP", "sup-5", "SUP-000005"},
		{"ACME-HELP", "acme-help-7", "ACME-HELP-000007"},
		{"SUP", "HELP-5", ""},
		{"SUP", "five", ""},
		{"SUP", "0", ""},
		{"SUP", "5a", ""},
		{"SUP", "", ""},
	} {
		got, err := ParseNumber(tt.prefix, tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParseNumber(%q, %q) = %q, %v; want %q", tt.prefix, tt.in, got, err, tt.want)
		}
	}
}
