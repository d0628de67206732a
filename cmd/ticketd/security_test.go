package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

func TestForgedSenderRejectedWithoutBackscatter(t *testing.T) {
	r := newRig(t)
	r.cfg.Security.TrustedAuthServIDs = []string{"mx.ticketd.example"}
	r.tweak = func(d *daemon) { d.policy.Store(r.cfg.Policy()) }
	forged, err := os.ReadFile("../../testdata/security/forged-alice-dmarc-fail.eml")
	if err != nil {
		t.Fatal(err)
	}
	r.imap.Append("INBOX", forged)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml")) // dmarc=pass from the trusted server
	r.runOnce()
	msgs := r.smtp.WaitFor(1, 5*time.Second)
	if len(msgs) != 1 || !bytes.Contains(msgs[0].Data, []byte("SUP-000001")) {
		t.Fatalf("want exactly the genuine message's receipt, got %d emails", len(msgs))
	}
	db := r.openStore()
	away, err := db.TurnedAway(time.Time{})
	if err != nil || len(away) != 1 || !strings.HasPrefix(away[0].MessageID, "forged-") {
		t.Fatalf("the forged message must be recorded as turned away: %+v, %v", away, err)
	}
	if len(away[0].Findings) != 1 || away[0].Findings[0].Rule != rules.RuleSenderAuthentic || len(away[0].Replies) != 0 {
		t.Errorf("turned-away record %+v", away[0])
	}
	if !strings.Contains(r.logs.String(), "rejected without a reply") {
		t.Error("the forgery is not logged")
	}
}

// signed returns raw signed with DKIM for domain/selector by key.
func signed(t *testing.T, raw []byte, domain string, key ed25519.PrivateKey) []byte {
	t.Helper()
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(raw), &dkim.SignOptions{Domain: domain, Selector: "s1", Signer: key, HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestVerifyDKIMWithoutTrustedHeader(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	record := "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	var lookups atomic.Int64 // messages are judged in parallel
	lookup := func(_ context.Context, name string) ([]string, error) {
		lookups.Add(1)
		if name == "s1._domainkey.acme.example" {
			return []string{record}, nil
		}
		return nil, errors.New("no such record")
	}
	// The fixture's own Authentication-Results come from a server that is
	// not trusted here: only ticketd's verification counts.
	genuine := signed(t, withMessageID(fixture(t, "en-incident-screenshot.eml"), "<dkim-genuine@acme.example>"), "acme.example", key)
	unsigned := withMessageID(fixture(t, "en-incident-screenshot.eml"), "<dkim-unsigned@acme.example>")
	claiming := append([]byte("Authentication-Results: "+config.OwnAuthServID+"; dkim=pass header.d=acme.example\r\n"),
		withMessageID(fixture(t, "en-incident-screenshot.eml"), "<dkim-claims-pass@acme.example>")...)
	tampered := bytes.Replace(signed(t, withMessageID(fixture(t, "en-incident-screenshot.eml"), "<dkim-tampered@acme.example>"), "acme.example", key),
		[]byte("Subject: "), []byte("Subject: URGENT "), 1)

	r := newRig(t)
	r.cfg.Security.VerifyDKIM = true
	r.tweak = func(d *daemon) {
		d.policy.Store(r.cfg.Policy())
		d.auth = newAuthenticator(r.cfg)
		d.auth.lookupTXT = lookup
	}
	for _, raw := range [][]byte{genuine, unsigned, claiming, tampered} {
		r.imap.Append("INBOX", raw)
	}
	r.runOnce()
	msgs := r.smtp.WaitFor(1, 5*time.Second)
	if len(msgs) != 1 {
		t.Errorf("%d emails; only the genuinely signed message may be answered", len(msgs))
	}
	db := r.openStore()
	ts, err := db.Tickets(store.TicketFilter{})
	if err != nil || len(ts) != 1 || ts[0].Messages[0].MessageID != "dkim-genuine@acme.example" {
		t.Fatalf("tickets %+v, %v; want only the signed message's", ts, err)
	}
	away, _ := db.TurnedAway(time.Time{})
	if len(away) != 3 {
		t.Errorf("%d turned away, want the unsigned, the self-certified and the tampered one", len(away))
	}
	if lookups.Load() == 0 {
		t.Error("no DNS lookup was made")
	}
}

func TestRequireAuthenticatedSenderDefaults(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		sec  config.Security
		want bool
	}{
		{config.Security{}, false},
		{config.Security{TrustedAuthServIDs: []string{"mx.example.com"}}, true},
		{config.Security{VerifyDKIM: true}, true},
		{config.Security{TrustedAuthServIDs: []string{"mx.example.com"}, RequireAuthenticatedSender: &no}, false},
		{config.Security{RequireAuthenticatedSender: &yes, VerifyDKIM: true}, true},
	}
	for i, tt := range tests {
		if got := tt.sec.RequireAuthenticated(); got != tt.want {
			t.Errorf("case %d: %v, want %v", i, got, tt.want)
		}
	}
}

// TestLimitsFromConfig checks that the limits.* keys reach the parser: a
// message over a configured limit is quarantined with the reason.
func TestLimitsFromConfig(t *testing.T) {
	tests := []struct {
		name   string
		set    func(*config.Limits)
		reason string
	}{
		{"parts", func(l *config.Limits) { l.MaxParts = 2 }, "parts"},
		{"depth", func(l *config.Limits) { l.MaxDepth = 1 }, "deep"},
		{"decoded size", func(l *config.Limits) { l.MaxDecodedBytes = 64 }, "decoded"},
		{"header size", func(l *config.Limits) { l.MaxHeaderBytes = 100 }, "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			tt.set(&r.cfg.Limits)
			raw := fixture(t, "en-incident-screenshot.eml") // multipart with a PNG
			r.imap.Append("INBOX", raw)
			r.runOnce()
			if n := r.imap.Count("Quarantine"); n != 1 {
				t.Fatalf("Quarantine has %d; the limit did not apply", n)
			}
			reason, _, err := r.openStore().QuarantineReason(contentKey(raw))
			if err != nil || !strings.Contains(strings.ToLower(reason), tt.reason) {
				t.Errorf("reason %q (%v) does not mention %q", reason, err, tt.reason)
			}
		})
	}
}
