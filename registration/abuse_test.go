package registration

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

const trustedMX = "mx.ticketd.example"

// strangerMail is a message from someone who is no contact, whose subject,
// words and display name carry a phishing link; authResults, when set, is
// the receiving server's Authentication-Results.
func strangerMail(i int, from, authResults string) []byte {
	var b strings.Builder
	if authResults != "" {
		b.WriteString("Authentication-Results: " + authResults + "\r\n")
	}
	fmt.Fprintf(&b, "From: \"Prize at https://evil.example/p\" <%s>\r\n"+
		"To: support@ticketd.example\r\n"+
		"Subject: You won! Claim at https://evil.example/claim\r\n"+
		"Message-ID: <stranger-%d@sender.example>\r\n"+
		"Date: Tue, 13 Oct 2026 09:14:27 +0200\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Claim your prize now at https://evil.example/login before it expires. The route planner fails for every depot since Monday.\r\n", from, i)
	return []byte(b.String())
}

func turnedAway(t *testing.T, r *rig) []store.TurnedAwayRecord {
	t.Helper()
	db := r.open()
	defer db.Close()
	away, err := db.TurnedAway(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return away
}

// A forged victim (From a victim, nothing authenticates it) gets no email
// at all; the message is recorded with why no answer went out.
func TestForgedVictimGetsNoEmail(t *testing.T) {
	r := newRig(t)
	r.cfg.Security.TrustedAuthServIDs = []string{trustedMX}
	r.step(
		strangerMail(1, "victim@bank.example", ""),
		strangerMail(2, "victim@bank.example", trustedMX+"; dmarc=fail header.from=bank.example; spf=pass smtp.mailfrom=attacker.example"),
		strangerMail(3, "victim@bank.example", trustedMX+"; dkim=pass header.d=attacker.example"),
		strangerMail(4, "victim@bank.example", "mx.attacker.example; dmarc=pass header.from=bank.example"),
	)
	time.Sleep(100 * time.Millisecond)
	if n := len(r.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails went to the forged victim, want none", n)
	}
	away := turnedAway(t, r)
	if len(away) != 4 {
		t.Fatalf("%d turned-away records, want 4", len(away))
	}
	for _, a := range away {
		if a.NoReply != noReplyUnauthenticated || len(a.Replies) != 0 {
			t.Errorf("%s: no_reply %q, replies %v", a.MessageID, a.NoReply, a.Replies)
		}
	}
}

// An authenticated stranger gets a rejection that quotes nothing they
// wrote: no subject, no words, no link, no display name.
func TestAuthenticatedStrangerRejectionQuotesNothing(t *testing.T) {
	r := newRig(t)
	r.cfg.Security.TrustedAuthServIDs = []string{trustedMX}
	r.step(
		strangerMail(1, "ana@sender.example", trustedMX+" (Postfix); dmarc=pass header.from=sender.example"),
		strangerMail(2, "bo@mail.sender.example", trustedMX+"; dkim=pass header.d=sender.example"), // aligned: same organizational domain
		strangerMail(3, "cy@sender.co.uk", trustedMX+"; spf=pass smtp.mailfrom=bounces.sender.co.uk"),
	)
	msgs := r.smtp.WaitFor(3, 5*time.Second)
	for _, m := range msgs {
		body := string(m.Data)
		for _, bad := range []string{"evil.example", "Claim", "claim", "prize", "Prize", "route planner"} {
			if strings.Contains(body, bad) {
				t.Errorf("rejection to %v reflects %q:\n%s", m.To, bad, body)
			}
		}
		if !strings.Contains(body, "not an authorized support contact") {
			t.Errorf("rejection to %v does not say why:\n%s", m.To, body)
		}
	}
}

// 100 authenticated strangers in an hour get at most
// receipt.max_rejections_per_hour rejections in all.
func TestStrangersGlobalRejectionCap(t *testing.T) {
	r := newRig(t)
	r.cfg.Security.TrustedAuthServIDs = []string{trustedMX}
	r.settings.MaxRejectionsPerHour = 30
	var raws [][]byte
	for i := range 100 {
		raws = append(raws, strangerMail(i, fmt.Sprintf("s%d@sender%d.example", i, i), fmt.Sprintf("%s; dmarc=pass header.from=sender%d.example", trustedMX, i)))
	}
	r.step(raws[:50]...)
	r.step(raws[50:]...) // another Registrar and store open: the cap is durable
	time.Sleep(100 * time.Millisecond)
	if n := len(r.smtp.Messages()); n != 30 {
		t.Fatalf("%d rejections to 100 strangers, want 30 (the global cap)", n)
	}
	capped := 0
	for _, a := range turnedAway(t, r) {
		if a.NoReply == store.NoReplyKindCap {
			capped++
		}
	}
	if capped != 70 {
		t.Errorf("%d records say the global cap stopped their answer, want 70", capped)
	}
}

// alice is an accepted incident from alice (or a plus sub-address of
// hers) with its own Message-ID.
func alice(t *testing.T, n int, sub string) []byte {
	raw := withMessageID(fixture(t, "en-incident-screenshot.eml"), fmt.Sprintf("<flood-%d@acme.example>", n))
	if sub != "" {
		raw = []byte(strings.Replace(string(raw), "From: Alice Martin <alice@acme.example>", "From: Alice Martin <alice+"+sub+"@acme.example>", 1))
	}
	return raw
}

// 200 mails from one contact in an hour create the configured number of
// tickets and hold the rest, undeducted, with one notice; a released one is
// registered in the release period with its receipt.
func TestContactTicketRateHoldsAndReleases(t *testing.T) {
	r := newRig(t)
	r.settings.MaxNewTicketsPerContactPerHour = 10
	r.settings.MaxAutoRepliesPerHour = 0
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	var raws [][]byte
	for i := range 200 {
		sub := ""
		if i%3 == 1 {
			sub = fmt.Sprint("x", i) // sub-addresses count as alice
		}
		raws = append(raws, alice(t, i, sub))
	}
	r.stepAt(at, raws...)
	msgs := r.smtp.WaitFor(11, 10*time.Second)
	time.Sleep(100 * time.Millisecond)
	if n := len(r.smtp.Messages()); n != 11 {
		t.Errorf("%d emails, want 10 receipts and 1 held notice", n)
	}
	notices := 0
	for _, m := range msgs {
		if strings.Contains(subjectOf(t, m), "held for review") {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d held notices, want 1", notices)
	}
	if n := len(r.tickets()); n != 10 {
		t.Fatalf("%d tickets, want 10", n)
	}
	db := r.open()
	held, err := db.Held()
	if err != nil || len(held) != 190 {
		t.Fatalf("held %d, %v; want 190", len(held), err)
	}
	ledger, _ := db.Ledger("acme")
	if len(ledger) != 1 || ledger[0].Used != 10 {
		t.Fatalf("ledger %+v; held mail must not be deducted", ledger)
	}

	// Released a month later: registered then, in that period.
	s := r.settings
	s.Now = func() time.Time { return at.AddDate(0, 1, 7) }
	reg := New(db, r.cfg.Policy(), s)
	out, err := reg.Release(context.Background(), held[0].ID)
	if err != nil || out.Ticket == "" || out.Queued != 1 {
		t.Fatalf("Release: %+v, %v", out, err)
	}
	tk, _ := db.Ticket(out.Ticket)
	if tk.Period == ledger[0].Period || !tk.ReceivedAt.Equal(s.Now()) {
		t.Errorf("released ticket period %s received %s; want the release period and time", tk.Period, tk.ReceivedAt)
	}
	after, _ := db.Ledger("acme")
	if len(after) != 2 || after[0].Used != 10 || after[1].Used != 1 {
		t.Errorf("ledger after release %+v", after)
	}
	if _, err := reg.Release(context.Background(), held[0].ID); err == nil {
		t.Error("a second release of the same message succeeded")
	}
	left, _ := db.Held()
	if len(left) != 189 {
		t.Errorf("%d held after one release, want 189", len(left))
	}
	db.Close()
}

// The per-recipient cap counts plus sub-addresses as their contact, and
// each email still goes to the exact address that wrote.
func TestAutoReplyCapCountsSubAddresses(t *testing.T) {
	r := newRig(t)
	r.settings.MaxAutoRepliesPerHour = 2
	r.step(alice(t, 1, "a"), alice(t, 2, "b"), alice(t, 3, "c"), alice(t, 4, ""))
	msgs := r.smtp.WaitFor(2, 5*time.Second)
	time.Sleep(100 * time.Millisecond)
	if n := len(r.smtp.Messages()); n != 2 {
		t.Fatalf("%d receipts to alice's addresses, want 2 (the cap)", n)
	}
	for i, m := range msgs {
		want := fmt.Sprintf("alice+%c@acme.example", 'a'+i)
		if len(m.To) != 1 || m.To[0] != want {
			t.Errorf("receipt %d to %v, want %s", i, m.To, want)
		}
	}
}

// A message with 1,700 DKIM signatures is verified in bounded time: five
// signatures at most, lookups that end with the message's time budget,
// the rest counted as skipped.
func TestDKIMBounded(t *testing.T) {
	var b strings.Builder
	for i := range 1700 {
		fmt.Fprintf(&b, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=acme.example; s=s%d; h=From:Subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGVzdA==\r\n", i)
	}
	raw := append([]byte(b.String()), fixture(t, "en-incident-screenshot.eml")...)
	var lookups atomic.Int64
	auth := NewAuthenticator(nil, func(ctx context.Context, _ string) ([]string, error) {
		lookups.Add(1)
		<-ctx.Done() // a resolver that never answers
		return nil, ctx.Err()
	})
	limits := intake.Limits{MaxDuration: 500 * time.Millisecond, MaxHeaderBytes: 1 << 20}
	start := time.Now()
	j, err := Judge(context.Background(), raw, &rules.Policy{}, limits, time.Time{}, auth)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if took > 5*time.Second {
		t.Errorf("judging took %s; the budget is %s", took, limits.MaxDuration)
	}
	if n := lookups.Load(); n > MaxDKIMVerifications {
		t.Errorf("%d key lookups, want at most %d", n, MaxDKIMVerifications)
	}
	if j.DKIMSkipped != 1700-MaxDKIMVerifications || auth.SkippedSignatures() != int64(j.DKIMSkipped) {
		t.Errorf("skipped %d (counter %d), want %d", j.DKIMSkipped, auth.SkippedSignatures(), 1700-MaxDKIMVerifications)
	}
	if !strings.Contains(j.Msg.AuthResults[0], "dkim=temperror") {
		t.Errorf("own verdict %q, want temperror", j.Msg.AuthResults[0])
	}
}

var _ = mailtest.Fixture
