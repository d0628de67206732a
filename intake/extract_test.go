package intake

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSafeFileName(t *testing.T) {
	tests := []struct{ in, media, want string }{
		{"screenshot.png", "image/png", "screenshot.png"},
		{"../../etc/passwd", "text/plain", "passwd"},
		{`C:\Users\x\evil.exe`, "application/octet-stream", "evil.exe"},
		{"a\r\nb\x00c.txt", "text/plain", "a__b_c.txt"},
		{"..", "image/png", "attachment.png"},
		{"", "", "attachment"},
		{".hidden", "", "hidden"},
		{"bad\xffutf8.pdf", "application/pdf", "bad_utf8.pdf"},
		{"invoice\u202Efdp.exe", "application/octet-stream", "invoicefdp.exe"},
		{"report\u200b.pdf", "application/pdf", "report.pdf"},
		{strings.Repeat("ñ", 300) + ".pdf", "application/pdf", strings.Repeat("ñ", 48) + ".pdf"},
	}
	for _, tt := range tests {
		got := SafeFileName(tt.in, tt.media)
		if tt.want == "attachment.png" && strings.HasPrefix(got, "attachment.") {
			continue // the extension comes from the system's MIME table
		}
		if got != tt.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExtractAttachmentsStaysInsideDir(t *testing.T) {
	raw := crlf(`From: a@example.com
Subject: files
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

See attached.
--b
Content-Type: application/octet-stream; name="../../escape.txt"
Content-Disposition: attachment; filename="../../escape.txt"

first
--b
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="../../escape.txt"

second
--b--
`)
	dir := filepath.Join(t.TempDir(), "out")
	files, err := ExtractAttachments([]byte(raw), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("files = %v, want 2", files)
	}
	for i, f := range files {
		if filepath.Dir(f) != dir {
			t.Errorf("%s is outside %s", f, dir)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"first", "second"}[i]
		if strings.TrimSpace(string(b)) != want {
			t.Errorf("%s holds %q, want %q", f, b, want)
		}
	}
}

// TestAttachmentNameDropsFormatCharacters: a right-to-left override cannot
// fake an extension in what support staff see (issue 13, finding 7).
func TestAttachmentNameDropsFormatCharacters(t *testing.T) {
	raw := crlf(`From: Alice <alice@acme.example>
Subject: files
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

See the attached file.
--b
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe

x
--b--
`)
	m, err := Parse(strings.NewReader(raw), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "invoicefdp.exe" {
		t.Fatalf("attachments %+v, want the name without U+202E", m.Attachments)
	}
}

func TestReadAttachmentsWithinCap(t *testing.T) {
	raw := crlf(`From: a@example.com
Subject: files
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

The body is not an attachment.
--b
Content-Type: image/png; name="small.png"
Content-Disposition: attachment; filename="small.png"
Content-Transfer-Encoding: base64

aGVsbG8=
--b
Content-Type: video/mp4
Content-Disposition: attachment; filename="big.mp4"

` + strings.Repeat("x", 100) + `
--b--
`)
	tests := []struct {
		cap     int64
		files   []string
		omitted []string
	}{
		{1000, []string{"small.png", "big.mp4"}, nil},
		{50, []string{"small.png"}, []string{"big.mp4"}},
		{0, nil, []string{"small.png", "big.mp4"}},
	}
	for _, tt := range tests {
		files, omitted, err := ReadAttachments([]byte(raw), tt.cap)
		if err != nil {
			t.Fatal(err)
		}
		var names, left []string
		for _, f := range files {
			names = append(names, f.Name)
		}
		for _, f := range omitted {
			left = append(left, f.Name)
			if f.Data != nil || (f.Name == "big.mp4") != (f.Index == 1) {
				t.Errorf("cap %d: omitted %+v: want no bytes and its index", tt.cap, f)
			}
		}
		if strings.Join(names, ",") != strings.Join(tt.files, ",") || strings.Join(left, ",") != strings.Join(tt.omitted, ",") {
			t.Errorf("cap %d: files %q, omitted %q; want %q, %q", tt.cap, names, left, tt.files, tt.omitted)
		}
		if len(files) > 0 && string(files[0].Data) != "hello" {
			t.Errorf("cap %d: small.png decoded to %q", tt.cap, files[0].Data)
		}
	}
}

func TestMessageWords(t *testing.T) {
	for _, tt := range []struct {
		own, text, want string
	}{
		{" my words \n", "my words\n> quoted", "my words"},
		{"  \n", "---------- Forwarded message ---------\nthe report", "---------- Forwarded message ---------\nthe report"},
		{"", "", ""},
	} {
		m := &Message{OwnText: tt.own, Text: tt.text}
		if got := m.Words(); got != tt.want {
			t.Errorf("Words() of own %q, text %q = %q, want %q", tt.own, tt.text, got, tt.want)
		}
	}
}
