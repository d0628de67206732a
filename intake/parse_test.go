package intake

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// parseCase is one message and what Parse must make of it. The messages
// also seed FuzzParse.
type parseCase struct {
	name  string
	raw   string
	check func(t *testing.T, m *Message)
}

func wantEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

var parseCases = []parseCase{
	{
		name: "plain UTF-8 with all the usual headers",
		raw: crlf(`Received: from mail.acme.example by mx.ticketd.example; Mon, 02 Nov 2026 10:15:02 +0100
From: "Alice Martin" <Alice@ACME.example>
Sender: Alice Martin <alice@acme.example>
To: Support <support@ticketd.example>, "Ruiz, Carmen" <carmen@globex.example>
Cc: bob@acme.example
Reply-To: alice.martin@acme.example
Subject: Export to Excel fails with error 500
Date: Mon, 02 Nov 2026 10:15:00 +0100
Message-ID: <CAB123.456@mail.gmail.com>
In-Reply-To: <ticket-41@ticketd.example>
References: <first@ticketd.example> <ticket-41@ticketd.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Hello,

When I export the monthly report the app shows "Error 500". ¿Qué pasa?



It started on Friday.
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "From", m.From, Address{Name: "Alice Martin", Addr: "alice@acme.example"})
			wantEqual(t, "Sender", m.Sender, Address{Name: "Alice Martin", Addr: "alice@acme.example"})
			wantEqual(t, "To", m.To, []Address{{Name: "Support", Addr: "support@ticketd.example"}, {Name: "Ruiz, Carmen", Addr: "carmen@globex.example"}})
			wantEqual(t, "Cc", m.Cc, []Address{{Addr: "bob@acme.example"}})
			wantEqual(t, "ReplyTo", m.ReplyTo, []Address{{Addr: "alice.martin@acme.example"}})
			wantEqual(t, "Subject", m.Subject, "Export to Excel fails with error 500")
			wantEqual(t, "Date", m.Date.UTC(), time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC))
			wantEqual(t, "MessageID", m.MessageID, "CAB123.456@mail.gmail.com")
			wantEqual(t, "InReplyTo", m.InReplyTo, []string{"ticket-41@ticketd.example"})
			wantEqual(t, "References", m.References, []string{"first@ticketd.example", "ticket-41@ticketd.example"})
			// CRLF becomes LF and the run of blank lines collapses to one.
			wantEqual(t, "Text", m.Text, "Hello,\n\nWhen I export the monthly report the app shows \"Error 500\". ¿Qué pasa?\n\nIt started on Friday.")
			wantEqual(t, "OwnText", m.OwnText, m.Text)
			wantEqual(t, "HTMLOnly", m.HTMLOnly, false)
			wantEqual(t, "Key", m.Key(), "mid:CAB123.456@mail.gmail.com")
		},
	},
	{
		name: "Latin-1 quoted-printable body and subject",
		raw: crlf(`From: Carmen Ruiz <carmen@globex.example>
To: support@ticketd.example
Subject: =?ISO-8859-1?Q?Factura_err=F3nea_en_Espa=F1a?=
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Buenos d=EDas, la factura de octubre sale con el importe equivocado y no =
podemos enviarla al cliente.
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Subject", m.Subject, "Factura errónea en España")
			wantEqual(t, "Text", m.Text, "Buenos días, la factura de octubre sale con el importe equivocado y no podemos enviarla al cliente.")
		},
	},
	{
		name: "ISO-8859-15 euro sign",
		raw:  crlf("From: carmen@globex.example\nSubject: x\nContent-Type: text/plain; charset=iso-8859-15\nContent-Transfer-Encoding: 8bit\n\nImporte: 100 \xa4\n"),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "Importe: 100 €")
		},
	},
	{
		name: "Windows-1252 curly quotes",
		raw:  crlf("From: alice@acme.example\nSubject: x\nContent-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: 8bit\n\nThe \x93Export\x94 button costs 10\x80 \x96 why?\n"),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "The “Export” button costs 10€ – why?")
		},
	},
	{
		name: "Windows-1250 Central European",
		raw:  crlf("From: a@acme.example\nSubject: x\nContent-Type: text/plain; charset=windows-1250\n\n\x8alapa \x9e\xb3\xf3\x9c\xe6\n"),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "Šlapa žłóść")
		},
	},
	{
		name: "ISO-8859-5 Cyrillic",
		raw:  crlf("From: a@acme.example\nSubject: x\nContent-Type: text/plain; charset=iso-8859-5\n\n\xbf\xe0\xd8\xd2\xd5\xe2\n"),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "Привет")
		},
	},
	{
		name: "KOI8-R Cyrillic",
		raw:  crlf("From: a@acme.example\nSubject: x\nContent-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n"),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "Привет")
		},
	},
	{
		name: "8-bit text without charset read as Windows-1252",
		raw:  crlf("From: Jos\xe9 P\xe9rez <jose@globex.example>\nSubject: Espa\xf1a\n\nLa p\xe1gina no carga.\n"),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "From", m.From, Address{Name: "José Pérez", Addr: "jose@globex.example"})
			wantEqual(t, "Subject", m.Subject, "España")
			wantEqual(t, "Text", m.Text, "La página no carga.")
		},
	},
	{
		name: "base64 text and UTF-8 B-encoded subject",
		raw: crlf(`From: luis@globex.example
Subject: =?UTF-8?B?Tm8gcHVlZG8gZGVzY2FyZ2FyIGVsIGluZm9ybWUgZGUgdmVudGFz?=
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

RWwgaW5mb3JtZSBkZSB2ZW50YXMgZGEgdW4gZXJyb3IgYWwgZGVzY2FyZ2FybG8uIMK/UG9kw6lp
cyByZXZpc2FybG8/
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Subject", m.Subject, "No puedo descargar el informe de ventas")
			wantEqual(t, "Text", m.Text, "El informe de ventas da un error al descargarlo. ¿Podéis revisarlo?")
		},
	},
	{
		name: "HTML only, with entities, breaks, blocks, style and script",
		raw: crlf(`From: Carmen Ruiz <carmen@globex.example>
Subject: La =?UTF-8?Q?p=C3=A1gina?= de facturas falla
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><title>Ignored title</title><style>p { color: red; }</style></head>
<body><p class="MsoNormal">Hola equipo,</p><p>La p&aacute;gina de facturas falla desde ayer.<br>Adjunto&nbsp;detalles:</p>
<div>Segunda l&iacute;nea &amp; m&aacute;s</div><div>Ver <a href="https://docs.example.com/document/1f2e-3d4c">el documento</a>.</div>
<script type="text/javascript">alert("no");</script><ul><li>uno</li><li>dos</li></ul></body></html>
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Subject", m.Subject, "La página de facturas falla")
			wantEqual(t, "HTMLOnly", m.HTMLOnly, true)
			wantEqual(t, "Text", m.Text, "Hola equipo,\n\nLa página de facturas falla desde ayer.\nAdjunto detalles:\n\nSegunda línea & más\nVer el documento.\n\n- uno\n- dos")
			wantEqual(t, "URLs", m.URLs, []string{"https://docs.example.com/document/1f2e-3d4c"})
		},
	},
	{
		name: "multipart/alternative prefers text/plain and keeps HTML links",
		raw: crlf(`From: bob@acme.example
Subject: Dashboard is blank
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

The dashboard stays blank after login (see the link in the HTML version).
--alt
Content-Type: text/html; charset=utf-8

<p>The dashboard stays <b>blank</b> after login, see <a href='https://app.example.com/dashboard?id=7&amp;tab=2'>here</a>.</p>
--alt--
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "The dashboard stays blank after login (see the link in the HTML version).")
			wantEqual(t, "HTMLOnly", m.HTMLOnly, false)
			wantEqual(t, "URLs", m.URLs, []string{"https://app.example.com/dashboard?id=7&tab=2"})
			wantEqual(t, "Attachments", len(m.Attachments), 0)
		},
	},
	{
		name: "multipart/mixed with a PNG and a PDF, and a second text part",
		raw: crlf(`From: alice@acme.example
Subject: Screenshot of the error
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: text/plain; charset=utf-8

First part of my text.
--mix
Content-Type: image/PNG; name="error.png"
Content-Disposition: attachment; filename="error.png"
Content-Transfer-Encoding: base64

` + pngPixel + `
--mix
Content-Type: application/pdf
Content-Disposition: attachment; filename="invoice 2026-10.pdf"
Content-Transfer-Encoding: base64

` + pdfBase64 + `
--mix
Content-Type: text/plain; charset=utf-8

Second part of my text.
--mix--
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "First part of my text.\n\nSecond part of my text.")
			png := b64decode(t, pngPixel)
			wantEqual(t, "Attachments", m.Attachments, []Attachment{
				{Filename: "error.png", MediaType: "image/png", Size: int64(len(png)), SHA256: sum(png), Width: 1, Height: 1},
				{Filename: "invoice 2026-10.pdf", MediaType: "application/pdf", Size: int64(len(pdfBytes)), SHA256: sum(pdfBytes)},
			})
		},
	},
	{
		name: "octet-stream attachment named screenshot.png",
		raw: crlf(`From: alice@acme.example
Subject: Error screenshot
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

See attached.
--b
Content-Type: application/octet-stream; name=screenshot.png
Content-Transfer-Encoding: base64

` + pngPixel + `
--b--
`),
		check: func(t *testing.T, m *Message) {
			png := b64decode(t, pngPixel)
			wantEqual(t, "Attachments", m.Attachments, []Attachment{{Filename: "screenshot.png", MediaType: "application/octet-stream", Size: int64(len(png)), SHA256: sum(png), Width: 1, Height: 1}})
		},
	},
	{
		name: "inline cid image in multipart/related inside alternative",
		raw: crlf(`From: alice@acme.example
Subject: Inline screenshot
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain

The chart shows an error, screenshot inline.
--alt
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html

<p>The chart shows an error: <img src="cid:chart@acme.example"></p>
--rel
Content-Type: image/png
Content-ID: <chart@acme.example>
Content-Transfer-Encoding: base64

` + pngPixel + `
--rel--
--alt--
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "The chart shows an error, screenshot inline.")
			png := b64decode(t, pngPixel)
			wantEqual(t, "Attachments", m.Attachments, []Attachment{{MediaType: "image/png", Size: int64(len(png)), SHA256: sum(png), ContentID: "chart@acme.example", Inline: true, Width: 1, Height: 1, Referenced: true}})
		},
	},
	{
		name: "text parts marked as files are attachments; other text alternatives are skipped",
		raw: crlf(`From: luis@globex.example
Subject: Import CSV fails
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: multipart/alternative; boundary="a"

--a
Content-Type: text/plain

The import of the attached file fails.
--a
Content-Type: text/watch-html

<b>short</b>
--a--
--m
Content-Type: text/csv; charset=utf-8
Content-Disposition: attachment; filename="clientes.csv"

id,name
1,Ana
--m
Content-Type: text/plain
Content-Disposition: inline; filename="notes.txt"

notes
--m--
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "The import of the attached file fails.")
			wantEqual(t, "Attachments", m.Attachments, []Attachment{
				{Filename: "clientes.csv", MediaType: "text/csv", Size: int64(len("id,name\r\n1,Ana")), SHA256: sum("id,name\r\n1,Ana")},
				{Filename: "notes.txt", MediaType: "text/plain", Size: 5, SHA256: sum("notes"), Inline: true, Text: "notes"},
			})
		},
	},
	{
		name: "RFC 2231 and RFC 2047 file names",
		raw: crlf(`From: alice@acme.example
Subject: Files
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: text/plain

Three files.
--m
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''informe%20a%C3%B1o%202026.pdf

a
--m
Content-Type: application/pdf
Content-Disposition: attachment; filename*=iso-8859-1''caf%E9.pdf

b
--m
Content-Type: text/csv
Content-Disposition: attachment; filename*0*=utf-8''d%C3%ADa; filename*1="-final.csv"

c
--m
Content-Type: application/pdf; name="=?UTF-8?Q?n=C3=BAmero=09tab.pdf?="

d
--m--
`),
		check: func(t *testing.T, m *Message) {
			var names []string
			for _, a := range m.Attachments {
				names = append(names, a.Filename)
			}
			// The tab in the last name is a control character: sanitized.
			wantEqual(t, "file names", names, []string{"informe año 2026.pdf", "café.pdf", "día-final.csv", "número tab.pdf"})
		},
	},
	{
		name: "forwarded message/rfc822 with its own attachment",
		raw: crlf(`From: Alice Martin <alice@acme.example>
Subject: Fwd: Export fails
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8

Bob found this yesterday, his report is below.
--outer
Content-Type: message/rfc822
Content-Disposition: attachment; filename="report.eml"

From: Bob Stone <bob@acme.example>
Subject: Export fails
Date: Mon, 02 Nov 2026 09:00:00 +0100
Content-Type: multipart/mixed; boundary="inner"

--inner
Content-Type: text/plain

The export button shows error 500. See https://app.example.com/exports/42.
--inner
Content-Type: image/png
Content-Disposition: attachment; filename="error.png"
Content-Transfer-Encoding: base64

` + pngPixel + `
--inner--
--outer--
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "Bob found this yesterday, his report is below.\n\n"+
				"---------- Forwarded message ----------\nFrom: Bob Stone <bob@acme.example>\nDate: Mon, 02 Nov 2026 09:00:00 +0100\nSubject: Export fails\n\n"+
				"The export button shows error 500. See https://app.example.com/exports/42.")
			wantEqual(t, "OwnText", m.OwnText, "Bob found this yesterday, his report is below.")
			png := b64decode(t, pngPixel)
			wantEqual(t, "Attachments", m.Attachments, []Attachment{{Filename: "error.png", MediaType: "image/png", Size: int64(len(png)), SHA256: sum(png), Width: 1, Height: 1}})
			wantEqual(t, "URLs", m.URLs, []string{"https://app.example.com/exports/42"})
		},
	},
	{
		name: "missing closing boundary keeps the parts read",
		raw: crlf(`From: alice@acme.example
Subject: Invoice wrong
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

The invoice PDF is wrong.
--b
Content-Type: application/pdf; name="invoice.pdf"
Content-Transfer-Encoding: base64

` + pdfBase64 + `
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "The invoice PDF is wrong.")
			wantEqual(t, "Attachments", m.Attachments, []Attachment{{Filename: "invoice.pdf", MediaType: "application/pdf", Size: int64(len(pdfBytes)), SHA256: sum(pdfBytes)}})
			if !hasDefect(m, "missing closing boundary") {
				t.Errorf("Defects = %q, want a missing closing boundary", m.Defects)
			}
		},
	},
	{
		name: "unknown charset keeps the text",
		raw:  crlf("From: alice@acme.example\nSubject: x\nContent-Type: text/plain; charset=x-klingon\n\nThe report page is blank.\n"),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "The report page is blank.")
			if !hasDefect(m, "x-klingon") {
				t.Errorf("Defects = %q, want the unknown charset", m.Defects)
			}
		},
	},
	{
		name: "unknown transfer encoding: part kept raw",
		raw: crlf("From: alice@acme.example\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nContent-Transfer-Encoding: 8-bit\n\nTypo in the encoding name.\n" +
			"--b\nContent-Type: application/octet-stream; name=a.bin\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 a.bin\n#86)C\n`\nend\n--b--\n"),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Text", m.Text, "Typo in the encoding name.")
			raw := "begin 644 a.bin\r\n#86)C\r\n`\r\nend"
			wantEqual(t, "Attachments", m.Attachments, []Attachment{{Filename: "a.bin", MediaType: "application/octet-stream", Size: int64(len(raw)), SHA256: sum(raw)}})
			if !hasDefect(m, `"x-uuencode"`) || !hasDefect(m, `"8-bit"`) {
				t.Errorf("Defects = %q, want both unknown encodings", m.Defects)
			}
		},
	},
	{
		name: "DSN: multipart/report, null Return-Path",
		raw: crlf(`Return-Path: <>
From: Mail Delivery Subsystem <MAILER-DAEMON@mx.acme.example>
To: alice@acme.example
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type="Delivery-Status"; boundary="dsn"

--dsn
Content-Type: text/plain

Delivery to nobody@acme.example failed permanently.
--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acme.example
Final-Recipient: rfc822; nobody@acme.example
Action: failed
Status: 5.1.1
--dsn
Content-Type: text/rfc822-headers

From: alice@acme.example
Subject: hello
--dsn--
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "From", m.From, Address{Name: "Mail Delivery Subsystem", Addr: "mailer-daemon@mx.acme.example"})
			wantEqual(t, "Loop", m.Loop, LoopHeaders{AutoSubmitted: "auto-replied", ReturnPathNull: true, Report: true, ReportType: "delivery-status"})
			wantEqual(t, "Text", m.Text, "Delivery to nobody@acme.example failed permanently.")
			var types []string
			for _, a := range m.Attachments {
				types = append(types, a.MediaType)
			}
			wantEqual(t, "attachment types", types, []string{"message/delivery-status", "text/rfc822-headers"})
		},
	},
	{
		name: "every loop header",
		raw: crlf(`Return-Path: <Bounces+123@lists.example>
From: news@lists.example
Subject: Newsletter
Auto-Submitted: auto-generated
Precedence: bulk
List-Id: Product news <news.lists.example>
List-Unsubscribe: <mailto:unsub@lists.example>, <https://lists.example/u?x=1>
X-Auto-Response-Suppress: All
X-Autorespond: yes
X-Failed-Recipients: gone@acme.example

Hello.
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "Loop", m.Loop, LoopHeaders{
				AutoSubmitted:         "auto-generated",
				Precedence:            "bulk",
				ListID:                "Product news <news.lists.example>",
				ListUnsubscribe:       "<mailto:unsub@lists.example>, <https://lists.example/u?x=1>",
				XAutoResponseSuppress: "All",
				XAutoreply:            "yes",
				XFailedRecipients:     "gone@acme.example",
				ReturnPath:            "Bounces+123@lists.example",
			})
		},
	},
	{
		name: "every Authentication-Results, topmost first",
		raw: crlf(`Authentication-Results: mx.ticketd.example; dkim=pass header.d=acme.example; spf=pass smtp.mailfrom=acme.example; dmarc=pass
Received: from relay.example by mx.ticketd.example
Authentication-Results: relay.example;
 spf=fail smtp.mailfrom=acme.example
Authentication-Results: old.example; none
From: alice@acme.example
Subject: x

Body.
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "AuthResults", m.AuthResults, []string{
				"mx.ticketd.example; dkim=pass header.d=acme.example; spf=pass smtp.mailfrom=acme.example; dmarc=pass",
				"relay.example; spf=fail smtp.mailfrom=acme.example",
				"old.example; none",
			})
		},
	},
	{
		name: "URLs with trailing punctuation, distinct, in order",
		raw: crlf(`From: alice@acme.example
Subject: Links

See https://docs.example.com/document/ab12-cd34. Also (https://app.example.com/b),
<https://app.example.com/c>, "https://app.example.com/d?q=1&r=2"; and
https://en.wikipedia.org/wiki/Foo_(bar)! Again https://app.example.com/b.
Not these: ftp://files.example/x mailto:alice@acme.example http:// https://
HTTPS://App.Example.com/Upper
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "URLs", m.URLs, []string{
				"https://docs.example.com/document/ab12-cd34",
				"https://app.example.com/b",
				"https://app.example.com/c",
				"https://app.example.com/d?q=1&r=2",
				"https://en.wikipedia.org/wiki/Foo_(bar)",
				"https://App.Example.com/Upper",
			})
		},
	},
	{
		name: "lenient address, ID and date parsing",
		raw: crlf(`From: Alice Martin <ALICE@acme.example
To: undisclosed-recipients:;
Subject: Broken headers
Date: yesterday at noon
Message-ID: <1234.local>
In-Reply-To: ticket-41@ticketd.example
References: <a@x.example> <broken <c@y.example>

Body.
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "From", m.From, Address{Name: "Alice Martin", Addr: "alice@acme.example"})
			wantEqual(t, "To", len(m.To), 0)
			wantEqual(t, "Date", m.Date.IsZero(), true)
			wantEqual(t, "MessageID", m.MessageID, "1234.local")
			wantEqual(t, "ContentHash", m.ContentHash, "") // the Message-ID is the key
			wantEqual(t, "InReplyTo", m.InReplyTo, []string{"ticket-41@ticketd.example"})
			wantEqual(t, "References", m.References, []string{"a@x.example", "c@y.example"})
			if !hasDefect(m, "Date") || !hasDefect(m, "From") {
				t.Errorf("Defects = %q, want the bad Date and From", m.Defects)
			}
		},
	},
	{
		name: "no Message-ID: key is the content hash",
		raw:  "From: alice@acme.example\r\nSubject: x\r\n\r\nBody.\r\n",
		check: func(t *testing.T, m *Message) {
			raw := "From: alice@acme.example\r\nSubject: x\r\n\r\nBody.\r\n"
			wantEqual(t, "Size", m.Size, int64(len(raw)))
			wantEqual(t, "ContentHash", m.ContentHash, sum(raw))
			wantEqual(t, "Key", m.Key(), "sha256:"+sum(raw))
		},
	},
	{
		name: "mbox From_ line and header running into the body",
		raw:  "From alice@acme.example Mon Nov  2 10:00:00 2026\nFrom: alice@acme.example\nSubject: x\nContent-Type: multipart/mixed; boundary=b\nThis is a multi-part message in MIME format.\n--b\nContent-Type: text/plain\n\nThe body survives.\n--b--\n",
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "From", m.From.Addr, "alice@acme.example")
			wantEqual(t, "Text", m.Text, "The body survives.")
			if !hasDefect(m, "blank line") {
				t.Errorf("Defects = %q, want the missing blank line", m.Defects)
			}
		},
	},
	{
		name: "Gmail reply: quote removed from OwnText, kept in Text",
		raw: crlf(`From: Bob Stone <bob@acme.example>
Subject: Re: [#41] Export fails
Content-Type: text/plain; charset=UTF-8

It still fails this morning, same error.

Best regards,
Bob

On Mon, Nov 2, 2026 at 10:15 AM ticketd Support <support@ticketd.example>
wrote:

> Could you tell us whether it still fails?
`),
		check: func(t *testing.T, m *Message) {
			wantEqual(t, "OwnText", m.OwnText, "It still fails this morning, same error.")
			if !strings.Contains(m.Text, "> Could you tell us whether it still fails?") {
				t.Errorf("Text lost the quote: %q", m.Text)
			}
		},
	},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, tc.raw)
			tc.check(t, m)
		})
	}
}

func TestParseRejectsWhatIsNotAMessage(t *testing.T) {
	tests := []struct {
		name string
		raw  string
	}{
		{"empty", ""},
		{"only blank lines", "\r\n\r\n"},
		{"no header fields a message has", "X-Foo: bar\r\n\r\nbody\r\n"},
		{"prose", "Hello, this is not an email at all\r\nreally\r\n"},
		{"header starting with a space", " From: alice@acme.example\r\nSubject: x\r\n\r\nbody\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(tc.raw), Limits{})
			if !errIs(err, ErrMalformed) {
				t.Fatalf("Parse = %v, %v; want ErrMalformed", m, err)
			}
			if !strings.HasPrefix(err.Error(), "intake: ") {
				t.Errorf("error %q lacks context", err)
			}
		})
	}
}
