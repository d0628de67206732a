package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
)

func TestTicketByMessageID(t *testing.T) {
	db := mustOpenTestDB(t)
	db.mustRecord(newIntake("other@x"))           // SUP-000001
	res := db.mustRecord(newIntake("customer@x")) // SUP-000002
	noID := newIntake("unused")                   // a message without Message-ID
	noID.Key, noID.MessageID = "sha256:abcd", ""
	db.mustRecord(noID) // SUP-000003

	tests := []struct {
		id   string
		want string // "" = ErrNotFound
	}{
		{"customer@x", "SUP-000002"},
		{"<customer@x>", "SUP-000002"},
		{res.Queued[0].MessageID, "SUP-000002"}, // the receipt ticketd sent
		{"<receipt.SUP-000002@ticketd.test>", "SUP-000002"},
		{"receipt.SUP-000003@ticketd.test", "SUP-000003"},
		{"other@x", "SUP-000001"},
		{"unknown@x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := db.TicketByMessageID(tt.id)
		if tt.want == "" {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("TicketByMessageID(%q) = %v, %v; want ErrNotFound", tt.id, got, err)
			}
			continue
		}
		if err != nil || got.Number != tt.want {
			t.Errorf("TicketByMessageID(%q) = %v, %v; want %s", tt.id, got, err, tt.want)
		}
	}
}

func TestTicketNotFound(t *testing.T) {
	db := mustOpenTestDB(t)
	db.mustRecord(newIntake("one@x")) // SUP-000001
	tests := []struct {
		number  string
		wantErr bool
	}{
		{"SUP-000001", false},
		{"sup-000001", false}, // customers retype numbers in any case
		{"SUP-000002", true},
		{"OPS-000001", true}, // right sequence, wrong prefix
		{"SUP-1", true},
		{"SUP-", true},
		{"garbage", true},
		{"", true},
	}
	for _, tt := range tests {
		got, err := db.Ticket(tt.number)
		if tt.wantErr != (err != nil) || (err != nil && !errors.Is(err, ErrNotFound)) {
			t.Errorf("Ticket(%q) = %v, %v; want error %v (ErrNotFound)", tt.number, got, err, tt.wantErr)
		}
	}
	if _, err := db.Raw("mid:nothing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Raw of unknown key = %v, want ErrNotFound", err)
	}
	if seen, err := db.Seen("mid:nothing"); err != nil || seen {
		t.Errorf("Seen of unknown key = %v, %v", seen, err)
	}
}

func TestTicketsFilter(t *testing.T) {
	db := mustOpenTestDB(t)
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	seed := []struct {
		org     string
		outcome rules.Outcome
		day     int
	}{
		{"acme", rules.Accepted, 1},  // SUP-000001
		{"acme", rules.NeedsInfo, 2}, // SUP-000002
		{"beta", rules.Accepted, 3},  // SUP-000003
		{"acme", rules.Accepted, 4},  // SUP-000004
	}
	for i, s := range seed {
		in := newIntake(fmt.Sprintf("f%d@x", i))
		in.Organization, in.Outcome, in.ReceivedAt = s.org, s.outcome, base.AddDate(0, 0, s.day)
		db.mustRecord(in)
	}
	tests := []struct {
		name string
		f    TicketFilter
		want string
	}{
		{"all", TicketFilter{}, "[SUP-000001 SUP-000002 SUP-000003 SUP-000004]"},
		{"org", TicketFilter{Org: "acme"}, "[SUP-000001 SUP-000002 SUP-000004]"},
		{"status", TicketFilter{Status: StatusOpen}, "[SUP-000001 SUP-000003 SUP-000004]"},
		{"since inclusive", TicketFilter{Since: base.AddDate(0, 0, 3)}, "[SUP-000003 SUP-000004]"},
		{"all three", TicketFilter{Org: "acme", Status: StatusOpen, Since: base.AddDate(0, 0, 2)}, "[SUP-000004]"},
		{"none", TicketFilter{Org: "nobody"}, "[]"},
	}
	for _, tt := range tests {
		got, err := db.Tickets(tt.f)
		if err != nil {
			t.Fatal(err)
		}
		var numbers []string
		for _, tk := range got {
			numbers = append(numbers, tk.Number)
		}
		if fmt.Sprint(numbers) != tt.want {
			t.Errorf("%s: Tickets = %v, want %s", tt.name, numbers, tt.want)
		}
	}
}

func TestTurnedAwaySince(t *testing.T) {
	db := mustOpenTestDB(t)
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, day := range []int{3, 1, 2} { // recorded out of order
		in := newIntake(fmt.Sprintf("r%d@x", i))
		in.Outcome, in.ReceivedAt = rules.Rejected, base.AddDate(0, 0, day)
		db.mustRecord(in)
	}
	tests := []struct {
		since time.Time
		want  string
	}{
		{time.Time{}, "[mid:r1@x mid:r2@x mid:r0@x]"},
		{base.AddDate(0, 0, 2), "[mid:r2@x mid:r0@x]"},
		{base.AddDate(0, 0, 4), "[]"},
	}
	for _, tt := range tests {
		got, err := db.TurnedAway(tt.since)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, r := range got {
			keys = append(keys, r.Key)
		}
		if fmt.Sprint(keys) != tt.want {
			t.Errorf("TurnedAway(%v) = %v, want %s", tt.since, keys, tt.want)
		}
	}
}

func TestQuarantineReason(t *testing.T) {
	db := mustOpenTestDB(t)
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	if _, _, err := db.QuarantineReason("mid:q@x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("QuarantineReason before set = %v, want ErrNotFound", err)
	}
	if err := db.SetQuarantineReason("mid:q@x", "parse: header too large", at); err != nil {
		t.Fatal(err)
	}
	if err := db.SetQuarantineReason("mid:q@x", "parse: timeout", at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	reason, when, err := db.QuarantineReason("mid:q@x")
	if err != nil || reason != "parse: timeout" || !when.Equal(at.Add(time.Minute)) {
		t.Errorf("QuarantineReason = %q, %v, %v; want the latest reason", reason, when, err)
	}
	if err := db.SetQuarantineReason("", "x", at); !errors.Is(err, ErrInvalid) {
		t.Errorf("SetQuarantineReason with empty key = %v, want ErrInvalid", err)
	}
}
