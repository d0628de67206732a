package inbox

import (
	"context"
	"strings"
	"testing"
	"time"
)

// countLines counts the log lines holding every one of parts.
func countLines(logs string, parts ...string) int {
	n := 0
	for _, line := range strings.Split(logs, "\n") {
		all := line != ""
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestIMAPOutageLoggedOncePerChange: a refused login is logged once, not
// at each of the attempts; an unreachable server once when it goes down
// and once when it comes back, with how long it was down.
func TestIMAPOutageLoggedOncePerChange(t *testing.T) {
	t.Run("login refused", func(t *testing.T) {
		r := newRig(t)
		r.inbox.Mailbox.Password = "wrong"
		db := r.openStore()
		w := r.worker(db, r.outbox(db))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); w.Run(ctx) }()
		waitFor(t, "five failed logins", func() bool { return countLines(r.logs.String(), `msg="imap still down"`) >= 4 })
		cancel()
		<-done
		logs := r.logs.String()
		if n := countLines(logs, "level=ERROR", `msg="imap down: the server refuses the login`); n != 1 {
			t.Errorf("%d error lines for the refused login, want 1:\n%s", n, logs)
		}
		if n := countLines(logs, "level=WARN") + countLines(logs, "level=ERROR"); n != 1 {
			t.Errorf("%d warnings and errors over the attempts, want 1:\n%s", n, logs)
		}
		if line := logs[strings.Index(logs, `msg="imap down`):]; strings.Count(line[:strings.Index(line, "\n")], "mailbox:") != 1 {
			t.Errorf("the error chain repeats its prefixes: %s", line[:strings.Index(line, "\n")])
		}
	})
	t.Run("server down and back", func(t *testing.T) {
		r := newRig(t)
		db := r.openStore()
		w := r.worker(db, r.outbox(db))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan struct{})
		go func() { defer close(done); w.Run(ctx) }()
		waitFor(t, "the first session", func() bool { return countLines(r.logs.String(), `msg="imap connected"`) == 1 })
		r.imap.Stop()
		waitFor(t, "failed reconnections", func() bool { return countLines(r.logs.String(), `msg="imap still down"`) >= 3 })
		r.imap.Restart()
		waitFor(t, "the recovery", func() bool { return countLines(r.logs.String(), `msg="imap recovered"`) == 1 })
		cancel()
		<-done
		logs := r.logs.String()
		if n := countLines(logs, "level=WARN"); n != 1 || countLines(logs, "level=WARN", `msg="imap down`) != 1 {
			t.Errorf("%d warnings, want the one that says IMAP went down:\n%s", n, logs)
		}
		if countLines(logs, `msg="imap recovered"`, "down_for=", "failed_attempts=") != 1 {
			t.Errorf("the recovery line does not say how long and how many attempts:\n%s", logs)
		}
	})
}
