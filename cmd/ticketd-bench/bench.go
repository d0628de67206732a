package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/internal/loopback"
)

// benchReport is what ticketd-bench measures; the JSON field names are
// those of BENCHMARKS.md.
type benchReport struct {
	Messages     int    `json:"messages"`
	AttachmentKB int    `json:"attachment_kb"`
	IMAP         string `json:"imap"`
	GOMAXPROCS   int    `json:"gomaxprocs"`
	// The intake limit: the batched bare client (fetch and move).
	LimitSeconds float64 `json:"limit_seconds"`
	LimitRate    float64 `json:"limit_msgs_per_second"`
	// The one-at-a-time bare client, a second line (--one-at-a-time).
	OneAtATimeSeconds float64 `json:"one_at_a_time_seconds,omitempty"`
	OneAtATimeRate    float64 `json:"one_at_a_time_msgs_per_second,omitempty"`
	// Intake: run --once with the SMTP server unreachable, to its return.
	IntakeSeconds        float64 `json:"intake_seconds"`
	IntakeRate           float64 `json:"intake_msgs_per_second"`
	IntakeDrainedSeconds float64 `json:"intake_drained_seconds"`
	IntakeRatio          float64 `json:"intake_ratio"`
	// The end-to-end limit: the batched bare client that also sends one
	// short reply per message over one SMTP session.
	ReplyLimitSeconds float64 `json:"reply_limit_seconds"`
	ReplyLimitRate    float64 `json:"reply_limit_msgs_per_second"`
	// End to end: run --once until every receipt has been accepted.
	TicketdSeconds float64 `json:"ticketd_seconds"`
	TicketdRate    float64 `json:"ticketd_msgs_per_second"`
	// DrainedSeconds is when the mailbox was empty, every message recorded
	// and moved; the receipts still queued then went out by TicketdSeconds.
	DrainedSeconds float64 `json:"drained_seconds"`
	Ratio          float64 `json:"end_to_end_ratio"`
	Emails         int     `json:"emails"`
	LatencySamples int     `json:"latency_samples"`
	LatencyP50ms   float64 `json:"latency_p50_ms"`
	LatencyP99ms   float64 `json:"latency_p99_ms"`
	PeakHeapMB     float64 `json:"peak_heap_mb"`
	LargeMessageMB int     `json:"large_message_mb,omitempty"`
	LargePeakRSSMB float64 `json:"large_peak_rss_mb,omitempty"`
}

type benchOptions struct {
	messages, attachmentKB, latency, largeMB, batchSize int
	smtpConnections                                     int
	oneAtATime, dovecot                                 bool
	imapAddr, imapUser, imapPassword, imapSecurity      string
	dir                                                 string
	cpuProfile, memProfile                              string
	blockProfile, mutexProfile, profilePhase            string
	binary                                              string // ticketd to run for --large-mb
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(stdout)
	var o benchOptions
	fs.IntVar(&o.messages, "messages", 1000, "messages in the backlog")
	fs.IntVar(&o.attachmentKB, "attachment-kb", 200, "size of the screenshot a third of the messages carry")
	fs.IntVar(&o.latency, "latency-messages", 100, "messages sent one by one to the idling daemon for the latency percentiles")
	fs.IntVar(&o.batchSize, "batch-size", config.Default().IMAP.BatchSize, "imap.batch_size of the daemon under test")
	fs.IntVar(&o.smtpConnections, "smtp-connections", config.Default().SMTP.Connections, "smtp.connections of the daemon under test")
	fs.IntVar(&o.largeMB, "large-mb", 0, "also process one message with an attachment of this many MB with run --once in a child process and report its peak RSS")
	fs.BoolVar(&o.oneAtATime, "one-at-a-time", true, "also measure the bare client that fetches and moves one message at a time")
	fs.BoolVar(&o.dovecot, "dovecot", false, "start a private Dovecot on a loopback port (as root; Debian's dovecot-imapd) and measure against it")
	fs.StringVar(&o.imapAddr, "imap", "", "a real IMAP server (host:port) instead of the in-process one; its INBOX must be empty")
	fs.StringVar(&o.imapUser, "imap-user", "", "user on --imap")
	fs.StringVar(&o.imapPassword, "imap-password", "", "password on --imap (or TICKETD_IMAP_PASSWORD)")
	fs.StringVar(&o.imapSecurity, "imap-security", "none", "tls, starttls or none for --imap")
	fs.StringVar(&o.dir, "dir", "", "directory for the benchmark's databases and --dovecot's mail (default: a new temporary one; it must be on a real disk)")
	fs.StringVar(&o.binary, "binary", "", "the ticketd binary --large-mb runs (default: the ticketd beside this program, else in PATH)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the --profile-phase to this file (go tool pprof)")
	fs.StringVar(&o.blockProfile, "blockprofile", "", "write a blocking profile of the --profile-phase to this file")
	fs.StringVar(&o.mutexProfile, "mutexprofile", "", "write a mutex contention profile of the --profile-phase to this file")
	fs.StringVar(&o.profilePhase, "profile-phase", "end-to-end", "the ticketd phase the profiles cover: intake or end-to-end")
	fs.StringVar(&o.memProfile, "memprofile", "", "write an allocation profile of the whole run to this file")
	format := fs.String("format", "text", "text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("%w: --format must be text or json", errUsage)
	}
	if o.messages < 1 || o.attachmentKB < 0 || o.latency < 0 || o.largeMB < 0 {
		return fmt.Errorf("%w: --messages must be positive, the others not negative", errUsage)
	}
	if o.batchSize < 1 || o.smtpConnections < 1 {
		return fmt.Errorf("%w: --batch-size and --smtp-connections must be positive", errUsage)
	}
	if o.dovecot && o.imapAddr != "" {
		return fmt.Errorf("%w: --dovecot and --imap exclude each other", errUsage)
	}
	if o.profilePhase != "intake" && o.profilePhase != "end-to-end" {
		return fmt.Errorf("%w: --profile-phase must be intake or end-to-end", errUsage)
	}
	if o.imapPassword == "" {
		o.imapPassword = os.Getenv("TICKETD_IMAP_PASSWORD")
	}
	rep, err := bench(ctx, o, stderr)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeBenchText(stdout, rep)
}

