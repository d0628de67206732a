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
