package intake

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var sha256HexRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// checkResult asserts what must hold for any input: no panic got caught,
// and a parsed message is well-formed within limits.
func checkResult(t testing.TB, m *Message, err error, limits Limits) {
	t.Helper()
	if errors.Is(err, errPanic) {
		t.Fatalf("Parse panicked: %v", err)
	}
	if err != nil {
		if m != nil {
			t.Fatalf("Parse returned both a message and error %v", err)
		}
		if !strings.HasPrefix(err.Error(), "intake: ") {
			t.Errorf("error %q lacks context", err)
		}
		return
	}
	limits = limits.withDefaults()
	for _, a := range append(append(append([]Address{m.From, m.Sender}, m.To...), m.Cc...), m.ReplyTo...) {
		if a.Addr != strings.ToLower(a.Addr) {
			t.Errorf("address %q is not lower-case", a.Addr)
		}
	}
	for _, a := range m.Attachments {
		if !sha256HexRE.MatchString(a.SHA256) || a.Size < 0 || a.MediaType == "" {
			t.Errorf("bad attachment %+v", a)
		}
	}
	for _, a := range m.Attachments {
		if len(a.Text) > limits.MaxInspectText || !utf8.ValidString(a.Text) || strings.ContainsAny(a.Text, "\x00\r") {
			t.Errorf("attachment text of %d bytes, limit %d, or not clean: %q", len(a.Text), limits.MaxInspectText, a.Text)
		}
		if len(a.Contents) > limits.MaxInspectEntries {
			t.Errorf("%d entries listed, limit %d", len(a.Contents), limits.MaxInspectEntries)
		}
		for _, c := range a.Contents {
			if !utf8.ValidString(c.Filename) || c.MediaType == "" || c.Size < 0 || len(c.Contents) > 0 || (c.Source != "zip" && c.Source != "tnef") {
				t.Errorf("bad container entry %+v", c)
			}
		}
		if a.Width < 0 || a.Height < 0 || a.PDFImages < 0 {
			t.Errorf("bad attachment %+v", a)
		}
	}
	if len(m.Quotes) > maxQuotes {
		t.Errorf("%d quotes, limit %d", len(m.Quotes), maxQuotes)
	}
	quoted := 0
	for _, q := range m.Quotes {
		quoted += len(q.Text)
		if !utf8.ValidString(q.Text) || !utf8.ValidString(q.Author) || !utf8.ValidString(q.Subject) || q.Author != strings.ToLower(q.Author) {
			t.Errorf("bad quote %+v", q)
		}
	}
	if quoted > limits.MaxTextBytes {
		t.Errorf("quotes hold %d bytes of text, limit %d", quoted, limits.MaxTextBytes)
	}
	if len(m.Attachments) > limits.MaxAttachments {
		t.Errorf("%d attachments, limit %d", len(m.Attachments), limits.MaxAttachments)
	}
	if len(m.URLs) > limits.MaxURLs {
		t.Errorf("%d URLs, limit %d", len(m.URLs), limits.MaxURLs)
	}
	for _, u := range m.URLs {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			t.Errorf("URL %q is not http(s)", u)
		}
	}
	if len(m.Text) > limits.MaxTextBytes || len(m.OwnText) > limits.MaxTextBytes {
		t.Errorf("Text %d / OwnText %d bytes, limit %d", len(m.Text), len(m.OwnText), limits.MaxTextBytes)
	}
	if len(m.OwnText) > len(m.Text)+16 {
		t.Errorf("OwnText (%d bytes) longer than Text (%d bytes)", len(m.OwnText), len(m.Text))
	}
	for name, s := range map[string]string{"Text": m.Text, "OwnText": m.OwnText, "Subject": m.Subject, "From.Name": m.From.Name} {
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8: %q", name, s)
		}
	}
	if m.Size <= 0 || m.Size > limits.MaxMessageBytes {
		t.Errorf("Size %d", m.Size)
	}
	// The content hash identifies exactly the messages without a Message-ID.
	if (m.MessageID == "" && !sha256HexRE.MatchString(m.ContentHash)) || (m.MessageID != "" && m.ContentHash != "") {
		t.Errorf("MessageID %q, ContentHash %q", m.MessageID, m.ContentHash)
	}
	if !strings.HasPrefix(m.Key(), "mid:") && !strings.HasPrefix(m.Key(), "sha256:") || m.Key() == "sha256:" {
		t.Errorf("Key %q", m.Key())
	}
}