// Folders the phases fill; each is deleted after its phase.
const (
	bareFolder       = "BenchBare"
	processedFolder  = "BenchProcessed"
	quarantineFolder = "BenchQuarantine"
)

func bench(ctx context.Context, o benchOptions, progress io.Writer) (*benchReport, error) {
	rep := &benchReport{Messages: o.messages, AttachmentKB: o.attachmentKB, GOMAXPROCS: runtime.GOMAXPROCS(0), IMAP: "in-process (go-imap memory server)"}
	dir := o.dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "ticketd-bench-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	}
	smtpSink, err := startBenchSMTP()
	if err != nil {
		return nil, fmt.Errorf("smtp sink: %w", err)
	}
	defer smtpSink.Close()
	box, err := openBenchMailbox(o)
	if err != nil {
		return nil, err
	}
	defer box.Close()
	switch {
	case o.imapAddr != "":
		rep.IMAP = o.imapAddr
	case o.dovecot:
		rep.IMAP = "Dovecot " + dovecotVersion() + " (private, maildir, loopback " + box.config().addr + ")"
	}
	// Nothing listens on deadSMTP: the intake phase's receipts cannot go.
	deadPort, err := loopback.FreePort()
	if err != nil {
		return nil, err
	}
	deadSMTP := fmt.Sprintf("127.0.0.1:%d", deadPort)

	// Every phase drains the same backlog, generated again from one seed.
	answered := 0
	fill := func() (*benchMail, error) {
		gen := newBenchMail(1, o.attachmentKB)
		backlog := make([][]byte, o.messages)
		answered = 0
		for i := range backlog {
			raw, ok := gen.next()
			backlog[i] = raw
			if ok {
				answered++
			}
		}
		if err := box.appendAll(ctx, backlog); err != nil {
			return nil, err
		}
		runtime.GC() // each phase starts from a collected heap
		return gen, nil
	}
	clean := func(folders ...string) error {
		for _, f := range folders {
			if err := box.deleteFolder(ctx, f); err != nil {
				return err
			}
		}
		return nil
	}

	fmt.Fprintf(progress, "bench: %d messages on %s; limit: batched bare client...\n", o.messages, rep.IMAP)
	if _, err := fill(); err != nil {
		return nil, err
	}
	took, err := bareDrain(ctx, box.config(), bareFolder, nil)
	if err != nil {
		return nil, fmt.Errorf("bare client: %w", err)
	}
	rep.LimitSeconds, rep.LimitRate = took.Seconds(), float64(o.messages)/took.Seconds()
	if err := clean(bareFolder); err != nil {
		return nil, err
	}

	fmt.Fprintf(progress, "bench: ticketd intake, SMTP unreachable...\n")
	if _, err := fill(); err != nil {
		return nil, err
	}
	d, err := benchDaemon(o, box.config(), deadSMTP, filepath.Join(dir, "intake.db"))
	if err != nil {
		return nil, err
	}
	res, err := runOnceMeasured(ctx, o, d, o.profilePhase == "intake", nil)
	d.Close()
	if err != nil {
		return nil, fmt.Errorf("ticketd intake: %w", err)
	}
	rep.IntakeSeconds, rep.IntakeRate = res.took.Seconds(), float64(o.messages)/res.took.Seconds()
	rep.IntakeDrainedSeconds = res.drained.Seconds()
	rep.IntakeRatio = rep.IntakeRate / rep.LimitRate
	if err := clean(processedFolder, quarantineFolder); err != nil {
		return nil, err
	}

	fmt.Fprintf(progress, "bench: end-to-end limit: batched bare client with one reply per message...\n")
	if _, err := fill(); err != nil {
		return nil, err
	}
	smtpSink.reset()
	took, err = bareDrain(ctx, box.config(), bareFolder, &bareReplier{addr: smtpSink.addr, from: "support@ticketd.example"})
	if err != nil {
		return nil, fmt.Errorf("bare client with replies: %w", err)
	}
	if err := smtpSink.waitCount(o.messages, time.Minute); err != nil {
		return nil, err
	}
	rep.ReplyLimitSeconds, rep.ReplyLimitRate = took.Seconds(), float64(o.messages)/took.Seconds()
	if err := clean(bareFolder); err != nil {
		return nil, err
	}

	fmt.Fprintf(progress, "bench: ticketd end to end...\n")
	gen, err := fill()
	if err != nil {
		return nil, err
	}
	smtpSink.reset()
	d, err = benchDaemon(o, box.config(), smtpSink.addr, filepath.Join(dir, "ticketd.db"))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	res, err = runOnceMeasured(ctx, o, d, o.profilePhase == "end-to-end", func() error {
		return smtpSink.waitCount(answered, time.Minute)
	})
	if err != nil {
		return nil, fmt.Errorf("ticketd: %w", err)
	}
	rep.TicketdSeconds, rep.TicketdRate = res.took.Seconds(), float64(o.messages)/res.took.Seconds()
	rep.DrainedSeconds = res.drained.Seconds()
	rep.PeakHeapMB = res.peakHeapMB
	rep.Ratio = rep.TicketdRate / rep.ReplyLimitRate
	rep.Emails = answered

	if o.latency > 0 {
		fmt.Fprintf(progress, "bench: latency phase (%d messages to the idling daemon)...\n", o.latency)
		if err := benchLatency(ctx, d, box, smtpSink, gen, o.latency, rep); err != nil {
			return nil, err
		}
	}
	if err := clean(processedFolder, quarantineFolder); err != nil {
		return nil, err
	}
	if o.largeMB > 0 {
		fmt.Fprintf(progress, "bench: one %d MB message...\n", o.largeMB)
		if err := benchLarge(ctx, box, smtpSink.addr, dir, o.binary, o.largeMB, rep); err != nil {
			return nil, err
		}
		if err := clean(processedFolder, quarantineFolder); err != nil {
			return nil, err
		}
	}
	if o.oneAtATime {
		fmt.Fprintf(progress, "bench: second line: bare client, one message at a time...\n")
		if _, err := fill(); err != nil {
			return nil, err
		}
		took, err := bareDrainOne(ctx, box.config(), bareFolder)
		if err != nil {
			return nil, fmt.Errorf("one-at-a-time client: %w", err)
		}
		rep.OneAtATimeSeconds, rep.OneAtATimeRate = took.Seconds(), float64(o.messages)/took.Seconds()
		if err := clean(bareFolder); err != nil {
			return nil, err
		}
	}
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// benchDaemon is a daemon for one ticketd phase, with a store of its own
// (the phases take in the same Message-IDs).
func benchDaemon(o benchOptions, icfg benchIMAPConfig, smtpAddr, dbPath string) (*daemon.Daemon, error) {
	cfg := benchConfig(icfg, smtpAddr, dbPath)
	cfg.IMAP.BatchSize = o.batchSize
	cfg.SMTP.Connections = o.smtpConnections
	return daemon.New(cfg, slog.New(slog.DiscardHandler))
}

// runOnceResult is what runOnceMeasured measured.
type runOnceResult struct {
	took, drained time.Duration
	peakHeapMB    float64
}

// runOnceMeasured runs d.RunOnce, then until done (if any) returns, with
// the profiles when profile is set, and reports how long it took, when the
// mailbox was empty and the peak live heap above the heap at the start
// (the in-process IMAP server's mailboxes live in this heap too).
func runOnceMeasured(ctx context.Context, o benchOptions, d *daemon.Daemon, profile bool, done func() error) (runOnceResult, error) {
	var res runOnceResult
	var drained time.Time
	d.OnDrained(func() { drained = time.Now() })
	runtime.GC()
	base := heapBytes()
	if profile {
		stop, err := startProfiles(o)
		if err != nil {
			return res, err
		}
		defer func() {
			if serr := stop(); serr != nil {
				fmt.Fprintf(os.Stderr, "ticketd-bench: profiles: %v\n", serr)
			}
		}()
	}
	peak := startHeapSampler(heapBytes)
	start := time.Now()
	err := d.RunOnce(ctx)
	if err == nil && done != nil {
		err = done()
	}
	res.took = time.Since(start)
	res.peakHeapMB = (peak.stop() - base) / (1 << 20)
	res.drained = drained.Sub(start)
	return res, err
}

// startProfiles starts the CPU, blocking and mutex profiles asked for;
// stop writes them.
func startProfiles(o benchOptions) (stop func() error, err error) {
	var stops []func() error
	stop = func() error {
		var errs []error
		for _, s := range stops {
			errs = append(errs, s())
		}
		return errors.Join(errs...)
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		stops = append(stops, func() error {
			pprof.StopCPUProfile()
			return f.Close()
		})
	}
	lookup := func(path, name string, on, off func()) {
		if path == "" {
			return
		}
		on()
		stops = append(stops, func() error {
			off()
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			defer f.Close()
			return pprof.Lookup(name).WriteTo(f, 0)
		})
	}
	// Every blocking event of 10 µs or more; one mutex contention in five.
	lookup(o.blockProfile, "block", func() { runtime.SetBlockProfileRate(10_000) }, func() { runtime.SetBlockProfileRate(0) })
	lookup(o.mutexProfile, "mutex", func() { runtime.SetMutexProfileFraction(5) }, func() { runtime.SetMutexProfileFraction(0) })
	return stop, nil
}

// dovecotVersion is the version of the dovecot binary, or "?".
func dovecotVersion() string {
	out, err := exec.Command("dovecot", "--version").Output()
	if err != nil {
		return "?"
	}
	v, _, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	return v
}

// benchConfig is the daemon's configuration for the benchmark: the
// example's organizations, loopback servers, a store with fsync on.
func benchConfig(icfg benchIMAPConfig, smtpAddr, dbPath string) *config.Config {
	cfg := config.Default()
	cfg.File = "(bench)"
	cfg.IMAP.Address, cfg.IMAP.Security = icfg.addr, icfg.security
	cfg.IMAP.Username, cfg.IMAP.Password = icfg.user, icfg.password
	cfg.IMAP.ProcessedMailbox, cfg.IMAP.QuarantineMailbox = "BenchProcessed", "BenchQuarantine"
	cfg.IMAP.InsecureSkipVerify = true
	cfg.IMAP.PollInterval = 5 * time.Second
	cfg.IMAP.MaxMessageBytes = 1 << 30 // --large-mb
	cfg.SMTP.Address, cfg.SMTP.Security, cfg.SMTP.From = smtpAddr, "none", "support@ticketd.example"
	cfg.Store.Path = dbPath
	cfg.Receipt.MaxPerSenderPerHour = 0
	// The benchmark measures throughput: no hourly caps on what it sends
	// or on one contact's tickets.
	cfg.Receipt.MaxRejectionsPerHour = 0
	cfg.Rules.MaxNewTicketsPerContactPerHour = 0
	cfg.Admin.Listen = ""
	cfg.Organizations = []config.Organization{
		{ID: "acme", Name: "ACME Logistics", TicketsIncluded: 1000000, ContactMethods: []string{"email"},
			Contacts: []config.Contact{{Email: "alice@acme.example"}, {Email: "bob@acme.example"}}},
		{ID: "globex", Name: "Globex Ibérica", TicketsIncluded: 1000000, ContactMethods: []string{"email"},
			Contacts: []config.Contact{{Email: "carmen@globex.example"}}},
	}
	return &cfg
}

// benchLatency sends messages one at a time to the daemon idling on IDLE
// and measures APPEND to receipt accepted by SMTP.
func benchLatency(ctx context.Context, d *daemon.Daemon, box *benchMailbox, sink *benchSMTP, gen *benchMail, n int, rep *benchReport) error {
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	defer func() { stop(); <-done }()
	// Wait for the first connection: the daemon is then idling.
	warm, _ := gen.nextAnswered()
	if err := box.appendAll(ctx, [][]byte{warm}); err != nil {
		return err
	}
	if _, err := sink.waitArrival(messageIDOf(warm), 30*time.Second); err != nil {
		return err
	}
	var samples []time.Duration
	for range n {
		raw, id := gen.nextAnswered()
		start := time.Now()
		if err := box.appendAll(ctx, [][]byte{raw}); err != nil {
			return err
		}
		at, err := sink.waitArrival(id, 30*time.Second)
		if err != nil {
			return err
		}
		samples = append(samples, at.Sub(start))
	}
	slices.Sort(samples)
	rep.LatencySamples = len(samples)
	rep.LatencyP50ms = ms(percentile(samples, 0.50))
	rep.LatencyP99ms = ms(percentile(samples, 0.99))
	return nil
}

// benchLarge processes one message with a large attachment with the real
// binary (`ticketd run --once` in a child process, so that the in-process
// servers' memory does not count) and reports the child's peak resident
// memory, an upper bound of its peak heap.
func benchLarge(ctx context.Context, box *benchMailbox, smtpAddr, dir, exe string, mb int, rep *benchReport) error {
	if exe == "" {
		var err error
		if exe, err = defaultBinary(); err != nil {
			return err
		}
	}
	gen := newBenchMail(2, mb<<10)
	gen.seq = 3 // a multiple of three: the message carries the attachment
	raw := []byte(gen.envelope("Alice Martin <alice@acme.example>", gen.incident()))
	if err := box.appendAll(ctx, [][]byte{raw}); err != nil {
		return err
	}
	rep.LargeMessageMB = len(raw) >> 20
	raw, gen = nil, nil
	cfgPath := filepath.Join(dir, "large.yaml")
	icfg := box.config()
	yaml := fmt.Sprintf(`tickets: {prefix: SUP}
imap: {address: %q, security: %q, insecure_skip_verify: true, username: %q, password: %q, processed_mailbox: BenchProcessed, quarantine_mailbox: BenchQuarantine, max_message_bytes: 1073741824}
smtp: {address: %q, security: none, from: support@ticketd.example}
store: {path: %q}
receipt: {max_per_sender_per_hour: 0, max_rejections_per_hour: 0}
rules: {max_new_tickets_per_contact_per_hour: 0}
admin: {listen: ""}
log: {level: info, format: json}
organizations:
  - {id: acme, name: ACME, tickets_included: 1000000, contact_methods: [email], contacts: [{email: alice@acme.example}]}
`, icfg.addr, icfg.security, icfg.user, icfg.password, smtpAddr, filepath.Join(dir, "large.db"))
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		return err
	}
	// The child reports its own peak (VmHWM): the rusage of a child
	// started from this large process would include this process's memory.
	cmd := exec.CommandContext(ctx, exe, "run", "--once", "--config", cfgPath)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("run --once on the large message: %w\n%s", err, out)
	}
	for _, line := range bytes.Split(out, []byte("\n")) {
		var entry struct {
			Msg  string  `json:"msg"`
			Peak float64 `json:"peak_rss_mb"`
		}
		if json.Unmarshal(line, &entry) == nil && entry.Msg == "run --once done" {
			rep.LargePeakRSSMB = entry.Peak
		}
	}
	if rep.LargePeakRSSMB <= 0 {
		return fmt.Errorf("the child did not report its peak memory:\n%s", out)
	}
	return nil
}

