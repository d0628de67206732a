package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/store"
)

// crashMessages is how many messages the crash test puts in the mailbox.
const crashMessages = 300

// TestCrashAtAnyInstant runs the real binary over a mailbox of 300
// messages and kills it with SIGKILL at random moments (and restarts the
// IMAP server, and takes the SMTP server away for a stretch) until the
// mailbox is empty. Then every message must have exactly one ticket or one
// turned-away record, every ticket a receipt, the ticket numbers no gap,
// and the database must pass bbolt's consistency check after every kill.
func TestCrashAtAnyInstant(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test builds and kills the real binary")
	}
	bin := buildBinary(t)
	imapSrv := mailtest.StartIMAP(t)
	smtpSrv := mailtest.StartSMTP(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ticketd.db")
	cfgPath := writeCrashConfig(t, dir, imapSrv.Addr, smtpSrv.Addr, dbPath)

	seed := time.Now().UnixNano()
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	unparseable := seedCrashMailbox(t, imapSrv, rng)

	// SMTP is unreachable for the first runs: receipts pile up in the
	// outbox, and kills fall while they wait.
	smtpSrv.Stop()
	kills, midIntake, midOutbox := 0, 0, 0
	for run := 1; ; run++ {
		left := imapSrv.Count("INBOX")
		if left == 0 && kills >= 10 {
			break
		}
		if run > 300 {
			t.Fatalf("the mailbox is not empty after %d runs: %d left", run, left)
		}
		if kills == 8 {
			smtpSrv.Restart()
		}
		p := startBinary(t, bin, cfgPath, filepath.Join(dir, fmt.Sprintf("run-%03d.log", run)))
		// Kill once the daemon has filed a random few more messages (it
		// works in batches of 8), or at a random moment when there is no
		// intake left to interrupt.
		filed := func() int { return imapSrv.Count("Processed") + imapSrv.Count("Quarantine") }
		target := filed() + 1 + rng.IntN(20)
		deadline := time.After(time.Duration(50+rng.IntN(300)) * time.Millisecond)
		if left > 0 {
			deadline = time.After(30 * time.Second)
		}
		tick := time.NewTicker(time.Millisecond)
	wait:
		for filed() < target && (left > 0 || kills < 10) {
			select {
			case <-tick.C:
				if left > 0 && imapSrv.Count("INBOX") == 0 {
					break wait
				}
			case <-deadline:
				if left > 0 {
					t.Fatalf("run %d filed nothing in 30 s\n%s", run, p.log())
				}
				break wait
			case err := <-p.exited:
				t.Fatalf("ticketd exited by itself: %v\n%s", err, p.log())
			}
		}
		tick.Stop()
		time.Sleep(time.Duration(rng.IntN(3)) * time.Millisecond) // a random instant within the next batch
		if kills == 3 {
			imapSrv.Restart() // under the running daemon, which must reconnect
		}
		p.kill(t)
		kills++
		if imapSrv.Count("INBOX") > 0 {
			midIntake++
		}
		if pending := checkDatabase(t, dbPath); pending > 0 {
			midOutbox++
		}
	}
	// The kills must have interrupted real work, or the test proves nothing.
	if midIntake < 10 {
		t.Errorf("only %d of %d kills fell while mail was waiting in the inbox; want at least 10", midIntake, kills)
	}
	if midOutbox < 3 {
		t.Errorf("only %d kills fell while emails were waiting in the outbox; want at least 3", midOutbox)
	}
	t.Logf("%d kills: %d with mail left in the inbox, %d with emails in the outbox", kills, midIntake, midOutbox)
	// A last clean run delivers what the outbox still holds.
	cmd := exec.Command(bin, "run", "--once", "--config", cfgPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("final run --once: %v\n%s", err, out)
	}
	checkDatabase(t, dbPath)
	t.Logf("%d kills", kills)
	verifyCrashOutcome(t, imapSrv, smtpSrv, dbPath, unparseable)
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ticketd")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func writeCrashConfig(t *testing.T, dir, imapAddr, smtpAddr, dbPath string) string {
	t.Helper()
	return mailtest.WriteConfig(t, dir, mailtest.ConfigValues{
		IMAPAddr: imapAddr, SMTPAddr: smtpAddr, StorePath: dbPath,
		BatchSize: "8", MaxPerSenderPerHour: "100000",
		// The crash test counts every rejection's answer and every
		// ticket: the hourly caps of hostile senders stay out of it.
		MaxRejectionsPerHour: "0", MaxNewTicketsPerContactPerHour: "0",
	})
}

