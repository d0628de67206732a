package intake

import (
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // every charset real mail uses
	"github.com/emersion/go-message/mail"
	"golang.org/x/text/encoding/charmap"
)

// wordDecoder decodes RFC 2047 encoded words in any charset go-message knows.
var wordDecoder = mime.WordDecoder{CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
	return message.CharsetReader(charset, input)
}}

// decodeHeaderText decodes RFC 2047 encoded words; raw 8-bit text that is not
// UTF-8 is read as Windows-1252, the usual culprit. Control characters are
// dropped. It never fails: undecodable text is kept as given.
func decodeHeaderText(s string) string {
	if strings.Contains(s, "=?") {
		if dec, err := wordDecoder.DecodeHeader(s); err == nil {
			s = dec
		}
	}
	return stripControls(fixUTF8(s))
}

// fixUTF8 returns s unchanged when it is valid UTF-8, else reads it as
// Windows-1252 (which maps every byte).
func fixUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	if dec, err := charmap.Windows1252.NewDecoder().String(s); err == nil && utf8.ValidString(dec) {
		return dec
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// stripControls removes control characters, tabs and line breaks included,
// from a one-line value such as a subject or a file name.
func stripControls(s string) string {
	if strings.IndexFunc(s, isControlOrFormat) < 0 {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		if isControlOrFormat(r) {
			return -1
		}
		return r
	}, s))
}

// isControlOrFormat reports whether r is a control character or a Unicode
// format character: a bidirectional override (U+202E turns
// "invoice\u202Efdp.exe" into what reads as "invoiceexe.pdf"), a
// zero-width joiner or space.
func isControlOrFormat(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// isMessageHeader reports whether h has at least one field every message
// carries; a header without any of them is not a message.
func isMessageHeader(h message.Header) bool {
	for _, k := range []string{"From", "Sender", "To", "Cc", "Subject", "Date", "Message-Id", "Received", "Return-Path", "Mime-Version"} {
		if h.Has(k) {
			return true
		}
	}
	return false
}

// readHeaders fills the header fields of m from h.
func readHeaders(h message.Header, m *Message, w *walker) {
	if from := addressList(h.Get("From"), w, "From"); len(from) > 0 {
		m.From = from[0]
	}
	if sender := addressList(h.Get("Sender"), w, "Sender"); len(sender) > 0 {
		m.Sender = sender[0]
	}
	m.To = addressList(h.Get("To"), w, "To")
	m.Cc = addressList(h.Get("Cc"), w, "Cc")
	m.ReplyTo = addressList(h.Get("Reply-To"), w, "Reply-To")
	m.Subject = decodeHeaderText(h.Get("Subject"))
	if v := h.Get("Date"); v != "" {
		d, err := netmail.ParseDate(v)
		if err != nil {
			w.defect("Date %q: %v", v, err)
		} else {
			m.Date = d
		}
	}
	if ids := msgIDs(h, "Message-Id"); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	m.InReplyTo = msgIDs(h, "In-Reply-To")
	m.References = msgIDs(h, "References")
	m.Loop = loopHeaders(h)
	m.AuthResults = h.Values("Authentication-Results")
}

// loopHeaders collects the headers that mark automated mail.
func loopHeaders(h message.Header) LoopHeaders {
	get := func(k string) string { return stripControls(h.Get(k)) }
	l := LoopHeaders{
		AutoSubmitted:         get("Auto-Submitted"),
		Precedence:            get("Precedence"),
		ListID:                get("List-Id"),
		ListUnsubscribe:       get("List-Unsubscribe"),
		XAutoResponseSuppress: get("X-Auto-Response-Suppress"),
		XAutoreply:            get("X-Autoreply"),
		XFailedRecipients:     get("X-Failed-Recipients"),
	}
	if l.XAutoreply == "" {
		l.XAutoreply = get("X-Autorespond")
	}
	if h.Has("Return-Path") {
		rp := strings.TrimSpace(get("Return-Path"))
		rp = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(rp, "<"), ">"))
		l.ReturnPath = rp
		l.ReturnPathNull = rp == ""
	}
	ct := parseContentType(h.Get("Content-Type"), "text/plain")
	if ct.value == "multipart/report" {
		l.Report = true
		l.ReportType = strings.ToLower(strings.TrimSpace(ct.params["report-type"]))
	}
	return l
}

