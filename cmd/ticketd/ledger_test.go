package main

import (
	"encoding/json"
	"fmt"
	"github.com/ticketd/ticketd/desk"
	"strings"
	"testing"
	"time"
)

// ledgerOf runs `ticketd ledger --org ORG --format json`.
func (r *rig) ledgerOf(org string) []desk.Row {
	r.t.Helper()
	out, errOut, code := r.runCLI("ledger", "--org", org, "--format", "json")
	if code != 0 {
		r.t.Fatalf("ledger: exit %d: %s", code, errOut)
	}
	var rows []desk.Row
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var row desk.Row
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			r.t.Fatalf("ledger line %q: %v", line, err)
		}
		rows = append(rows, row)
	}
	return rows
}

func TestLedgerPeriodsOverPlanAndWarranty(t *testing.T) {
	r := newRig(t)
	r.cfg.Organizations[0].TicketsIncluded = 2
	r.cfg.Organizations[0].PlanStart = "2026-01-15"
	// acme's monthly periods start on the 15th: 2026-11-15 .. 2026-12-14.
	november := time.Date(2026, 12, 14, 23, 0, 0, 0, time.UTC)
	for i := range 3 {
		r.imap.AppendAt("INBOX", ledgerIncident(t, i), november)
	}
	r.imap.AppendAt("INBOX", ledgerIncident(t, 3), time.Date(2026, 12, 15, 0, 30, 0, 0, time.UTC))
	r.runOnce()
	msgs := r.smtp.WaitFor(4, 5*time.Second)

	// The ledger command reads the store's counts with the file's plan, so
	// give it the same plan.
	db := r.openStore()
	entries, err := db.Ledger("acme")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows := desk.PlanRows(r.cfg.Policy(), entries)
	if len(rows) != 2 {
		t.Fatalf("ledger rows %+v, want two periods", rows)
	}
	want := []desk.Row{
		{Org: "acme", Period: "2026-11-15", PeriodEnd: "2026-12-14", Included: 2, Used: 3, OverPlan: 1, Remaining: 0},
		{Org: "acme", Period: "2026-12-15", PeriodEnd: "2027-01-14", Included: 2, Used: 1, Remaining: 1},
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	over := r.ticket("SUP-000003")
	if !over.OverPlan || !over.DeductsQuota {
		t.Errorf("third ticket of the period should be over plan: %+v", over)
	}
	var overReceipt string
	for _, m := range msgs {
		if strings.Contains(subjectOf(t, m), "SUP-000003") {
			overReceipt = string(m.Data)
		}
	}
	if !strings.Contains(overReceipt, "billed beyond the plan") {
		t.Errorf("the over-plan receipt does not say so:\n%s", overReceipt)
	}
	// The period named as a person would: acme's periods start on the 15th.
	if flat := strings.Join(strings.Fields(overReceipt), " "); !strings.Contains(flat, "You have now used 3 tickets, more than the 2 included in your plan for the period starting 15 November 2026") {
		t.Errorf("the over-plan receipt does not name the period:\n%s", overReceipt)
	}

	// Support marks the over-plan ticket as warranty: the deduction is
	// refunded.
	out, errOut, code := r.runCLI("tickets", "warranty", "SUP-000003")
	if code != 0 {
		t.Fatalf("tickets warranty: exit %d: %s %s", code, out, errOut)
	}
	db = r.openStore()
	entries, _ = db.Ledger("acme")
	db.Close()
	if got := desk.PlanRows(r.cfg.Policy(), entries)[0]; got.Used != 2 || got.Warranty != 1 || got.OverPlan != 0 {
		t.Errorf("after the warranty refund: %+v", got)
	}
	if tk := r.ticket("SUP-000003"); !tk.Warranty || tk.DeductsQuota {
		t.Errorf("ticket not marked warranty: %+v", tk)
	}
	// The command line shows the same ledger (the example config's plan).
	if rows := r.ledgerOf("acme"); len(rows) != 2 || rows[0].Used != 2 || rows[0].Warranty != 1 {
		t.Errorf("ticketd ledger: %+v", rows)
	}
}

// ledgerIncident is an accepted acme incident with its own Message-ID.
func ledgerIncident(t *testing.T, n int) []byte {
	return withMessageID(fixture(t, "en-incident-screenshot.eml"), fmt.Sprintf("<ledger-%d@acme.example>", n))
}