func (b *benchMail) nextAnswered() ([]byte, string) {
	for {
		raw, ok := b.next()
		if ok {
			return raw, messageIDOf(raw)
		}
	}
}

// defaultBinary is the ticketd beside this executable, else the one in
// PATH.
func defaultBinary() (string, error) {
	if self, err := os.Executable(); err == nil {
		beside := filepath.Join(filepath.Dir(self), "ticketd")
		if info, err := os.Stat(beside); err == nil && !info.IsDir() {
			return beside, nil
		}
	}
	exe, err := exec.LookPath("ticketd")
	if err != nil {
		return "", fmt.Errorf("--large-mb runs the ticketd binary: pass --binary (%w)", err)
	}
	return exe, nil
}

// rawMessageID finds the Message-ID header the generator wrote.
var rawMessageID = regexp.MustCompile(`(?im)^message-id:[ \t]*<([^>\r\n]{1,500})>`)

// messageIDOf reads the Message-ID the generator wrote.
func messageIDOf(raw []byte) string {
	if m := rawMessageID.FindSubmatch(raw); m != nil {
		return string(m[1])
	}
	return ""
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return sorted[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// heapSampler records the peak of the live heap while it runs.
type heapSampler struct {
	read func() float64
	peak atomic.Uint64
	quit chan struct{}
	wg   sync.WaitGroup
}

func startHeapSampler(read func() float64) *heapSampler {
	h := &heapSampler{quit: make(chan struct{}), read: read}
	h.peak.Store(uint64(read()))
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-h.quit:
				return
			case <-tick.C:
				if v := uint64(h.read()); v > h.peak.Load() {
					h.peak.Store(v)
				}
			}
		}
	}()
	return h
}

