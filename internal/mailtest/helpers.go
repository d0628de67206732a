package mailtest

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
)

// Root is the module's root directory, where testdata and
// config.example.yaml live.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Fixture reads testdata/mail/NAME.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	return ReadTestdata(t, "mail", name)
}

// ReadTestdata reads a file under the module's testdata directory.
func ReadTestdata(t testing.TB, elem ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{Root(), "testdata"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// WithMessageID replaces the Message-ID header of raw (adds one when it
// has none).
func WithMessageID(raw []byte, id string) []byte {
	lines := strings.SplitAfter(string(raw), "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.ToLower(l), "message-id:") {
			lines[i] = "Message-ID: " + id + "\r\n"
			return []byte(strings.Join(lines, ""))
		}
	}
	return []byte("Message-ID: " + id + "\r\n" + string(raw))
}

// WaitUntil waits for cond with a deadline, re-checking every 10 ms.
func WaitUntil(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		case <-tick.C:
		}
	}
}

// Logger returns a debug logger writing into logs, and into the test's
// log with -v.
func Logger(t testing.TB, logs *Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.MultiWriter(logs, testWriter{t}), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	if testing.Verbose() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// ParseSent parses an email the SMTP server received.
func ParseSent(t testing.TB, m Message) *mail.Reader {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("sent email does not parse: %v", err)
	}
	return mr
}

// Subject is the decoded subject of an email the SMTP server received.
func Subject(t testing.TB, m Message) string {
	t.Helper()
	s, err := ParseSent(t, m).Header.Subject()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// MetricValue finds one sample line "name{labels} value" in a Prometheus
// scrape.
func MetricValue(t testing.TB, body, series string) float64 {
	t.Helper()
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, series+" ") {
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, series)), 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return v
		}
	}
	t.Fatalf("series %s not in the scrape", series)
	return 0
}
