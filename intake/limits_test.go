package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// multipartOf builds a multipart/mixed message from raw parts.
func multipartOf(parts ...string) string {
	var b strings.Builder
	b.WriteString("From: alice@acme.example\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n")
	for _, p := range parts {
		b.WriteString("--b\r\n" + crlf(p) + "\r\n")
	}
	b.WriteString("--b--\r\n")
	return b.String()
}

// nested builds depth multiparts inside each other around one text part.
func nested(depth int) string {
	var b strings.Builder
	b.WriteString("From: alice@acme.example\r\nSubject: deep\r\n")
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\ndeep text\r\n")
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	return b.String()
}

// forwardedChain wraps a message in n message/rfc822 parts.
func forwardedChain(n int) string {
	msg := "From: bob@acme.example\r\nSubject: inner\r\n\r\ninner text\r\n"
	for i := 0; i < n; i++ {
		msg = "From: alice@acme.example\r\nSubject: fwd\r\nContent-Type: message/rfc822\r\n\r\n" + msg
	}
	return msg
}

func TestLimitsThatFail(t *testing.T) {
	small := "From: alice@acme.example\r\nSubject: x\r\n\r\n" + strings.Repeat("word ", 40) + "\r\n"
	tests := []struct {
		name    string
		limits  Limits
		raw     string
		wantErr error
	}{
		{"message over MaxMessageBytes", Limits{MaxMessageBytes: 100}, small, ErrTooLarge},
		{"message header over MaxHeaderBytes", Limits{MaxHeaderBytes: 1024}, "From: a@acme.example\r\nSubject: " + strings.Repeat("x", 2000) + "\r\n\r\nbody\r\n", ErrHeaderTooLarge},
		{"part header over MaxHeaderBytes", Limits{MaxHeaderBytes: 1024}, multipartOf("Content-Type: text/plain\nX-Padding: " + strings.Repeat("x", 2000) + "\n\nbody"), ErrHeaderTooLarge},
		{"forwarded header over MaxHeaderBytes", Limits{MaxHeaderBytes: 1024}, multipartOf("Content-Type: message/rfc822\n\nFrom: b@acme.example\nSubject: " + strings.Repeat("y", 2000) + "\n\ninner"), ErrHeaderTooLarge},
		{"more parts than MaxParts", Limits{MaxParts: 5}, multipartOf("\none", "\ntwo", "\nthree", "\nfour", "\nfive"), ErrTooManyParts},
		{"multiparts deeper than MaxDepth", Limits{MaxDepth: 3}, nested(4), ErrTooDeep},
		{"forwarded messages deeper than MaxDepth", Limits{MaxDepth: 3}, forwardedChain(4), ErrTooDeep},
		{"decoded parts over MaxDecodedBytes", Limits{MaxDecodedBytes: 4096}, multipartOf("Content-Type: application/pdf\n\n" + strings.Repeat("z", 5000)), ErrDecodedTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(tc.raw), tc.limits)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Parse = %v, %v; want %v", m, err, tc.wantErr)
			}
			if m != nil {
				t.Errorf("Parse returned a message with error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "intake: ") {
				t.Errorf("error %q lacks context", err)
			}
		})
	}
}

func TestLimitsJustInside(t *testing.T) {
	small := "From: alice@acme.example\r\nSubject: x\r\n\r\nbody\r\n"
	tests := []struct {
		name   string
		limits Limits
		raw    string
	}{
		{"message of exactly MaxMessageBytes", Limits{MaxMessageBytes: int64(len(small))}, small},
		{"MaxParts counts the root too", Limits{MaxParts: 3}, multipartOf("\none", "\ntwo")},
		{"multiparts exactly MaxDepth deep", Limits{MaxDepth: 3}, nested(3)},
		{"decoded exactly MaxDecodedBytes", Limits{MaxDecodedBytes: 5000}, multipartOf("Content-Type: application/pdf\n\n" + strings.Repeat("z", 5000))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(strings.NewReader(tc.raw), tc.limits); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}

func TestLimitsThatCap(t *testing.T) {
	t.Run("attachments past MaxAttachments are counted, not recorded", func(t *testing.T) {
		var parts []string
		for i := 0; i < 5; i++ {
			parts = append(parts, fmt.Sprintf("Content-Type: image/png; name=\"f%d.png\"\n\nbytes%d", i, i))
		}
		m, err := Parse(strings.NewReader(multipartOf(parts...)), Limits{MaxAttachments: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Attachments) != 2 || m.Attachments[0].Filename != "f0.png" || m.Attachments[1].Filename != "f1.png" || m.AttachmentsOmitted != 3 {
			t.Errorf("Attachments = %+v, omitted %d; want f0, f1 and 3 omitted", m.Attachments, m.AttachmentsOmitted)
		}
	})
	t.Run("URLs past MaxURLs are counted, not recorded", func(t *testing.T) {
		var body strings.Builder
		for i := 0; i < 10; i++ {
			fmt.Fprintf(&body, "https://app.example.com/%d\n", i)
		}
		m, err := Parse(strings.NewReader("From: a@acme.example\r\nSubject: x\r\n\r\n"+body.String()), Limits{MaxURLs: 3})
		if err != nil {
			t.Fatal(err)
		}
		wantEqual(t, "URLs", m.URLs, []string{"https://app.example.com/0", "https://app.example.com/1", "https://app.example.com/2"})
		wantEqual(t, "URLsOmitted", m.URLsOmitted, 7)
	})
	t.Run("text past MaxTextBytes is cut on a character boundary", func(t *testing.T) {
		body := strings.Repeat("ñ", 300) // 600 bytes
		m, err := Parse(strings.NewReader("From: a@acme.example\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+body), Limits{MaxTextBytes: 101})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Text) != 100 || !utf8.ValidString(m.Text) || len(m.OwnText) > 101 || !m.TextTruncated {
			t.Errorf("Text is %d bytes (valid %v), OwnText %d, TextTruncated %v; want 100 valid bytes, truncated", len(m.Text), utf8.ValidString(m.Text), len(m.OwnText), m.TextTruncated)
		}
	})
}

// slowReader blocks for delay before its first byte, like a stalled
// network stream.
type slowReader struct {
	delay time.Duration
	r     io.Reader
	slept bool
}

func (s *slowReader) Read(p []byte) (int, error) {
	if !s.slept {
		s.slept = true
		<-time.After(s.delay)
	}
	return s.r.Read(p)
}

func TestTimeAndCancellation(t *testing.T) {
	raw := "From: alice@acme.example\r\nSubject: x\r\n\r\nbody\r\n"
	t.Run("MaxDuration", func(t *testing.T) {
		_, err := Parse(&slowReader{delay: 20 * time.Millisecond, r: strings.NewReader(raw)}, Limits{MaxDuration: 5 * time.Millisecond})
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("Parse error = %v, want ErrTimeout", err)
		}
	})
	t.Run("canceled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := ParseContext(ctx, strings.NewReader(raw), Limits{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ParseContext error = %v, want context.Canceled", err)
		}
	})
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

func TestReadErrorIsReturned(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("From: alice@acme.example\r\nSubject: x\r\n\r\nbody"), failingReader{boom})
	_, err := Parse(r, Limits{})
	if !errors.Is(err, boom) {
		t.Fatalf("Parse error = %v, want the reader's error", err)
	}
}
