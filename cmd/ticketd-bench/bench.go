package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/daemon"
)

// benchReport is what `ticketd bench` measures; the JSON field names are
// those of BENCHMARKS.md.
type benchReport struct {
	Messages       int     `json:"messages"`
	AttachmentKB   int     `json:"attachment_kb"`
	IMAP           string  `json:"imap"`
	GOMAXPROCS     int     `json:"gomaxprocs"`
	LimitSeconds   float64 `json:"limit_seconds"`
	LimitRate      float64 `json:"limit_msgs_per_second"`
	TicketdSeconds float64 `json:"ticketd_seconds"`
	TicketdRate    float64 `json:"ticketd_msgs_per_second"`
	// DrainedSeconds is when the mailbox was empty, every message recorded
	// and moved; the receipts still queued then went out by TicketdSeconds.
	DrainedSeconds float64 `json:"drained_seconds"`
	Ratio          float64 `json:"ratio"`
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
	imapAddr, imapUser, imapPassword, imapSecurity      string
	dir                                                 string
	cpuProfile, memProfile                              string
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
	fs.StringVar(&o.imapAddr, "imap", "", "a real IMAP server (host:port) instead of the in-process one; its INBOX must be empty")
	fs.StringVar(&o.imapUser, "imap-user", "", "user on --imap")
	fs.StringVar(&o.imapPassword, "imap-password", "", "password on --imap (or TICKETD_IMAP_PASSWORD)")
	fs.StringVar(&o.imapSecurity, "imap-security", "none", "tls, starttls or none for --imap")
	fs.StringVar(&o.dir, "dir", "", "directory for the benchmark's database (default: a new temporary one; it must be on a real disk)")
	fs.StringVar(&o.binary, "binary", "", "the ticketd binary --large-mb runs (default: the ticketd beside this program, else in PATH)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the ticketd phase to this file (go tool pprof)")
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
	if o.imapAddr != "" {
		rep.IMAP = o.imapAddr
	}

	// The backlog, twice: once for the bare client, once for ticketd.
	gen := newBenchMail(1, o.attachmentKB)
	backlog := make([][]byte, o.messages)
	answered := 0
	for i := range backlog {
		raw, ok := gen.next()
		backlog[i] = raw
		if ok {
			answered++
		}
	}
	fmt.Fprintf(progress, "bench: %d messages (%d answered), limit phase...\n", o.messages, answered)
	if err := box.appendAll(ctx, backlog); err != nil {
		return nil, err
	}
	runtime.GC() // each phase starts from a collected heap
	took, err := bareDrain(ctx, box.config(), "BenchBare")
	if err != nil {
		return nil, fmt.Errorf("bare client: %w", err)
	}
	rep.LimitSeconds, rep.LimitRate = took.Seconds(), float64(o.messages)/took.Seconds()

	fmt.Fprintf(progress, "bench: ticketd phase...\n")
	if err := box.appendAll(ctx, backlog); err != nil {
		return nil, err
	}
	cfg := benchConfig(box.config(), smtpSink.addr, filepath.Join(dir, "ticketd.db"))
	cfg.IMAP.BatchSize = o.batchSize
	cfg.SMTP.Connections = o.smtpConnections
	d, err := daemon.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var drained time.Time
	d.OnDrained(func() { drained = time.Now() })
	backlog = nil
	runtime.GC()
	base := heapBytes()
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
	}
	peak := startHeapSampler(heapBytes)
	start := time.Now()
	if err := d.RunOnce(ctx); err != nil {
		return nil, fmt.Errorf("ticketd: %w", err)
	}
	if err := smtpSink.waitCount(answered, time.Minute); err != nil {
		return nil, err
	}
	took = time.Since(start)
	rep.DrainedSeconds = drained.Sub(start).Seconds()
	// The in-process IMAP server's mailboxes live in this heap too: count
	// only what ticketd adds above them.
	rep.PeakHeapMB = (peak.stop() - base) / (1 << 20)
	if o.cpuProfile != "" {
		pprof.StopCPUProfile()
	}

	rep.TicketdSeconds, rep.TicketdRate = took.Seconds(), float64(o.messages)/took.Seconds()
	rep.Ratio = rep.TicketdRate / rep.LimitRate
	rep.Emails = answered

	if o.latency > 0 {
		fmt.Fprintf(progress, "bench: latency phase (%d messages to the idling daemon)...\n", o.latency)
		if err := benchLatency(ctx, d, box, smtpSink, gen, o.latency, rep); err != nil {
			return nil, err
		}
	}
	if o.largeMB > 0 {
		fmt.Fprintf(progress, "bench: one %d MB message...\n", o.largeMB)
		if err := benchLarge(ctx, box, smtpSink.addr, dir, o.binary, o.largeMB, rep); err != nil {
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
	fmt.Fprintf(tw, "limit: bare client fetch + move\t%.2f s\t%.0f msg/s\n", r.LimitSeconds, r.LimitRate)
	fmt.Fprintf(tw, "ticketd: run --once, %d receipts accepted\t%.2f s\t%.0f msg/s\n", r.Emails, r.TicketdSeconds, r.TicketdRate)
	fmt.Fprintf(tw, "ticketd: mailbox drained after\t%.2f s\n", r.DrainedSeconds)
	fmt.Fprintf(tw, "ratio ticketd / limit\t%.0f%%\n", r.Ratio*100)
	if r.LatencySamples > 0 {
		fmt.Fprintf(tw, "latency APPEND → receipt (IDLE), %d samples\tp50 %.1f ms\tp99 %.1f ms\n", r.LatencySamples, r.LatencyP50ms, r.LatencyP99ms)
	}
	fmt.Fprintf(tw, "peak heap while draining\t%.1f MB\n", r.PeakHeapMB)
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
