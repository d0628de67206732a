package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/store"
)

// TestTicketNumbersAndExitCodes: a ticket is named as an operator types
// it, a missing one is said once, and each mistake has its exit status (0
// success, 1 the operation failed, 2 usage).
func TestTicketNumbersAndExitCodes(t *testing.T) {
	r := newRig(t)
	r.cfg.Admin.Listen = ""
	for i := range 5 {
		r.imap.Append("INBOX", ledgerIncident(t, i))
	}
	r.runOnce()

	for _, arg := range []string{"5", "000005", "SUP-000005", "sup-000005"} {
		out, errOut, code := r.runCLI("tickets", "show", arg)
		if code != 0 || !strings.Contains(out, "Ticket:       SUP-000005") {
			t.Errorf("show %s: exit %d\n%s%s", arg, code, out, errOut)
		}
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // the whole of standard error
	}{
		{"unknown ticket", []string{"tickets", "show", "42"}, 1, "ticketd tickets show: no ticket SUP-000042\n"},
		{"unknown ticket, full number", []string{"tickets", "close", "SUP-000042"}, 1, "ticketd tickets close: no ticket SUP-000042\n"},
		{"not a number", []string{"tickets", "show", "five"}, 2, `ticketd tickets show: usage error: "five" is not a ticket number (SUP-000005, 000005 or 5)` + "\nRun 'ticketd tickets show --help' for usage.\n"},
		{"another desk's prefix", []string{"tickets", "show", "OPS-000005"}, 2, `ticketd tickets show: usage error: "OPS-000005" is not a ticket number of this desk (SUP-NNNNNN)` + "\nRun 'ticketd tickets show --help' for usage.\n"},
		{"bad status", []string{"tickets", "list", "--status", "pending"}, 2, `ticketd tickets list: usage error: --status "pending" is not one of needs_info, open, closed` + "\nRun 'ticketd tickets list --help' for usage.\n"},
		{"bad since", []string{"tickets", "list", "--since", "yesterday"}, 2, `ticketd tickets list: usage error: --since "yesterday" is not a date (YYYY-MM-DD)` + "\nRun 'ticketd tickets list --help' for usage.\n"},
		{"unknown org", []string{"tickets", "list", "--org", "hooli"}, 1, "ticketd tickets list: no organization hooli\n"},
		{"unknown org in the ledger", []string{"ledger", "--org", "hooli"}, 1, "ticketd ledger: no organization hooli\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := r.runCLI(tt.args...)
			if code != tt.code || errOut != tt.stderr {
				t.Errorf("exit %d, want %d\nstderr: %q\nwant:   %q\nstdout: %s", code, tt.code, errOut, tt.stderr, out)
			}
		})
	}
}

// TestLedgerListsIdleOrganizations: an organization without tickets is on
// the ledger with nothing used.
func TestLedgerListsIdleOrganizations(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", ledgerIncident(t, 0))
	r.runOnce()
	rows := r.ledgerOf("globex")
	if len(rows) != 1 || rows[0].Org != "globex" || rows[0].Used != 0 || rows[0].Included != 10 || rows[0].Remaining != 10 {
		t.Errorf("globex has no tickets yet: rows %+v", rows)
	}
	out, errOut, code := r.runCLI("ledger")
	if code != 0 {
		t.Fatalf("ledger: exit %d: %s", code, errOut)
	}
	for _, org := range []string{"acme", "globex", "initech", "umbrella"} {
		if !strings.Contains(out, "\n"+org+" ") {
			t.Errorf("ledger lacks %s:\n%s", org, out)
		}
	}
}

