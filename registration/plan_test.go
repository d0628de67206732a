package registration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
)

// acmeIncident is an accepted acme incident with its own Message-ID.
func acmeIncident(t *testing.T, n int) []byte {
	return withMessageID(fixture(t, "en-incident-screenshot.eml"), fmt.Sprintf("<ledger-%d@acme.example>", n))
}

func TestOverPlanReject(t *testing.T) {
	r := newRig(t)
	r.cfg.Organizations[0].TicketsIncluded = 1
	r.cfg.Organizations[0].OverPlan = rules.OverPlanReject
	r.step(acmeIncident(t, 1))
	r.step(acmeIncident(t, 2))
	msgs := r.smtp.WaitFor(2, 5*time.Second)
	if n := len(r.tickets()); n != 1 {
		t.Fatalf("%d tickets; the second must be rejected", n)
	}
	if strings.Contains(string(msgs[1].Data), "SUP-0") || !strings.Contains(string(msgs[1].Data), "used all the tickets") {
		t.Errorf("second email should be a plan-exhausted rejection:\n%s", msgs[1].Data)
	}
}

func TestSelfServiceReceiptSaysDeducted(t *testing.T) {
	r := newRig(t)
	r.step(fixture(t, "en-self-service-create-user.eml"))
	msgs := r.smtp.WaitFor(1, 5*time.Second)
	body := string(msgs[0].Data)
	if !strings.Contains(body, "deducted from your plan") || !strings.Contains(body, "SUP-000001") {
		t.Errorf("self-service receipt:\n%s", body)
	}
}