func (h *heapSampler) stop() float64 {
	close(h.quit)
	h.wg.Wait()
	if v := uint64(h.read()); v > h.peak.Load() {
		h.peak.Store(v)
	}
	return float64(h.peak.Load())
}

// heapBytes is the live heap as the last garbage collection marked it.
// Peak live heap is what ticketd needs; the total heap also holds garbage
// in proportion to the live heap of the in-process IMAP server, which
// shares this process and keeps every message in memory.
func heapBytes() float64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return float64(s[0].Value.Uint64())
}

func writeBenchText(w io.Writer, r *benchReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "messages\t%d (a third with a %d KB screenshot)\n", r.Messages, r.AttachmentKB)
	fmt.Fprintf(tw, "imap server\t%s\n", r.IMAP)
	fmt.Fprintf(tw, "intake limit: bare client, UID FETCH + UID MOVE per %d\t%.2f s\t%.0f msg/s\n", bareBatch, r.LimitSeconds, r.LimitRate)
	fmt.Fprintf(tw, "ticketd intake: run --once, SMTP unreachable\t%.2f s\t%.0f msg/s\t(mailbox drained after %.2f s)\n", r.IntakeSeconds, r.IntakeRate, r.IntakeDrainedSeconds)
	fmt.Fprintf(tw, "intake ratio ticketd / limit\t%.0f%%\n", r.IntakeRatio*100)
	fmt.Fprintf(tw, "end-to-end limit: the same + one reply per message\t%.2f s\t%.0f msg/s\n", r.ReplyLimitSeconds, r.ReplyLimitRate)
	fmt.Fprintf(tw, "ticketd: run --once, %d receipts accepted\t%.2f s\t%.0f msg/s\t(mailbox drained after %.2f s)\n", r.Emails, r.TicketdSeconds, r.TicketdRate, r.DrainedSeconds)
	fmt.Fprintf(tw, "end-to-end ratio ticketd / limit\t%.0f%%\n", r.Ratio*100)
	if r.OneAtATimeRate > 0 {
		fmt.Fprintf(tw, "second line: bare client, one message at a time\t%.2f s\t%.0f msg/s\n", r.OneAtATimeSeconds, r.OneAtATimeRate)
	}
	if r.LatencySamples > 0 {
		fmt.Fprintf(tw, "latency APPEND → receipt (IDLE), %d samples\tp50 %.1f ms\tp99 %.1f ms\n", r.LatencySamples, r.LatencyP50ms, r.LatencyP99ms)
	}
	fmt.Fprintf(tw, "peak heap while draining (end to end)\t%.1f MB\n", r.PeakHeapMB)
	if r.LargeMessageMB > 0 {
		fmt.Fprintf(tw, "peak RSS of run --once for one %d MB message\t%.1f MB (%.1fx)\n", r.LargeMessageMB, r.LargePeakRSSMB, r.LargePeakRSSMB/float64(r.LargeMessageMB))
	}
	fmt.Fprintf(tw, "GOMAXPROCS\t%d\n", r.GOMAXPROCS)
	return tw.Flush()
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}
