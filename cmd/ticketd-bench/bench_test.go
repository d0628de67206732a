package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/dovecot"
)

// TestBenchShort runs `ticketd bench` in its short mode, as CI does, so the
// benchmark cannot rot. It asserts what the run did, never how fast.
func TestBenchShort(t *testing.T) {
	if testing.Short() {
		t.Skip("the benchmark's short mode takes a few seconds")
	}
	bin := buildTicketd(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--binary", bin, "--messages", "200", "--attachment-kb", "20", "--latency-messages", "10", "--large-mb", "2", "--format", "json"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("bench: exit %d: %s", code, stderr.String())
	}
	var rep benchReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("bench output is not the JSON report: %v\n%s", err, stdout.String())
	}
	if rep.Messages != 200 || rep.Emails == 0 || rep.Emails > 200 {
		t.Errorf("report %+v", rep)
	}
	if rep.LimitRate <= 0 || rep.TicketdRate <= 0 || rep.Ratio <= 0 ||
		rep.IntakeRate <= 0 || rep.IntakeRatio <= 0 || rep.ReplyLimitRate <= 0 || rep.OneAtATimeRate <= 0 {
		t.Errorf("rates missing: %+v", rep)
	}
	if rep.LatencySamples != 10 || rep.LatencyP50ms <= 0 || rep.LatencyP99ms < rep.LatencyP50ms {
		t.Errorf("latency: %+v", rep)
	}
	if rep.LargeMessageMB < 2 || rep.LargePeakRSSMB <= 0 {
		t.Errorf("large message: %+v", rep)
	}
	var text bytes.Buffer
	if err := writeBenchText(&text, &rep); err != nil || !strings.Contains(text.String(), "end-to-end ratio ticketd / limit") {
		t.Errorf("text report: %v\n%s", err, text.String())
	}
}

// buildTicketd builds the ticketd binary that --large-mb runs.
func buildTicketd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ticketd")
	cmd := exec.Command("go", "build", "-o", bin, "../ticketd")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestInReplyTo(t *testing.T) {
	tests := []struct{ in, want string }{
		{"From: a\r\nIn-Reply-To: <x@y>\r\nSubject: s\r\n\r\nbody", "x@y"},
		{"From: a\r\nIn-Reply-To:\r\n <x@y>\r\n\r\nbody", "x@y"},
		{"From: a\r\n\r\nIn-Reply-To: <body@y>\r\n", ""},
		{"From: a\r\n\r\n", ""},
	}
	for _, tt := range tests {
		if got := inReplyTo([]byte(tt.in)); got != tt.want {
			t.Errorf("inReplyTo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestBenchDovecot runs the short benchmark against a private Dovecot, as
// .ci/run does, when Dovecot can be started (TICKETD_DOVECOT=require makes
// it mandatory). It asserts what the run did, never how fast.
func TestBenchDovecot(t *testing.T) {
	if testing.Short() {
		t.Skip("the benchmark against Dovecot takes a few seconds")
	}
	if err := dovecot.Available(); err != nil {
		if os.Getenv("TICKETD_DOVECOT") == "require" {
			t.Fatalf("TICKETD_DOVECOT=require: %v", err)
		}
		t.Skip(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--dovecot", "--messages", "60", "--attachment-kb", "20", "--latency-messages", "2", "--format", "json"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("bench: exit %d: %s", code, stderr.String())
	}
	var rep benchReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("bench output is not the JSON report: %v\n%s", err, stdout.String())
	}
	if !strings.HasPrefix(rep.IMAP, "Dovecot") || rep.Messages != 60 || rep.Emails == 0 {
		t.Errorf("report %+v", rep)
	}
	if rep.LimitRate <= 0 || rep.IntakeRatio <= 0 || rep.Ratio <= 0 || rep.OneAtATimeRate <= 0 || rep.LatencySamples != 2 {
		t.Errorf("figures missing: %+v", rep)
	}
}