// TestReplayDirectories: a directory without .eml is a failure, not an
// empty success; -v names what was skipped; a binary file's bytes never
// reach the terminal.
func TestReplayDirectories(t *testing.T) {
	const cfg = "../../config.example.yaml"
	empty := t.TempDir()
	writeFile(t, filepath.Join(empty, "notes.txt"), "not mail")
	out, errOut, code := runArgs("replay", "--config", cfg, empty)
	if code != 1 || out != "" || errOut != "ticketd replay: no .eml files in "+empty+" (1 other files skipped)\n" {
		t.Errorf("empty directory: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}

	dir := t.TempDir()
	eml, err := os.ReadFile("../../testdata/mail/en-incident-screenshot.eml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "a.eml"), string(eml))
	writeFile(t, filepath.Join(dir, "b.pdf"), "%PDF-1.4")
	out, errOut, code = runArgs("replay", "--config", cfg, "-v", dir)
	if code != 0 || !strings.Contains(out, "1 messages: 1 accepted") || errOut != "skipped \""+filepath.Join(dir, "b.pdf")+"\": not an .eml file\n" {
		t.Errorf("-v: exit %d\nstdout %s\nstderr %q", code, out, errOut)
	}
	if _, errOut, _ = runArgs("replay", "--config", cfg, dir); errOut != "" {
		t.Errorf("without -v the skipped files are not named: %q", errOut)
	}

	// A binary file named .eml: the parser's complaint quotes its first
	// line, which must come out quoted and cut.
	bin := filepath.Join(t.TempDir(), "program.eml")
	raw := append([]byte("\x7fELF\x02\x01\x01\x00\x1b[2J\r\n"), bytes.Repeat([]byte{0xd0, 0x00, 0x07, 0x1b}, 2000)...)
	if err := os.WriteFile(bin, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json"} {
		out, errOut, code = runArgs("replay", "--config", cfg, "--format", format, bin)
		if code != 1 {
			t.Errorf("%s: a file that does not parse: exit %d", format, code)
		}
		for _, b := range []byte{0x00, 0x07, 0x1b, 0x7f, 0xd0} {
			if strings.IndexByte(out+errOut, b) >= 0 {
				t.Errorf("%s: byte %#x of the file reached the terminal:\n%q", format, b, out+errOut)
			}
		}
		if len(out) > 1000 {
			t.Errorf("%s: %d bytes of output for one file", format, len(out))
		}
	}
}

func runArgs(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestCheckConfigSaysWhichEndpointFailed: check-config warns of a login
// without a password, and --connect gives one line per endpoint, saying
// which failed and why.
func TestCheckConfigSaysWhichEndpointFailed(t *testing.T) {
	imapSrv, smtpSrv := mailtest.StartIMAP(t), mailtest.StartSMTP(t)
	dir := t.TempDir()
	config := func(password string) string {
		return mailtest.WriteConfig(t, dir, mailtest.ConfigValues{
			IMAPAddr: imapSrv.Addr, SMTPAddr: smtpSrv.Addr, IMAPUser: mailtest.IMAPUser, IMAPPassword: password,
			StorePath: filepath.Join(dir, "ticketd.db"),
		})
	}
	out, errOut, code := runArgs("check-config", "--config", config(`""`))
	if code != 0 || !strings.Contains(out, "valid") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	if !strings.HasPrefix(errOut, "warning: imap.password is empty while imap.username is set") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("no warning (only) about the empty IMAP password:\n%s", errOut)
	}

	// The wrong IMAP password and SMTP down: one line each.
	cfgPath := config("wrong")
	smtpAddr := smtpSrv.Addr
	smtpSrv.Stop()
	out, errOut, code = runArgs("check-config", "--connect", "--config", cfgPath)
	if code != 1 || strings.Contains(out, "imap ") || strings.Contains(out, "smtp ") {
		t.Errorf("exit %d, want 1 with neither server reported working:\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "imap "+imapSrv.Addr+": failed: ") || !strings.Contains(lines[0], "authentication failed") ||
		!strings.HasPrefix(lines[1], "smtp "+smtpAddr+": failed: ") || !strings.Contains(lines[1], "connection refused") {
		t.Errorf("want one line for IMAP (authentication) and one for SMTP (refused):\n%s", errOut)
	}
	if strings.Count(lines[0], "mailbox:") > 1 {
		t.Errorf("the IMAP reason repeats its prefixes: %s", lines[0])
	}

	// SMTP through OAuth2, and the token endpoint refuses: that is what
	// failed, and SMTP is not tried; IMAP works.
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"invalid_grant","error_description":"refresh token expired"}`)
	}))
	defer tokens.Close()
	cfgPath = config(mailtest.IMAPPassword)
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	smtpAt := strings.Index(text, "\nsmtp:")
	head, tail := text[:smtpAt], text[smtpAt:]
	for _, kv := range [][2]string{
		{`username: ""`, "username: support@ticketd.example"},
		{`token_url: ""`, "token_url: " + tokens.URL + "/token"},
		{`client_id: ""`, "client_id: ticketd"},
		{`refresh_token: ""`, "refresh_token: expired"},
	} {
		if !strings.Contains(tail, kv[0]) {
			t.Fatalf("the smtp section lacks %s", kv[0])
		}
		tail = strings.Replace(tail, kv[0], kv[1], 1)
	}
	writeFile(t, cfgPath, head+tail)
	out, errOut, code = runArgs("check-config", "--connect", "--config", cfgPath)
	lines = strings.Split(strings.TrimSpace(errOut), "\n")
	if code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], "oauth2 token endpoint "+tokens.URL+"/token (smtp.oauth2): failed: ") ||
		!strings.Contains(lines[0], "refresh token expired") || lines[1] != "smtp "+smtpAddr+": failed: not tried: no OAuth2 token" {
		t.Errorf("exit %d; want the token endpoint's failure and SMTP not tried:\n%s", code, errOut)
	}
	if !strings.Contains(out, "imap "+imapSrv.Addr+": logged in") {
		t.Errorf("IMAP is reported working:\n%s", out)
	}
}

// TestTicketsShowConversation: tickets show prints every message of the
// conversation, follow-ups included, with the customer's own words and
// every attachment of each.
func TestTicketsShowConversation(t *testing.T) {
	r := newRig(t)
	first := fixture(t, "en-incident-screenshot.eml")
	r.imap.Append("INBOX", first)
	r.runOnce()
	followUp := "From: Alice Martin <alice@acme.example>\r\n" +
		"To: support@ticketd.example\r\n" +
		"Date: Wed, 14 Oct 2026 10:00:00 +0200\r\n" +
		"Message-ID: <follow-up-1@acme.example>\r\n" +
		"In-Reply-To: <CAVqqPlixW25VH3m1GrX6teGhznfdjDrVt5=yHukUkEZF0_S@mail.gmail.com>\r\n" +
		"Subject: Re: [SUP-000001] Route planner shows error when optimizing Valencia routes\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"The error also happens for the Madrid depot since this morning; the log is attached.\r\n\r\n" +
		"> earlier text quoted from our first email\r\n" +
		"--b\r\nContent-Type: text/plain; name=planner.log\r\nContent-Disposition: attachment; filename=planner.log\r\n\r\n" +
		"ERROR optimize: timeout after 30s\r\n" +
		"--b--\r\n"
	r.imap.Append("INBOX", []byte(followUp))
	r.runOnce()

	out, errOut, code := r.runCLI("tickets", "show", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Message 1 of 2: from alice@acme.example",
		"  | Hi,",
		"Message 2 of 2: from alice@acme.example",
		"  | The error also happens for the Madrid depot since this morning; the log is attached.",
		"  Attachment: planner.log (text/plain",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "earlier text quoted") {
		t.Errorf("show prints the quoted text as the customer's words:\n%s", out)
	}
	// The first message's own attachments, under it.
	m1 := out[strings.Index(out, "Message 1 of 2"):strings.Index(out, "Message 2 of 2")]
	if !strings.Contains(m1, "  Attachment: ") || strings.Contains(m1, "planner.log") {
		t.Errorf("the first message's attachments:\n%s", m1)
	}
}

// TestRunStoreDirAndTLSMismatch: run creates the missing directory of
// store.path (0700) or names the one missing; imap.security: tls against
// a plain server names the setting.
func TestRunStoreDirAndTLSMismatch(t *testing.T) {
	imapSrv, smtpSrv := mailtest.StartIMAP(t), mailtest.StartSMTP(t)
	base := t.TempDir()
	config := func(storePath string) string {
		return mailtest.WriteConfig(t, t.TempDir(), mailtest.ConfigValues{IMAPAddr: imapSrv.Addr, SMTPAddr: smtpSrv.Addr, StorePath: storePath})
	}
	deep := filepath.Join(base, "missing", "ticketd", "ticketd.db")
	_, errOut, code := runArgs("run", "--once", "--config", config(deep))
	if code != 1 || errOut != "ticketd run: store.path "+deep+": directory "+filepath.Join(base, "missing")+" does not exist (create it, or fix store.path)\n" {
		t.Errorf("exit %d: %q", code, errOut)
	}
	db := filepath.Join(base, "state", "ticketd.db")
	if _, errOut, code := runArgs("run", "--once", "--config", config(db)); code != 0 {
		t.Fatalf("run --once with the store's directory missing: exit %d: %s", code, errOut)
	}
	if fi, err := os.Stat(filepath.Dir(db)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("store directory: %v, %v; want mode 0700", fi, err)
	}

	b, err := os.ReadFile(config(db))
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg := filepath.Join(t.TempDir(), "tls.yaml")
	writeFile(t, tlsCfg, strings.Replace(string(b), "  address: "+imapSrv.Addr+"\n  security: none", "  address: "+imapSrv.Addr+"\n  security: tls", 1))
	_, errOut, code = runArgs("run", "--once", "--config", tlsCfg)
	if code != 1 || !strings.Contains(errOut, "does not speak TLS on this port (imap.security: tls") {
		t.Errorf("tls against a plain server: exit %d: %s", code, errOut)
	}
}

// TestTicketsShowPrunedMessage: once retention deleted a closed ticket's
// raw messages, show still lists each message's recorded attachments and
// says why the words are gone.
func TestTicketsShowPrunedMessage(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.runOnce()
	if _, errOut, code := r.runCLI("tickets", "close", "1"); code != 0 {
		t.Fatal(errOut)
	}
	db := r.openStore()
	if _, err := db.Prune(context.Background(), time.Now().Add(48*time.Hour), store.Retention{ClosedTickets: time.Hour}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, errOut, code := r.runCLI("tickets", "show", "1")
	if code != 0 || !strings.Contains(out, "(the message itself was deleted on ") || !strings.Contains(out, "  Attachment: route-planner-error.png (image/png") {
		t.Errorf("exit %d: %s\n%s", code, errOut, out)
	}
}