// seedCrashMailbox fills the inbox with a mix of the fixtures, each with
// its own Message-ID, and a few messages that cannot be parsed. It returns
// how many of those there are.
func seedCrashMailbox(t *testing.T, s *mailtest.IMAPServer, rng *rand.Rand) int {
	t.Helper()
	kinds := []string{
		"en-incident-screenshot.eml", "en-incident-no-screenshot.eml", "es-incidencia-captura-octet-stream.eml",
		"en-api-curl-500.eml", "en-question-how-to.eml", "umbrella-en-warranty-incident.eml",
		"rejected-en-stranger.eml", "rejected-es-desconocido.eml", "ignored-en-out-of-office.eml", "ignored-dsn-bounce.eml",
	}
	unparseable := 0
	for i := range crashMessages {
		if i%60 == 59 {
			s.Append("INBOX", []byte(fmt.Sprintf("X-Note: not an email %d\r\n\r\nbody\r\n", i)))
			unparseable++
			continue
		}
		raw := fixture(t, kinds[rng.IntN(len(kinds))])
		s.Append("INBOX", withMessageID(raw, fmt.Sprintf("<crash-%03d@test.example>", i)))
	}
	return unparseable
}

// process is one running ticketd.
type process struct {
	cmd     *exec.Cmd
	logPath string
	exited  chan error
}

func startBinary(t *testing.T, bin, cfgPath, logPath string) *process {
	t.Helper()
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logPath: logPath, exited: make(chan error, 1)}
	go func() {
		p.exited <- cmd.Wait()
		logf.Close()
	}()
	return p
}

func (p *process) kill(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("ticketd did not die on SIGKILL")
	}
}

func (p *process) log() string {
	b, _ := os.ReadFile(p.logPath)
	return string(b)
}

