package registration

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

func TestForgedSenderRejectedWithoutBackscatter(t *testing.T) {
	r := newRig(t)
	r.cfg.Security.TrustedAuthServIDs = []string{"mx.ticketd.example"}
	forged := mailtest.ReadTestdata(t, "security", "forged-alice-dmarc-fail.eml")
	r.step(forged, fixture(t, "en-incident-screenshot.eml")) // the second: dmarc=pass from the trusted server
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
	r.settings.Auth = NewAuthenticator(r.cfg.Security.TrustedAuthServIDs, lookup)
	r.step(genuine, unsigned, claiming, tampered)
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
