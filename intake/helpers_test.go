package intake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// crlf turns the LF line ends of a test message into CRLF, as on the wire.
func crlf(s string) string {
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// pngPixel is a valid 1x1 PNG.
const pngPixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

// pdfBytes is a small fake PDF.
const pdfBytes = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

var pdfBase64 = base64.StdEncoding.EncodeToString([]byte(pdfBytes))

// sum returns the hex SHA-256 of s.
func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// b64decode decodes standard base64 or fails the test.
func b64decode(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("bad base64 in test data: %v", err)
	}
	return string(b)
}

// mustParse parses raw with the default limits or fails the test.
func mustParse(t *testing.T, raw string) *Message {
	t.Helper()
	m, err := Parse(strings.NewReader(raw), Limits{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

// hasDefect reports whether one of the defects contains sub.
func hasDefect(m *Message, sub string) bool {
	for _, d := range m.Defects {
		if strings.Contains(d, sub) {
			return true
		}
	}
	return false
}

// errIs is errors.Is, named for table tests.
func errIs(err, target error) bool { return errors.Is(err, target) }
