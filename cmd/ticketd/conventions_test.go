package main

import (
	"strings"
	"testing"
)

// TestTicketNumbersAndExitCodes: a ticket is named as an operator types
// it, a missing one is said once, and each mistake has its exit status (0
// success, 1 the operation failed, 2 usage).
func TestTicketNumbersAndExitCodes(t *testing.T) {
	r := newRig(t)
	r.cfg.Admin.Listen = ""
	for i := range 5 {
		r.imap.Append("INBOX", ledgerIncident(t, i))
	}
	r.runOnce()

	for _, arg := range []string{"5", "000005", "SUP-000005", "sup-000005"} {
		out, errOut, code := r.runCLI("tickets", "show", arg)
		if code != 0 || !strings.Contains(out, "Ticket:       SUP-000005") {
			t.Errorf("show %s: exit %d\n%s%s", arg, code, out, errOut)
		}
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // the whole of standard error
	}{
		{"unknown ticket", []string{"tickets", "show", "42"}, 1, "ticketd tickets show: no ticket SUP-000042\n"},
		{"unknown ticket, full number", []string{"tickets", "close", "SUP-000042"}, 1, "ticketd tickets close: no ticket SUP-000042\n"},
		{"not a number", []string{"tickets", "show", "five"}, 2, `ticketd tickets show: usage error: "five" is not a ticket number (SUP-000005, 000005 or 5)` + "\nRun 'ticketd tickets show --help' for usage.\n"},
		{"another desk's prefix", []string{"tickets", "show", "OPS-000005"}, 2, `ticketd tickets show: usage error: "OPS-000005" is not a ticket number of this desk (SUP-NNNNNN)` + "\nRun 'ticketd tickets show --help' for usage.\n"},
		{"bad status", []string{"tickets", "list", "--status", "pending"}, 2, `ticketd tickets list: usage error: --status "pending" is not one of needs_info, open, closed` + "\nRun 'ticketd tickets list --help' for usage.\n"},
		{"bad since", []string{"tickets", "list", "--since", "yesterday"}, 2, `ticketd tickets list: usage error: --since "yesterday" is not a date (YYYY-MM-DD)` + "\nRun 'ticketd tickets list --help' for usage.\n"},
		{"unknown org", []string{"tickets", "list", "--org", "hooli"}, 1, "ticketd tickets list: no organization hooli\n"},
		{"unknown org in the ledger", []string{"ledger", "--org", "hooli"}, 1, "ticketd ledger: no organization hooli\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := r.runCLI(tt.args...)
			if code != tt.code || errOut != tt.stderr {
				t.Errorf("exit %d, want %d\nstderr: %q\nwant:   %q\nstdout: %s", code, tt.code, errOut, tt.stderr, out)
			}
		})
	}
}

// TestLedgerListsIdleOrganizations: an organization without tickets is on
// the ledger with nothing used.
func TestLedgerListsIdleOrganizations(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", ledgerIncident(t, 0))
	r.runOnce()
	rows := r.ledgerOf("globex")
	if len(rows) != 1 || rows[0].Org != "globex" || rows[0].Used != 0 || rows[0].Included != 10 || rows[0].Remaining != 10 {
		t.Errorf("globex has no tickets yet: rows %+v", rows)
	}
	out, errOut, code := r.runCLI("ledger")
	if code != 0 {
		t.Fatalf("ledger: exit %d: %s", code, errOut)
	}
	for _, org := range []string{"acme", "globex", "initech", "umbrella"} {
		if !strings.Contains(out, "\n"+org+" ") {
			t.Errorf("ledger lacks %s:\n%s", org, out)
		}
	}
}