// checkDatabase opens the store as the next start would and runs bbolt's
// consistency check. It returns how many emails wait in the outbox.
func checkDatabase(t *testing.T, path string) int {
	t.Helper()
	db, err := store.Open(path, store.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("the database does not open after a kill: %v", err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("bbolt consistency check after a kill: %v", err)
	}
	pending, _, err := db.OutboxStats(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return pending
}

var tagPattern = regexp.MustCompile(`\[(SUP-[0-9]{6})\]`)

func verifyCrashOutcome(t *testing.T, imapSrv *mailtest.IMAPServer, smtpSrv *mailtest.SMTPServer, dbPath string, unparseable int) {
	t.Helper()
	if n := imapSrv.Count("INBOX"); n != 0 {
		t.Errorf("INBOX has %d messages", n)
	}
	processed, quarantined := imapSrv.Count("Processed"), imapSrv.Count("Quarantine")
	if processed+quarantined != crashMessages || quarantined != unparseable {
		t.Errorf("Processed %d + Quarantine %d; want %d messages with %d quarantined", processed, quarantined, crashMessages, unparseable)
	}
	db, err := store.Open(dbPath, store.Options{Timeout: 5 * time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tickets, err := db.Tickets(store.TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	away, err := db.TurnedAway(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, tk := range tickets {
		for _, m := range tk.Messages {
			seen[m.Key]++
		}
	}
	for _, a := range away {
		seen[a.Key]++
	}
	for key, n := range seen {
		if n != 1 {
			t.Errorf("message %s was recorded %d times", key, n)
		}
	}
	if want := crashMessages - unparseable; len(seen) != want {
		t.Errorf("%d messages recorded (tickets %d, turned away %d), want %d", len(seen), len(tickets), len(away), want)
	}
	// Numbers: SUP-000001 .. SUP-N, none skipped or reused.
	for i, tk := range tickets {
		if want := store.FormatNumber("SUP", uint64(i+1)); tk.Number != want {
			t.Fatalf("ticket %d is %s, want %s: a number was skipped or reused", i, tk.Number, want)
		}
	}
	ledger, err := db.Ledger("")
	if err != nil {
		t.Fatal(err)
	}
	counted := 0
	for _, e := range ledger {
		counted += e.Used + e.Warranty
	}
	if counted != len(tickets) {
		t.Errorf("the ledger counts %d tickets, the store has %d", counted, len(tickets))
	}
	// Receipts: at least one per ticket; duplicates only from a kill
	// between the SMTP server's acceptance and the outbox's commit.
	receipts := map[string]int{}
	answered := map[string]int{} // by the customer's Message-ID
	for _, m := range smtpSrv.Messages() {
		mr, err := mail.CreateReader(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatalf("an email ticketd sent does not parse: %v", err)
		}
		subject, _ := mr.Header.Subject()
		if tag := tagPattern.FindStringSubmatch(subject); tag != nil {
			receipts[tag[1]]++
		}
		if ids, err := mr.Header.MsgIDList("In-Reply-To"); err == nil && len(ids) > 0 {
			answered[ids[0]]++
		}
	}
	for _, a := range away {
		switch n := answered[a.MessageID]; {
		case a.Outcome == "rejected" && n == 0:
			t.Errorf("rejected message %s got no answer", a.MessageID)
		case a.Outcome == "ignored" && n > 0:
			t.Errorf("automated message %s was answered", a.MessageID)
		}
	}
	duplicates := 0
	for _, tk := range tickets {
		switch n := receipts[tk.Number]; {
		case n == 0:
			t.Errorf("ticket %s got no receipt", tk.Number)
		case n > 1:
			duplicates += n - 1
		}
	}
	t.Logf("%d tickets, %d turned away, %d quarantined, %d emails sent, %d duplicate receipts (kills between SMTP acceptance and the outbox commit)",
		len(tickets), len(away), quarantined, len(smtpSrv.Messages()), duplicates)
}

// TestSIGTERMStopsCleanly runs the real binary, lets it take a message in,
// sends SIGTERM and expects a clean exit (status 0) within 10 seconds.
func TestSIGTERMStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real binary")
	}
	bin := buildBinary(t)
	imapSrv := mailtest.StartIMAP(t)
	smtpSrv := mailtest.StartSMTP(t)
	dir := t.TempDir()
	cfgPath := writeCrashConfig(t, dir, imapSrv.Addr, smtpSrv.Addr, filepath.Join(dir, "ticketd.db"))
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		imapSrv.Append("INBOX", withMessageID(fixture(t, "en-incident-screenshot.eml"), fmt.Sprintf("<sig-%d@acme.example>", sig)))
		before := len(smtpSrv.Messages())
		p := startBinary(t, bin, cfgPath, filepath.Join(dir, fmt.Sprintf("%s.log", sig)))
		smtpSrv.WaitFor(before+1, 15*time.Second)
		start := time.Now()
		if err := p.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-p.exited:
			if err != nil {
				t.Fatalf("%s: exit %v\n%s", sig, err, p.log())
			}
		case <-time.After(10 * time.Second):
			p.kill(t)
			t.Fatalf("%s: still running after 10 s\n%s", sig, p.log())
		}
		t.Logf("%s: stopped in %s", sig, time.Since(start).Round(time.Millisecond))
		if !strings.Contains(p.log(), "ticketd stopped") {
			t.Errorf("%s: no clean-stop log line\n%s", sig, p.log())
		}
	}
}
