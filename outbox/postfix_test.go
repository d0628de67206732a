package outbox

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/receipt"
)

// postfix is Debian's Postfix started for one test on a loopback port,
// with its configuration, queue and log in a temporary directory. It takes
// every email and discards it (the discard transport), logging each one.
type postfix struct {
	addr, maillog string
}

// startPostfix starts Postfix's master in the foreground with main.cf
// settings added to a base that accepts mail from loopback and sends it
// nowhere, or skips the test when Postfix is not installed or
// TICKETD_POSTFIX is unset ("require", which CI sets, makes both
// failures).
func startPostfix(t *testing.T, mainCF string) *postfix {
	t.Helper()
	mode := os.Getenv("TICKETD_POSTFIX")
	required := mode == "require"
	if mode == "" {
		t.Skip("set TICKETD_POSTFIX=1 (or require) to test against Debian's Postfix (apt-get install postfix)")
	}
	const master = "/usr/lib/postfix/sbin/master"
	bin, err := exec.LookPath("postfix")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/postfix"); serr == nil {
			bin, err = "/usr/sbin/postfix", nil
		}
	}
	if err == nil {
		_, err = os.Stat(master)
	}
	if err != nil {
		if required {
			t.Fatal("TICKETD_POSTFIX=require but postfix is not installed (apt-get install postfix)")
		}
		t.Skip("postfix not installed (apt-get install postfix)")
	}
	if os.Geteuid() != 0 {
		if required {
			t.Fatal("the Postfix tests must run as root to start Postfix")
		}
		t.Skip("the Postfix tests need root to start Postfix")
	}
	owner, err := user.Lookup("postfix")
	if err != nil {
		t.Fatalf("system user postfix: %v", err)
	}
	uid, _ := strconv.Atoi(owner.Uid)
	gid, _ := strconv.Atoi(owner.Gid)

	// Postfix's processes run as the user postfix: the directory must be
	// reachable by it (t.TempDir's parent is not).
	dir, err := os.MkdirTemp("", "ticketd-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "maillog"))
			t.Logf("Postfix's log:\n%s", b)
		}
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"queue", "data"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(filepath.Join(dir, "data"), uid, gid); err != nil {
		t.Fatal(err)
	}
	port := mailtest.FreePort(t)
	p := &postfix{addr: fmt.Sprintf("127.0.0.1:%d", port), maillog: filepath.Join(dir, "maillog")}
	main := fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.ticketd.test
