package intake

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestFindQuotes(t *testing.T) {
	tests := []struct {
		name, subject, text string
		want                []Quote
	}{
		{
			name: "Gmail reply with a quoted block",
			text: "The export still fails.\n\nOn Mon, Nov 2, 2026 at 10:15 AM Support <Support@Ticketd.example>\nwrote:\n\n> Please send a screenshot.\n> \n> -- \n> ticketd support\n",
			want: []Quote{{Author: "support@ticketd.example", Text: "Please send a screenshot."}},
		},
		{
			name: "colleague's report quoted under one line, with nested quote",
			text: "See Dave's report below, urgent please.\n\nEl lun, 2 nov 2026 a las 9:00, Dave Ortiz (<dave@acme.example>) escribió:\n> Invoices uploaded from the web stay in Pending since Monday.\n> Every invoice, every user.\n>\n> El dom, 1 nov 2026, Ana <ana@acme.example> escribió:\n>> Is the upload working for you?\n",
			want: []Quote{
				{Author: "dave@acme.example", Text: "Invoices uploaded from the web stay in Pending since Monday.\nEvery invoice, every user."},
				{Author: "ana@acme.example", Text: "Is the upload working for you?"},
			},
		},
		{
			name: "Gmail forward with headers",
			text: "Please look at the report below.\n\n---------- Forwarded message ---------\nFrom: Bob Stone <Bob@ACME.example>\nDate: Mon, Nov 2, 2026\nSubject: Export fails with error 500\nTo: Alice <alice@acme.example>\n\nThe export fails with error 500 on every report.\n\nBest regards,\nBob\n",
			want: []Quote{{Author: "bob@acme.example", Forwarded: true, Subject: "Export fails with error 500", Text: "The export fails with error 500 on every report."}},
		},
		{
			name: "Spanish forward, Asunto before De, no address",
			text: "Os reenvío el aviso de Luis.\n\n-------- Mensaje reenviado --------\nAsunto: error al firmar\nDe: Luis\n\nFalla la firma.\n",
			want: []Quote{{Forwarded: true, Subject: "error al firmar", Text: "Falla la firma."}},
		},
		{
			name: "Apple forward with a blank line after the marker",
			text: "FYI.\n\nBegin forwarded message:\n\nFrom: Bob <bob@acme.example>\nSubject: Labels\nDate: 2 November 2026\nTo: Alice <alice@acme.example>\n\nLabels print blank.\n",
			want: []Quote{{Author: "bob@acme.example", Forwarded: true, Subject: "Labels", Text: "Labels print blank."}},
		},
		{
			name:    "Outlook reply chain: header blocks nested",
			subject: "RE: [#41] Export fails",
			text:    "Still failing.\n\n________________________________\nFrom: ticketd Support <support@ticketd.example>\nSent: Monday, November 2, 2026 10:15 AM\nTo: Alice Martin <alice@acme.example>\nSubject: RE: [#41] Export fails\n\nHello Alice, which browser?\n\nFrom: Alice Martin <alice@acme.example>\nSent: Sunday, November 1, 2026 9:00 AM\nTo: Support <support@ticketd.example>\nSubject: Export fails\n\nThe export fails.\n",
			want: []Quote{
				{Author: "support@ticketd.example", Subject: "RE: [#41] Export fails", Text: "Hello Alice, which browser?"},
				{Author: "alice@acme.example", Subject: "Export fails", Text: "The export fails."},
			},
		},
		{
			name:    "Outlook forward in Spanish: the header block under an RV: subject",
			subject: "RV: No se generan las facturas",
			text:    "Os paso lo que nos dice Marta.\n\nDe: Marta Gil <marta@globex.example>\nEnviado el: lunes, 2 de noviembre de 2026 10:15\nPara: Carmen Ruiz <carmen@globex.example>\nAsunto: No se generan las facturas\n\nDesde ayer no se generan las facturas.\n\nUn saludo,\nMarta\n",
			want:    []Quote{{Author: "marta@globex.example", Forwarded: true, Subject: "No se generan las facturas", Text: "Desde ayer no se generan las facturas."}},
		},
		{
			name: "Outlook Original Message is a reply",
			text: "Any news?\n\n-----Original Message-----\nFrom: Support [mailto:support@ticketd.example]\nSent: Monday\nSubject: RE: export\n\nWe are looking into it.\n",
			want: []Quote{{Author: "support@ticketd.example", Subject: "RE: export", Text: "We are looking into it."}},
		},
		{
			name: "interleaved answers: each quoted run is a quote",
			text: "> Which browser?\nFirefox.\n> Which version?\n132.\n",
			want: []Quote{{Text: "Which browser?"}, {Text: "Which version?"}},
		},
		{
			name: "Apple unprefixed reply runs to the end",
			text: "Here it is.\n\nOn 2 Nov 2026, at 10:15, Alice Martin <alice@acme.example> wrote:\n\nCould you send the CSV?\n\nSent from my iPhone\n",
			want: []Quote{{Author: "alice@acme.example", Text: "Could you send the CSV?"}},
		},
		{
			name: "a run of nested quotes alone is not a quote of its own",
			text: "Own words.\n\n>> Which browser?\n>> Which version?\n",
			want: []Quote{{Text: "Which browser?\nWhich version?"}},
		},
		{
			name: "no quotes",
			text: "Here is what my colleague wrote:\nthe export fails on every report\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			own := ownWords(tc.text)
			wantEqual(t, "Quotes", findQuotes(tc.text, tc.subject, maxQuotes), tc.want)
			if ownWords(tc.text) != own {
				t.Errorf("ownWords changed")
			}
		})
	}
}

