package receipt

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
)

func TestBuildHeaders(t *testing.T) {
	e := newEmail(KindReceipt, rules.English)
	p := render(t, e)
	h := p.Header

	for _, tc := range []struct{ key, want string }{
		{"Auto-Submitted", "auto-replied"},
		{"X-Auto-Response-Suppress", "All"},
		{"Precedence", "auto_reply"},
		{"Content-Language", "en"},
		{"Message-Id", "<r-1@vendor.test>"},
		{"In-Reply-To", "<c-2@customer.test>"},
		{"References", "<c-1@customer.test> <c-2@customer.test>"},
		{"Mime-Version", "1.0"},
	} {
		if got := h.Get(tc.key); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.key, got, tc.want)
		}
	}
	if id, err := h.MessageID(); err != nil || id != "r-1@vendor.test" {
		t.Errorf("MessageID() = %q, %v", id, err)
	}
	if subj, err := h.Subject(); err != nil || subj != "[SUP-000042] Invoices fail to generate" {
		t.Errorf("Subject() = %q, %v", subj, err)
	}
	if d, err := h.Date(); err != nil || !d.Equal(testDate) {
		t.Errorf("Date() = %v, %v; want %v", d, err, testDate)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "support@vendor.test" || from[0].Name != "Vendor Support" {
		t.Errorf("From = %v, %v", from, err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "ana@customer.test" || to[0].Name != "Ana Pérez" {
		t.Errorf("To = %v, %v", to, err)
	}
	if ct, _, err := h.ContentType(); err != nil || ct != "multipart/alternative" {
		t.Errorf("Content-Type = %q, %v", ct, err)
	}
	if !slices.Equal(p.Types, []string{"text/plain", "text/html"}) {
		t.Errorf("parts = %v, want text/plain then text/html", p.Types)
	}
	if h.Has("User-Agent") || h.Has("X-Mailer") {
		t.Errorf("unexpected mailer header in %q", p.RawHeader)
	}
}

func TestBuildThreadingHeaders(t *testing.T) {
	many := make([]string, 30)
	for i := range many {
		many[i] = "m" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@customer.test"
	}
	for _, tc := range []struct {
		name      string
		inReplyTo string
		refs      []string
		wantIRT   []string
		wantRefs  []string
	}{
		{"no thread", "", nil, nil, nil},
		{"in-reply-to appended to references", "b@c.test", []string{"a@c.test"}, []string{"b@c.test"}, []string{"a@c.test", "b@c.test"}},
		{"brackets and duplicates tolerated", "<b@c.test>", []string{"<a@c.test>", "a@c.test", "b@c.test"}, []string{"b@c.test"}, []string{"a@c.test", "b@c.test"}},
		{"invalid ids dropped", "bad id@c.test", []string{"x\r\nBcc: v@e.test", "ok@c.test", "ünï@c.test"}, nil, []string{"ok@c.test"}},
		{"long chain keeps the first two (the ticket's first message and its receipt) and the latest", "", many, nil, append([]string{many[0], many[1]}, many[12:]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmail(KindAck, rules.English)
			e.InReplyTo, e.References = tc.inReplyTo, tc.refs
			p := render(t, e)
			irt, err := p.Header.MsgIDList("In-Reply-To")
			if err != nil || !slices.Equal(irt, tc.wantIRT) {
				t.Errorf("In-Reply-To = %q, %v; want %q", irt, err, tc.wantIRT)
			}
			refs, err := p.Header.MsgIDList("References")
			if err != nil || !slices.Equal(refs, tc.wantRefs) {
				t.Errorf("References = %q, %v; want %q", refs, err, tc.wantRefs)
			}
		})
	}
}

func TestBuildDeterministic(t *testing.T) {
	for _, k := range []Kind{KindReceipt, KindRejection, KindConfirmation, KindStillMissing, KindAck} {
		t.Run(string(k), func(t *testing.T) {
			e := newEmail(k, rules.Spanish)
			e.Findings = append(e.Findings, findSelfService)
			first, err := Render(e)
			if err != nil {
				t.Fatal(err)
			}
			second, err := Render(e)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, second) {
				t.Fatalf("two renders differ:\n%s\n---\n%s", first, second)
			}
			// The outbox stores the Email as JSON: the rebuilt email must be
			// byte-identical too.
			js, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			var back Email
			if err := json.Unmarshal(js, &back); err != nil {
				t.Fatal(err)
			}
			third, err := Render(&back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, third) {
				t.Fatalf("render after JSON round trip differs:\n%s\n---\n%s", first, third)
			}
		})
	}
}

func TestBuildHeaderInjection(t *testing.T) {
	e := newEmail(KindReceipt, rules.English)
	e.OriginalSubject = "Printer broken\r\nBcc: victim@example.com\r\nX-Injected: subject"
	e.ToName = "Ana\r\nBcc: victim@example.com"
	e.FromName = "Support\nX-Injected: from-name"
	e.TicketNumber = "SUP-1\r\nX-Injected: ticket"
	e.InReplyTo = "c-2@customer.test>\r\nX-Injected: irt"
	e.References = []string{"c-1@customer.test\r\nBcc: victim@example.com"}
	raw, err := Render(e)
	if err != nil {
		t.Fatal(err)
	}
	p := parse(t, raw)
	headerLine := regexp.MustCompile(`(?im)^(bcc|x-injected)\s*:`)
	if m := headerLine.FindString(p.RawHeader); m != "" {
		t.Fatalf("injected header line %q in:\n%s", m, p.RawHeader)
	}
	for _, key := range []string{"Bcc", "X-Injected"} {
		if p.Header.Has(key) {
			t.Errorf("parsed header has %s", key)
		}
	}
	// Every line of the header section is a header or a folded
	// continuation: nothing else got in.
	for _, line := range strings.Split(strings.TrimSuffix(p.RawHeader, "\r\n"), "\r\n") {
		if !regexp.MustCompile(`^([A-Za-z-]+: |[ \t])`).MatchString(line) {
			t.Errorf("odd header line %q", line)
		}
	}
	subj, _ := p.Header.Subject()
	if want := "[SUP-1 X-Injected: ticket] Printer broken Bcc: victim@example.com X-Injected: subject"; subj != want {
		t.Errorf("subject = %q, want %q", subj, want)
	}
	to, err := p.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "ana@customer.test" || to[0].Name != "Ana Bcc: victim@example.com" {
		t.Errorf("To = %v, %v", to, err)
	}
	if p.Header.Has("In-Reply-To") {
		t.Errorf("invalid In-Reply-To kept: %q", p.Header.Get("In-Reply-To"))
	}
}

func TestBuildEscapesHTML(t *testing.T) {
	e := newEmail(KindReceipt, rules.English)
	e.Quote = `Look: <script>alert("x")</script> & <img src=x onerror=alert(1)>`
	e.ToName = "<b>Ana</b>"
	e.OriginalSubject = "<i>help</i> me"
	p := render(t, e)
	for _, bad := range []string{"<script", "<img", "<b>", "<i>"} {
		if strings.Contains(p.HTML, bad) {
			t.Errorf("HTML part contains unescaped %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "&amp;", "&lt;b&gt;Ana&lt;/b&gt;", "&lt;i&gt;help&lt;/i&gt;"} {
		if !strings.Contains(p.HTML, want) {
			t.Errorf("HTML part lacks %q", want)
		}
	}
	// The text part quotes the customer's words as they are.
	if !strings.Contains(p.Text, `> Look: <script>alert("x")</script>`) {
		t.Errorf("text part lacks the quote:\n%s", p.Text)
	}
}

func TestBuildQuoteTruncated(t *testing.T) {
	e := newEmail(KindAck, rules.English)
	e.Quote = strings.Repeat("ñ", QuoteMaxRunes) + "TAIL"
	p := render(t, e)
	if strings.Contains(p.Text, "TAIL") || strings.Contains(p.HTML, "TAIL") {
		t.Error("quote not truncated")
	}
	if !strings.Contains(p.Text, "ñ…") {
		t.Error("truncated quote does not end with an ellipsis")
	}
}

func TestBuildInvalid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(e *Email)
	}{
		{"invalid To", func(e *Email) { e.To = "not an address" }},
		{"To with CRLF", func(e *Email) { e.To = "ana@customer.test\r\nBcc: v@example.com" }},
		{"To list", func(e *Email) { e.To = "ana@customer.test, eve@example.com" }},
		{"To with name", func(e *Email) { e.To = "Ana <ana@customer.test>" }},
		{"empty To", func(e *Email) { e.To = "" }},
		{"invalid From", func(e *Email) { e.From = "support" }},
		{"no Message-ID", func(e *Email) { e.MessageID = "" }},
		{"Message-ID with brackets", func(e *Email) { e.MessageID = "<r-1@vendor.test>" }},
		{"Message-ID without domain", func(e *Email) { e.MessageID = "r-1" }},
		{"zero date", func(e *Email) { e.Date = time.Time{} }},
		{"unknown kind", func(e *Email) { e.Kind = "invoice" }},
		{"receipt without status", func(e *Email) { e.Status = "" }},
		{"receipt without ticket", func(e *Email) { e.TicketNumber = " " }},
		{"ack without ticket", func(e *Email) { e.Kind, e.TicketNumber = KindAck, "" }},
		{"rejection without rule", func(e *Email) { e.Kind, e.RejectRule = KindRejection, "" }},
		{"rejection with a non-rejecting rule", func(e *Email) { e.Kind, e.RejectRule = KindRejection, rules.RuleEvidenceAttached }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmail(KindReceipt, rules.English)
			tc.change(e)
			m, err := Build(e)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Build error = %v, want ErrInvalid", err)
			}
			if m != nil {
				t.Error("Build returned a message with its error")
			}
			if !Permanent(err) {
				t.Error("Permanent(build error) = false")
			}
			if _, err := Render(e); !errors.Is(err, ErrInvalid) {
				t.Errorf("Render error = %v, want ErrInvalid", err)
			}
		})
	}
	if _, err := Build(nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("Build(nil) error = %v", err)
	}
}