mydomain = ticketd.test
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
default_transport = discard
relay_transport = discard
local_transport = discard
alias_maps =
alias_database =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
maillog_file = %[2]s
maillog_file_prefixes = %[1]s
`, dir, p.maillog) + mainCF
	masterCF := fmt.Sprintf(`127.0.0.1:%d inet n - n - - smtpd
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`, port)
	if err := os.WriteFile(filepath.Join(dir, "main.cf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "master.cf"), []byte(masterCF), 0o644); err != nil {
		t.Fatal(err)
	}
	// "postfix check" creates the queue's directories with their owners.
	if out, err := exec.Command(bin, "-c", dir, "check").CombinedOutput(); err != nil {
		t.Fatalf("postfix check: %v\n%s", err, out)
	}
	cmd := exec.Command(master, "-c", dir, "-d")
	// Its own process group, which master signals to stop its children.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start postfix: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt) // master stops its children
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // master and its children
			<-exited
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		// Only look for the socket: a test connection would count
		// against the connection-rate limit.
		if listening(port) {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("postfix exited: %v\n%s\n%s", err, out.String(), p.log(t))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("postfix did not listen on %s: %s\n%s", p.addr, out.String(), p.log(t))
		}
	}
	return p
}

// listening reports whether a socket listens on the loopback TCP port,
// without connecting to it.
func listening(port int) bool {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return false
	}
	defer f.Close()
	want := fmt.Sprintf("0100007F:%04X", port)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 3 && fields[1] == want && fields[3] == "0A" { // LISTEN
			return true
		}
	}
	return false
}

func (p *postfix) log(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(p.maillog)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

var (
	postfixMessageID = regexp.MustCompile(`postfix/cleanup\[\d+\]: \w+: message-id=(<[^>]*>)`)
	postfixSent      = regexp.MustCompile(`postfix/discard\[\d+\]: \w+: to=<[^>]*>.* status=sent`)
	postfixSession   = regexp.MustCompile(`postfix/smtpd\[\d+\]: disconnect from .* mail=(\d+)`)
)

// postfixLog is what Postfix's log says about the emails and sessions.
type postfixLog struct {
	sent        int            // deliveries by the discard transport
	messageIDs  map[string]int // Message-IDs of the emails taken, and how many times each
	connections int            // sessions, refused ones included
	rateLimited int            // refused by the connection-rate limit
	mailEach    []int          // emails carried by each session that carried any
}

func (p *postfix) parse(t *testing.T) postfixLog {
	t.Helper()
	l := postfixLog{messageIDs: map[string]int{}}
	for line := range strings.SplitSeq(p.log(t), "\n") {
		if m := postfixMessageID.FindStringSubmatch(line); m != nil {
			l.messageIDs[m[1]]++
		}
		if postfixSent.MatchString(line) {
			l.sent++
		}
		if strings.Contains(line, "postfix/smtpd[") && strings.Contains(line, ": connect from ") {
			l.connections++
		}
		if strings.Contains(line, "Connection rate limit exceeded") {
			l.rateLimited++
		}
		if m := postfixSession.FindStringSubmatch(line); m != nil {
			if n, _ := strconv.Atoi(m[1]); n > 0 {
				l.mailEach = append(l.mailEach, n)
			}
		}
	}
	return l
}

// postfixWorker is the rig's worker delivering to Postfix with the given
// EHLO name.
func (r *rig) postfixWorker(p *postfix, helo string, h *metrics.Health) *Worker {
	r.t.Helper()
	sender, err := receipt.NewSender(receipt.SMTPConfig{Address: p.addr, Security: "none", HeloName: helo, Timeout: 10 * time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	o := r.opts
	o.Destination = &SMTP{Sender: sender, Connections: o.Connections}
	o.Health = h
	return New(o)
}

func readyHealth() *metrics.Health {
	h := metrics.NewHealth(nil)
	h.SetMailboxConnected(true)
	h.SetStoreOpen(true)
	h.SetOutboxCheck(nil, time.Hour)
	return h
}

// Postfix's connection-rate limit (421 at greeting), with loopback not
// exempt: once the window is spent, the outbox defers the destination and
// waits; in the next window the backlog goes in a few full sessions, each
// email exactly once, none given up.
func TestPostfixConnectionRateLimit(t *testing.T) {
	const limit = 4
	p := startPostfix(t, fmt.Sprintf(`smtpd_client_connection_rate_limit = %d