// addressList parses an address header. When the list as a whole does not
// parse, each comma-separated piece is parsed on its own and, failing that,
// the address is picked out of the text: what parsed is kept.
func addressList(v string, w *walker, field string) []Address {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if list, err := mail.ParseAddressList(v); err == nil {
		return convertAddresses(list)
	} else {
		w.defect("%s %q: %v", field, v, err)
	}
	var out []Address
	for _, piece := range splitAddressList(v) {
		if a, err := mail.ParseAddress(piece); err == nil {
			out = append(out, convertAddresses([]*mail.Address{a})...)
			continue
		}
		if a, ok := lenientAddress(piece); ok {
			out = append(out, a)
		}
	}
	return out
}

func convertAddresses(list []*mail.Address) []Address {
	out := make([]Address, 0, len(list))
	for _, a := range list {
		out = append(out, Address{Name: decodeHeaderText(a.Name), Addr: normalizeAddr(a.Address)})
	}
	return out
}

func normalizeAddr(s string) string {
	return strings.ToLower(stripControls(fixUTF8(s)))
}

// splitAddressList splits on commas outside quotes and angle brackets.
func splitAddressList(v string) []string {
	var out []string
	quoted, angle, start := false, 0, 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			quoted = !quoted
		case '<':
			if !quoted {
				angle++
			}
		case '>':
			if !quoted && angle > 0 {
				angle--
			}
		case ',', ';':
			if !quoted && angle == 0 {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	if start < len(v) {
		out = append(out, v[start:])
	}
	return out
}

var (
	angleAddrRE = regexp.MustCompile(`<\s*([^<>\s]+@[^<>\s]+?)\s*>`)
	bareAddrRE  = regexp.MustCompile(`[^\s<>"(),;:\[\]]+@[^\s<>"(),;:\[\]]+`)
)

// lenientAddress picks an address out of text that is not a valid RFC 5322
// mailbox, e.g. `Alice <alice@example.com` or an unquoted 8-bit name.
func lenientAddress(s string) (Address, bool) {
	if m := angleAddrRE.FindStringSubmatchIndex(s); m != nil {
		name := strings.Trim(strings.TrimSpace(s[:m[0]]), `"' `)
		return Address{Name: decodeHeaderText(name), Addr: normalizeAddr(s[m[2]:m[3]])}, true
	}
	if loc := bareAddrRE.FindStringIndex(s); loc != nil {
		name := strings.Trim(strings.TrimSpace(s[:loc[0]]+" "+s[loc[1]:]), `"'<>() `)
		return Address{Name: decodeHeaderText(name), Addr: normalizeAddr(s[loc[0]:loc[1]])}, true
	}
	return Address{}, false
}

var msgIDRE = regexp.MustCompile(`<([^<>\s]+)>`)

// msgIDs parses Message-ID, In-Reply-To or References: the IDs without angle
// brackets. A list that does not parse strictly is read leniently (every
// <...> token, or bare tokens with an @), so what parsed is kept.
func msgIDs(h message.Header, key string) []string {
	v := h.Get(key)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	mh := mail.Header{Header: h}
	if ids, err := mh.MsgIDList(key); err == nil && len(ids) > 0 {
		return cleanIDs(ids)
	}
	var ids []string
	for _, m := range msgIDRE.FindAllStringSubmatch(v, -1) {
		ids = append(ids, m[1])
	}
	if len(ids) == 0 {
		for _, f := range strings.Fields(v) {
			if strings.Contains(f, "@") {
				ids = append(ids, strings.Trim(f, "<>,;"))
			}
		}
	}
	return cleanIDs(ids)
}

func cleanIDs(ids []string) []string {
	out := ids[:0]
	for _, id := range ids {
		if id = stripControls(fixUTF8(id)); id != "" {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// forwardSummary is the header block shown in Text before a forwarded
// message's own text, as mail clients print it when forwarding inline.
func forwardSummary(h message.Header) string {
	var b strings.Builder
	b.WriteString("---------- Forwarded message ----------\n")
	for _, k := range []string{"From", "Date", "Subject", "To"} {
		if v := decodeHeaderText(h.Get(k)); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	return b.String()
}
