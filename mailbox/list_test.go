package mailbox

import (
	"context"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

func TestList(t *testing.T) {
	ts := startServer(t, capsRev2)
	c := dial(t, ts.config()) // creates Quarantine

	// Charsets Go's mime package does not know. imapmemserver decodes envelopes
	// itself (with go-message/charset), so this checks the result, not which
	// side decoded.
	spanish := "From: =?windows-1252?Q?Jos=E9_Mu=F1oz?= <jose@example.es>\r\n" +
		"To: support@example.com\r\n" +
		"Subject: =?ISO-8859-15?Q?Informaci=F3n_de_facturaci=F3n?=\r\n" +
		"Message-ID: <factura-1@example.es>\r\n" +
		"Date: Mon, 03 Mar 2025 10:00:00 +0100\r\n" +
		"\r\n" +
		"Hola\r\n"
	english := message("en-1", "Printer broken", "It does not print.")
	noHeaders := "\r\njust a body\r\n"
	uidES := ts.seed(t, "Quarantine", spanish)
	ts.seed(t, "Quarantine", message("gone", "deleted", "x"), imap.FlagDeleted)
	uidEN := ts.seed(t, "Quarantine", english, imap.FlagSeen)
	uidBare := ts.seed(t, "Quarantine", noHeaders)
	ts.seed(t, "INBOX", message("inbox", "not listed", "x"))

	ctx := context.Background()
	if err := c.Select(ctx, "Quarantine"); err != nil {
		t.Fatalf("Select(Quarantine): %v", err)
	}
	got, err := c.List(ctx)
	if err != nil {
		t.Fatalf("List() error = %v", err)
	}
	seeded := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	want := []Summary{
		{
			UID: uidES, Date: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC), InternalDate: seeded,
			From: "jose@example.es", FromName: "José Muñoz", Subject: "Información de facturación",
			MessageID: "factura-1@example.es", Size: int64(len(spanish)),
		},
		{
			UID: uidEN, Date: time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC), InternalDate: seeded,
			From: "ana@example.com", FromName: "Ana", Subject: "Printer broken",
			MessageID: "en-1@example.com", Size: int64(len(english)), Seen: true,
		},
		{UID: uidBare, InternalDate: seeded, Size: int64(len(noHeaders))},
	}
	if len(got) != len(want) {
		t.Fatalf("List() returned %d summaries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.UID != w.UID || !g.Date.Equal(w.Date) || !g.InternalDate.Equal(w.InternalDate) ||
			g.From != w.From || g.FromName != w.FromName || g.Subject != w.Subject ||
			g.MessageID != w.MessageID || g.Size != w.Size || g.Seen != w.Seen {
			t.Errorf("List()[%d] =\n  %+v\nwant\n  %+v", i, g, w)
		}
	}
}

func TestListEmpty(t *testing.T) {
	ts := startServer(t, capsRev1)
	c := dial(t, ts.config())
	got, err := c.List(context.Background())
	if err != nil || len(got) != 0 {
		t.Errorf("List() of an empty mailbox = %v, %v; want none, nil", got, err)
	}
}
