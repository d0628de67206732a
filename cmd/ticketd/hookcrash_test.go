package main

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/ticketd/ticketd/internal/mailtest"
)

// TestWebhookEventSurvivesSIGKILL kills the real binary with SIGKILL while
// it delivers a ticket.created event (committed with the ticket, its
// request held open by the receiver), starts it again, and checks the
// event is delivered then, with the same webhook-id and a valid signature.
func TestWebhookEventSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	bin := buildBinary(t)
	imapSrv := mailtest.StartIMAP(t)
	smtpSrv := mailtest.StartSMTP(t)
	hooks := mailtest.StartHookReceiver(t, 0, true)
	dir := t.TempDir()
	v := deskValues(hooks.URL)
	v.IMAPAddr, v.SMTPAddr, v.StorePath = imapSrv.Addr, smtpSrv.Addr, filepath.Join(dir, "ticketd.db")
	cfgPath := mailtest.WriteConfig(t, dir, v)

	imapSrv.Append("INBOX", mailtest.ReadTestdata(t, "conversations", "01-incident-no-screenshot.eml"))
	p := startBinary(t, bin, cfgPath, filepath.Join(dir, "run-1.log"))
	select {
	case <-hooks.Arrived:
	case <-time.After(30 * time.Second):
		p.kill(t)
		t.Fatalf("no webhook request within 30 s; log:\n%s", p.log())
	}
	p.kill(t)
	held := hooks.Requests()[0]

	p = startBinary(t, bin, cfgPath, filepath.Join(dir, "run-2.log"))
	defer p.kill(t)
	got := hooks.WaitDelivered(t, 1, 30*time.Second)
	if len(got) != 1 || got[0].Header.Get("webhook-id") != held.Header.Get("webhook-id") {
		t.Fatalf("after the restart: %d deliveries, id %q; want the held event %q", len(got), got[0].Header.Get("webhook-id"), held.Header.Get("webhook-id"))
	}
	verifier, err := standardwebhooks.NewWebhook(deskSecret)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifier.Verify(got[0].Body, got[0].Header); err != nil {
		t.Errorf("signature after the restart: %v", err)
	}
	var ev struct {
		Type string
		Data struct{ Ticket string }
	}
	if err := json.Unmarshal(got[0].Body, &ev); err != nil || ev.Type != "ticket.created" || ev.Data.Ticket != "SUP-000001" {
		t.Errorf("event %s: %+v, %v", got[0].Body, ev, err)
	}
}
