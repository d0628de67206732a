package mailtest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
)

// TextOf returns an email's decoded text/plain part and its attachments' names.
func TextOf(t testing.TB, m Message) (text string, files []string) {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p.Body)
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				text = string(body)
			}
		case *mail.AttachmentHeader:
			name, _ := h.Filename()
			files = append(files, name)
		}
	}
	return text, files
}

// Header returns one header of a sent email.
func Header(t testing.TB, m Message, name string) string {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	return mr.Header.Get(name)
}

// AgentReply writes an agent's answer to notification n the way a mail
// client does, from from to to (the support address the team writes to):
// shape is "thunderbird" (quoted with "> "), "outlook" (top-posted over
// the original's header block), "outlook-html" (the same in HTML only), "outlook-es" (Spanish
// Outlook), "apple" (Apple Mail's quoted attribution), "gmail" (text and HTML with a
// gmail_quote), "attachment" (thunderbird with a file) or "pasted" (the
// notification pasted under the answer with no quoting at all). It
// carries a trusted Authentication-Results header (mx.ticketd.example)
// with dmarc=pass for vendor.example.
func AgentReply(t testing.TB, n Message, from, to, shape, answer string) []byte {
	t.Helper()
	text, _ := TextOf(t, n)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	id := Header(t, n, "Message-Id")
	subject := Header(t, n, "Subject")
	quoted := "> " + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n> ")
	head := fmt.Sprintf("Authentication-Results: mx.ticketd.example; dmarc=pass header.from=vendor.example\r\n"+
		"From: Luis Agent <%s>\r\nTo: %s\r\nSubject: Re: %s\r\nDate: Tue, 10 Nov 2026 09:00:00 +0000\r\n"+
		"Message-ID: <agent-%s-%d@vendor.example>\r\nIn-Reply-To: %s\r\nReferences: %s\r\nMIME-Version: 1.0\r\n",
		from, to, subject, shape, time.Now().UnixNano(), id, id)
	var body string
	switch shape {
	case "thunderbird":
		body = "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + answer + "\n\nOn 10/11/2026 08:55, Example Support wrote:\n" + quoted + "\n"
	case "outlook":
		body = "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + answer + "\n\n________________________________\nFrom: Example Support <support@ticketd.example>\nSent: Tuesday, November 10, 2026 8:55 AM\nTo: " + Header(t, n, "To") + "\nSubject: " + subject + "\n\n" + text
	case "gmail":
		body = "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
			answer + "\n\nOn Tue, Nov 10, 2026 at 8:55 AM Example Support <support@ticketd.example> wrote:\n\n" + quoted + "\n\r\n--alt\r\n" +
			"Content-Type: text/html; charset=UTF-8\r\n\r\n<div dir=\"ltr\">" + strings.ReplaceAll(answer, "\n", "<br>") + "</div><br><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Tue, Nov 10, 2026 at 8:55 AM Example Support wrote:<br></div><blockquote class=\"gmail_quote\">" +
			strings.ReplaceAll(text, "\n", "<br>") + "</blockquote></div>\r\n--alt--\r\n"
	case "outlook-es":
		body = "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + answer + "\n\n________________________________\nDe: Example Support <support@ticketd.example>\nEnviado: martes, 10 de noviembre de 2026 8:55\nPara: " + Header(t, n, "To") + "\nAsunto: " + subject + "\n\n" + text
	case "apple":
		body = "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + answer + "\n\n> On 10 Nov 2026, at 08:55, Example Support <support@ticketd.example> wrote:\n> \n" + quoted + "\n"
	case "outlook-html":
		body = "Content-Type: text/html; charset=UTF-8\r\n\r\n<html><body><div>" + strings.ReplaceAll(answer, "\n", "<br>") + "</div>" +
			"<hr style=\"display:inline-block;width:98%\"><div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri\"><b>From:</b> Example Support &lt;support@ticketd.example&gt;<br>" +
			"<b>Sent:</b> Tuesday, November 10, 2026 8:55 AM<br><b>To:</b> " + Header(t, n, "To") + "<br><b>Subject:</b> " + subject + "</font><div>&nbsp;</div></div>" +
			"<div>" + strings.ReplaceAll(text, "\n", "<br>") + "</div></body></html>\r\n"
	case "pasted":
		// The notification pasted under the answer with no quoting at all.
		body = "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + answer + "\n\n" + text
	case "attachment":
		body = "Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + answer + "\n\nOn 10/11/2026 08:55, Example Support wrote:\n" + quoted +
			"\n\r\n--mix\r\nContent-Type: text/plain; name=\"steps.txt\"\r\nContent-Disposition: attachment; filename=\"steps.txt\"\r\n\r\n1. Reload the depot.\r\n--mix--\r\n"
	default:
		t.Fatalf("unknown shape %q", shape)
	}
	return []byte(strings.ReplaceAll(strings.ReplaceAll(head+body, "\r\n", "\n"), "\n", "\r\n"))
}
