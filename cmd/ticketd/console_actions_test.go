package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

// TestTicketsShowPrintsConsoleActions: every action the console offers is
// recorded on the ticket and printed by tickets show.
func TestTicketsShowPrintsConsoleActions(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.runOnce()
	db, err := store.Open(r.cfg.Store.Path, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	reg := registration.New(db, r.cfg.Policy(), daemon.RegistrationSettings(r.cfg, nil))
	lena := registration.Author{Address: "lena@vendor.example", Name: "Lena Lead"}
	steps := []func() (*store.Ticket, error){
		func() (*store.Ticket, error) { return reg.Assign("SUP-000001", lena, "luis") },
		func() (*store.Ticket, error) { return reg.Answer("SUP-000001", lena, "The planner is fixed.") },
		func() (*store.Ticket, error) { return reg.Note("SUP-000001", lena, "Cache was stale.") },
		func() (*store.Ticket, error) { return reg.Close("SUP-000001", lena) },
		func() (*store.Ticket, error) { return reg.Reopen("SUP-000001", lena) },
		func() (*store.Ticket, error) { return reg.Warranty("SUP-000001", lena) },
	}
	for i, step := range steps {
		if _, err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	db.Close()
	out, errOut, code := r.runCLI("tickets", "show", "1")
	if code != 0 {
		t.Fatalf("tickets show: exit %d: %s", code, errOut)
	}
	last := -1
	for _, want := range []string{"Assigned by Lena Lead", "to luis", "Answer to the customer by Lena Lead", "| The planner is fixed.", "Internal note", "| Cache was stale.", "Closed by Lena Lead", "Reopened by Lena Lead", "Made a warranty ticket by Lena Lead"} {
		i := strings.Index(out, want)
		if i < 0 {
			t.Errorf("tickets show lacks %q:\n%s", want, out)
			continue
		}
		if i < last {
			t.Errorf("%q is out of order:\n%s", want, out)
		}
		last = i
	}
}
