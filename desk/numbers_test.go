package desk

import (
	"errors"
	"testing"

	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

func TestTicketNumber(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		usage    bool
	}{
		{"5", "SUP-000005", false},
		{"000005", "SUP-000005", false},
		{"SUP-000005", "SUP-000005", false},
		{"sup-5", "SUP-000005", false},
		{"HELP-5", "", true},
		{"five", "", true},
		{"0", "", true},
		{"5a", "", true},
	} {
		got, err := TicketNumber("SUP", tc.in)
		if tc.usage {
			if !errors.Is(err, ErrUsage) {
				t.Errorf("TicketNumber(%q) = %q, %v; want a usage error", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("TicketNumber(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestCheckOrgAndReason(t *testing.T) {
	p := &rules.Policy{Organizations: []rules.Organization{{ID: "acme"}}}
	if CheckOrg(p, "acme") != nil || CheckOrg(p, "") != nil || CheckOrg(p, "hooli") == nil {
		t.Error("CheckOrg must accept acme and none, and refuse hooli")
	}
	held := store.TurnedAwayRecord{Outcome: rules.Accepted}
	held.Reason = store.ReasonHeld
	if got := TurnedAwayReason(held); got != store.ReasonHeld {
		t.Errorf("held mail's reason = %q", got)
	}
	if got := TurnedAwayReason(store.TurnedAwayRecord{Outcome: rules.Rejected}); got != "rejected" {
		t.Errorf("rejected mail's reason = %q", got)
	}
}