func TestQuotesAreBounded(t *testing.T) {
	t.Run("at most 8, outermost first", func(t *testing.T) {
		var b strings.Builder
		for i := range 20 {
			b.WriteString(strings.Repeat(">", i) + " On Mon, 2 Nov 2026, u" + string(rune('a'+i)) + "@acme.example wrote:\n")
			b.WriteString(strings.Repeat(">", i+1) + " level text\n")
		}
		q := findQuotes("Own words.\n\n"+b.String(), "", maxQuotes)
		if len(q) != maxQuotes || q[0].Author != "ua@acme.example" || q[1].Author != "ub@acme.example" {
			t.Fatalf("%d quotes: %+v", len(q), q)
		}
	})
	t.Run("texts share MaxTextBytes", func(t *testing.T) {
		line := strings.Repeat("word ", 100)
		raw := "From: alice@acme.example\r\nSubject: x\r\n\r\nOwn words.\r\n\r\nOn Mon, 2 Nov 2026, bob@acme.example wrote:\r\n> " + line + "\r\n>\r\n> On Sun, 1 Nov 2026, carl@acme.example wrote:\r\n>> " + line + "\r\n"
		limits := Limits{MaxTextBytes: 700}
		m, err := Parse(strings.NewReader(raw), limits)
		checkResult(t, m, err, limits)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Quotes) != 2 || len(m.Quotes[0].Text)+len(m.Quotes[1].Text) > 700 || !m.TextTruncated {
			t.Fatalf("quotes %d, %d bytes; truncated %v", len(m.Quotes), len(m.Quotes[0].Text)+len(m.Quotes[1].Text), m.TextTruncated)
		}
		wantEqual(t, "OwnText", m.OwnText, "Own words.")
	})
	t.Run("hostile nesting stays fast", func(t *testing.T) {
		n := 50000
		if raceEnabled {
			n = 5000
		}
		for _, text := range []string{
			strings.Repeat("On 1 a@b.example wrote:\n", n),
			strings.Repeat(">", n) + " x\n",
			strings.Repeat("> x\ny\n", n),
			strings.Repeat("---------- Forwarded message ---------\nFrom: a@b.example\n\n", n),
		} {
			start := time.Now()
			q := findQuotes(text, "", maxQuotes)
			if took := time.Since(start); took > 5*time.Second || len(q) > maxQuotes {
				t.Errorf("%d quotes in %s", len(q), took)
			}
		}
	})
}

// TestQuotesInMessages parses the fixtures of a colleague's report
// forwarded as an attachment, and passed on inline under one line.
func TestQuotesInMessages(t *testing.T) {
	tests := []struct {
		file    string
		own     string
		want    []Quote
		attWant int
	}{
		{
			file: "testdata/forward-attached-report.eml",
			own:  "Forwarding Dave's report, with his screenshot.",
			want: []Quote{{Author: "dave@acme.example", Forwarded: true, Subject: "Invoices stuck in Pending", Text: "Invoices uploaded from the web interface are stuck in Pending since Monday.\nIt happens to every user in the Madrid office."}},
		},
		{
			file: "testdata/escalated-inline-es.eml",
			own:  "Os paso lo que reporta Luis, es urgente.",
			want: []Quote{{Author: "luis@globex.example", Text: "Las facturas salen duplicadas desde la actualización del viernes.\nAdjunto captura."}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			m := mustParse(t, string(raw))
			wantEqual(t, "OwnText", m.OwnText, tc.own)
			wantEqual(t, "Quotes", m.Quotes, tc.want)
		})
	}
}