anvil_rate_time_unit = 10s
smtpd_client_event_limit_exceptions =
`, limit))
	// Spend the window, as an earlier burst of sessions would.
	for range limit {
		c, err := net.Dial("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, "220") {
			t.Fatalf("greeting %q (%v)", line, err)
		}
		fmt.Fprintf(c, "QUIT\r\n")
		_, _ = br.ReadString('\n')
		c.Close()
	}
	r := newRig(t)
	r.opts.Connections = 2
	r.opts.Retry = Retry{Min: time.Second, Max: time.Second, MaxAge: time.Hour}
	const n = 40
	r.queue("en-incident-screenshot.eml", "<pf-rate-%d@acme.example>", n)
	start := time.Now()
	r.run(r.postfixWorker(p, "client.ticketd.example", readyHealth()))
	mailtest.WaitUntil(t, 40*time.Second, "every email through Postfix", func() bool {
		return p.parse(t).sent >= n
	})
	elapsed := time.Since(start)
	time.Sleep(500 * time.Millisecond) // any duplicate would show by now
	l := p.parse(t)
	logs := r.logs.String()
	if l.sent != n || len(l.messageIDs) != n {
		t.Errorf("Postfix delivered %d emails with %d Message-IDs, want %d", l.sent, len(l.messageIDs), n)
	}
	for id, c := range l.messageIDs {
		if c != 1 {
			t.Errorf("Postfix took %s %d times", id, c)
		}
	}
	if l.rateLimited == 0 {
		t.Errorf("no connection refused by the rate limit: the test did not test it\n%s", p.log(t))
	}
	if countLines(logs, "smtp destination down") == 0 {
		t.Errorf("the 421 at greeting did not defer the destination:\n%s", logs)
	}
	// The refused dials: one a pass, a pass a second at most, over the
	// 10s window. The emails: a probe, then the backlog over 2 sessions.
	if most := int(elapsed/(500*time.Millisecond)) + 2; l.rateLimited > most {
		t.Errorf("%d connections refused in %s, want at most %d (one a pass)", l.rateLimited, elapsed.Round(time.Millisecond), most)
	}
	if len(l.mailEach) > 4 {
		t.Errorf("%d sessions carried the %d emails (%v), want at most 4", len(l.mailEach), n, l.mailEach)
	}
	if c := countLines(logs, "email given up") + countLines(logs, "email delivery failed"); c != 0 {
		t.Errorf("%d lines about single emails, want none:\n%s", c, logs)
	}
	failed, err := r.db.FailedOutbox()
	if err != nil || len(failed) != 0 {
		t.Errorf("%d emails given up (%v), want none", len(failed), err)
	}
	t.Logf("%d emails in %s over %d connections (%d refused at greeting); emails per session %v", n, elapsed.Round(time.Millisecond), l.connections-limit, l.rateLimited, l.mailEach)
}

// Postfix with reject_non_fqdn_helo_hostname answers 504 5.5.2 at RCPT to
// a bare EHLO name: the emails are not given up, the destination is down
// and readiness fails; with a fully qualified name they are delivered.
func TestPostfixNonFQDNHelo(t *testing.T) {
	p := startPostfix(t, `smtpd_helo_required = yes
smtpd_helo_restrictions = reject_non_fqdn_helo_hostname
`)
	r := newRig(t)
	r.opts.Connections = 2
	const n = 12
	r.queue("en-incident-screenshot.eml", "<pf-helo-%d@acme.example>", n)
	h := readyHealth()
	w := r.postfixWorker(p, "vm", h)
	w.DeliverDue(t.Context(), time.Time{})
	w.DeliverDue(t.Context(), time.Time{})
	failed, err := r.db.FailedOutbox()
	if err != nil || len(failed) != 0 {
		t.Fatalf("%d emails given up (%v), want none", len(failed), err)
	}
	if depth, _, err := w.Stats(); err != nil || depth != n {
		t.Errorf("%d emails waiting (%v), want %d", depth, err, n)
	}
	ok, reasons := h.Ready()
	if ok || !strings.Contains(strings.Join(reasons, "\n"), "5.5.2") {
		t.Errorf("readiness %v %q, want failing with the refusal", ok, reasons)
	}
	if !strings.Contains(p.log(t), "504 5.5.2 <vm>: Helo command rejected") {
		t.Errorf("Postfix did not refuse the EHLO name:\n%s", p.log(t))
	}
	if l := p.parse(t); l.sent != 0 {
		t.Fatalf("Postfix took %d emails from a refused EHLO name", l.sent)
	}

	// The operator sets a fully qualified helo_name and restarts.
	h = readyHealth()
	w = r.postfixWorker(p, "client.ticketd.example", h)
	w.DeliverDue(t.Context(), time.Time{})
	mailtest.WaitUntil(t, 20*time.Second, "every email through Postfix", func() bool {
		return p.parse(t).sent >= n
	})
	time.Sleep(500 * time.Millisecond)
	l := p.parse(t)
	if l.sent != n || len(l.messageIDs) != n {
		t.Errorf("Postfix delivered %d emails with %d Message-IDs, want %d", l.sent, len(l.messageIDs), n)
	}
	if depth, _, err := w.Stats(); err != nil || depth != 0 {
		t.Errorf("%d emails waiting (%v), want none", depth, err)
	}
	if ok, reasons := h.Ready(); !ok {
		t.Errorf("not ready once delivered: %q", reasons)
	}
	if failed, err := r.db.FailedOutbox(); err != nil || len(failed) != 0 {
		t.Errorf("%d emails given up (%v), want none", len(failed), err)
	}
}
