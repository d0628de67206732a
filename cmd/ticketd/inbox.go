package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/ticketd/ticketd/internal/retry"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// inboxWorker keeps one IMAP session alive until ctx ends: connect, drain
// the mailbox, wait for changes (IDLE or polling), and reconnect with a
// capped exponential backoff when anything fails.
func (d *daemon) inboxWorker(ctx context.Context) {
	attempt := 0
	for ctx.Err() == nil {
		err := d.session(ctx, &attempt)
		d.health.SetMailboxConnected(false)
		if ctx.Err() != nil {
			return
		}
		d.metrics.IMAPError()
		d.metrics.Reconnect()
		wait := retry.Backoff(attempt, d.cfg.IMAP.ReconnectMin, d.cfg.IMAP.ReconnectMax)
		attempt++
		d.live.extend(d.now(), wait+d.cfg.IMAP.DialTimeout+d.cfg.IMAP.CommandTimeout)
		d.log.Warn("imap session ended; reconnecting", "err", err, "attempt", attempt, "backoff", wait.String())
		if retry.Sleep(ctx, wait) != nil {
			return
		}
	}
}

// session runs one connection: it resets attempt once logged in, so the
// backoff starts again from its minimum after a successful connection.
func (d *daemon) session(ctx context.Context, attempt *int) error {
	c, err := dialMailbox(ctx, imapConfig(d.cfg, d.log), d.imapTokens)
	d.checkAuth(err)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer c.Close()
	*attempt = 0
	d.health.SetMailboxConnected(true)
	d.ready.Do(func() { d.sdNotify("READY=1") })
	if v := c.UIDValidity(); d.uidValidity != 0 && v != d.uidValidity {
		// ticketd keeps no UIDs across sessions (the mailbox and the
		// Message-ID de-duplication decide), so a new UIDVALIDITY only
		// means every message is looked at again, harmlessly.
		d.log.Warn("imap UIDVALIDITY changed: the mailbox was recreated or restored", "old", d.uidValidity, "new", v)
	}
	d.uidValidity = c.UIDValidity()
	for {
		if err := d.drain(ctx, c); err != nil {
			return err
		}
		d.metrics.PollSucceeded(d.now())
		// Even under IDLE, look again at least every poll_interval: a
		// server that loses a notification delays mail by that much only.
		wait := min(d.cfg.IMAP.IdleTimeout, d.cfg.IMAP.PollInterval)
		d.live.extend(d.now(), wait+d.cfg.IMAP.CommandTimeout)
		if err := c.WaitForChange(ctx, d.cfg.IMAP.PollInterval, wait); err != nil {
			return fmt.Errorf("wait for new mail: %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// batchBytes bounds a batch: at most imap.batch_size messages and this many
// bytes (one large message alone may exceed it) are fetched with one
// command, recorded in one transaction (one fsync) and moved with one
// command.
const batchBytes = 16 << 20

// drain processes every message in the selected mailbox, oldest first,
// until a listing finds none left. Messages are found by UID SEARCH, never
// by \Seen: someone reading the support mailbox must not hide mail.
func (d *daemon) drain(ctx context.Context, c *mailbox.Client) error {
	failed := &uidSet{}
	var previous []imap.UID
	for ctx.Err() == nil {
		d.live.extend(d.now(), d.cfg.IMAP.CommandTimeout)
		all, err := c.UIDs(ctx)
		if err != nil {
			return fmt.Errorf("list messages: %w", err)
		}
		var uids []imap.UID
		for _, uid := range all {
			if !failed.has(uid) {
				uids = append(uids, uid)
			}
		}
		if len(uids) == 0 || slices.Equal(uids, previous) {
			// Nothing left, or nothing moved since the last listing (a
			// server that hides a message's body, say): wait for news
			// rather than spin.
			return nil
		}
		previous = uids
		var commits committer
		for chunk := range slices.Chunk(uids, d.cfg.IMAP.BatchSize) {
			if ctx.Err() != nil {
				break
			}
			d.live.extend(d.now(), shutdownGrace+2*d.cfg.IMAP.CommandTimeout)
			if err := d.processChunk(ctx, c, chunk, failed, &commits); err != nil {
				_ = commits.wait()
				return err
			}
		}
		if err := commits.wait(); err != nil {
			return err
		}
	}
	return nil
}

// committer runs the commit of one batch in the background while the next
// batch is fetched and judged: one commit at a time, in order.
type committer struct {
	inflight chan error
}

// wait waits for the commit in flight, if any, and returns its error.
func (c *committer) wait() error {
	if c.inflight == nil {
		return nil
	}
	err := <-c.inflight
	c.inflight = nil
	return err
}

// start waits for the previous commit, then starts fn.
func (c *committer) start(fn func() error) error {
	if err := c.wait(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- fn() }()
	c.inflight = done
	return nil
}

// uidSet is the messages left in the mailbox after a failure of their own;
// a batch's commit may add to it while the next batch is prepared.
type uidSet struct {
	mu   sync.Mutex
	uids map[imap.UID]bool
}

func (s *uidSet) add(uid imap.UID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.uids == nil {
		s.uids = map[imap.UID]bool{}
	}
	s.uids[uid] = true
}

func (s *uidSet) has(uid imap.UID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uids[uid]
}

// processChunk takes in up to imap.batch_size messages: sizes first (the
// oversized go to quarantine without being downloaded), then batches of
// bodies, each handed to commits once fetched and judged. Work in hand is
// not cut short by ctx: on shutdown the batches in hand finish (within
// shutdownGrace). An IMAP failure ends the session (*sessionError).
func (d *daemon) processChunk(ctx context.Context, c *mailbox.Client, uids []imap.UID, failed *uidSet, commits *committer) error {
	work, cancel := inHand(ctx, shutdownGrace, workLimit)
	defer cancel()
	sizes, err := c.Sizes(work, uids)
	if err != nil {
		return &sessionError{fmt.Errorf("fetch sizes: %w", err)}
	}
	var batch []imap.UID
	var bytes int64
	flush := func() error {
		b, err := d.fetchBatch(work, c, batch, failed)
		batch, bytes = nil, 0
		if err != nil {
			return err
		}
		return commits.start(func() error {
			// The batch in hand is finished even on shutdown.
			cctx, cancel := inHand(ctx, shutdownGrace, workLimit)
			defer cancel()
			return d.commitBatch(cctx, c, b, failed)
		})
	}
	for _, s := range sizes {
		if ctx.Err() != nil {
			return nil // shutting down: the batches in hand finish, no new one starts
		}
		if s.Size > d.cfg.IMAP.MaxMessageBytes {
			d.metrics.MessageFetched()
			if err := d.quarantine(work, c, s.UID, reasonTooLarge, "", fmt.Sprintf("message of %d bytes, larger than imap.max_message_bytes (%d)", s.Size, d.cfg.IMAP.MaxMessageBytes)); err != nil {
				return err
			}
			continue
		}
		if len(batch) > 0 && bytes+s.Size > batchBytes {
			if err := flush(); err != nil {
				return err
			}
		}
		batch = append(batch, s.UID)
		bytes += s.Size
	}
	if len(batch) > 0 && ctx.Err() == nil {
		return flush()
	}
	return nil
}

// fetchedBatch is a batch downloaded and judged, waiting for its commit.
type fetchedBatch struct {
	start   time.Time
	fetched []*mailbox.Fetched
	preps   []*prepared
}

// fetchBatch downloads the bodies of uids with one command and judges
// them on every core. Oversized bodies go to quarantine.
func (d *daemon) fetchBatch(ctx context.Context, c *mailbox.Client, uids []imap.UID, failed *uidSet) (*fetchedBatch, error) {
	b := &fetchedBatch{start: time.Now()}
	var tooLarge []*mailbox.Fetched // quarantined after the FETCH: no other command may run during it
	// Each message is judged as soon as it has arrived, while the rest of
	// the batch downloads: the batch then costs the longer of the two, not
	// their sum.
	judging := d.startPreparing(len(uids))
	defer judging.wait()
	err := c.FetchMany(ctx, uids, d.cfg.IMAP.MaxMessageBytes, func(f *mailbox.Fetched, err error) error {
		d.metrics.MessageFetched()
		if errors.Is(err, mailbox.ErrTooLarge) {
			tooLarge = append(tooLarge, f)
			return nil
		}
		if err != nil {
			failed.add(f.UID)
			d.log.Warn("message not fetched; left in the mailbox", "uid", uint32(f.UID), "err", err)
			return nil
		}
		b.fetched = append(b.fetched, f)
		judging.add(f)
		return nil
	})
	if err != nil {
		return nil, &sessionError{fmt.Errorf("fetch %d messages: %w", len(uids), err)}
	}
	for _, f := range tooLarge {
		if err := d.quarantine(ctx, c, f.UID, reasonTooLarge, "", fmt.Sprintf("message larger than imap.max_message_bytes (%d)", d.cfg.IMAP.MaxMessageBytes)); err != nil {
			return nil, err
		}
	}
	b.preps = judging.wait()
	return b, nil
}

// commitBatch records the new messages of a batch in one transaction and
// moves them to the processed folder with one command, then records one
// by one what needs its own transaction (possible follow-ups) and
// quarantines what cannot be parsed. Only then are they acknowledged in
// the log and the metrics. A message that fails for a reason of its own
// is added to failed and left in place for a later session.
func (d *daemon) commitBatch(ctx context.Context, c *mailbox.Client, b *fetchedBatch, failed *uidSet) error {
	fetched, preps := b.fetched, b.preps
	var (
		group      []*store.Intake
		groupIdx   []int
		verdicts   []rules.Verdict
		alone      []int
		unparsable []int
	)
	for i, p := range preps {
		switch {
		case p.parseErr != nil:
			unparsable = append(unparsable, i)
		case d.ownTransaction(p):
			alone = append(alone, i)
		default:
			in, v, err := d.intake(p)
			if err != nil {
				failed.add(fetched[i].UID)
				d.log.Error("message left in the mailbox", "uid", uint32(fetched[i].UID), "err", err)
				continue
			}
			group = append(group, in)
			groupIdx = append(groupIdx, i)
			verdicts = append(verdicts, v)
		}
	}
	outcomes := make([]*outcome, len(preps))
	if len(group) > 0 {
		results, err := d.db.RecordBatch(group)
		if err != nil {
			// One message spoiled the batch: record them one by one, so the
			// others go through.
			d.log.Warn("batch not recorded; recording its messages one by one", "count", len(group), "err", err)
			alone = append(alone, groupIdx...)
			slices.Sort(alone)
		} else {
			var moved []imap.UID
			for k, i := range groupIdx {
				outcomes[i] = d.outcomeOf(preps[i].j.Msg, verdicts[k], results[k])
				moved = append(moved, fetched[i].UID)
			}
			if err := c.MoveMany(ctx, moved, d.cfg.IMAP.ProcessedMailbox); err != nil {
				return &sessionError{fmt.Errorf("move %d messages to %s: %w", len(moved), d.cfg.IMAP.ProcessedMailbox, err)}
			}
		}
	}
	for _, i := range unparsable {
		if err := d.quarantine(ctx, c, fetched[i].UID, reasonUnparseable, preps[i].parseErr.key, preps[i].parseErr.Error()); err != nil {
			return err
		}
	}
	for _, i := range alone {
		out, err := d.recordPrepared(preps[i])
		if err != nil {
			failed.add(fetched[i].UID)
			d.log.Error("message left in the mailbox", "uid", uint32(fetched[i].UID), "err", err)
			continue
		}
		if err := c.MoveTo(ctx, fetched[i].UID, d.cfg.IMAP.ProcessedMailbox); err != nil {
			return &sessionError{fmt.Errorf("move uid %d to %s: %w", fetched[i].UID, d.cfg.IMAP.ProcessedMailbox, err)}
		}
		outcomes[i] = out
	}
	took := time.Since(b.start)
	queued := 0
	for i, out := range outcomes {
		if out == nil {
			continue
		}
		out.log(d.log, fetched[i].UID, took)
		d.count(out, took/time.Duration(len(fetched)))
		queued += out.queued
	}
	if queued > 0 {
		d.kickOutbox()
	}
	return nil
}

// preparer judges fetched messages on every core as they arrive; wait
// returns the judgements in the order of arrival.
type preparer struct {
	jobs  chan *preparing
	wg    sync.WaitGroup
	slots []*preparing // only the goroutine calling add and wait touches it
	done  bool
}

// preparing is one message being judged.
type preparing struct {
	f *mailbox.Fetched
	p *prepared
}

// startPreparing starts one judging goroutine per core. expected sizes the
// queue so that add never blocks the download; more adds are fine.
func (d *daemon) startPreparing(expected int) *preparer {
	pr := &preparer{jobs: make(chan *preparing, expected)}
	for range runtime.GOMAXPROCS(0) {
		pr.wg.Go(func() {
			for job := range pr.jobs {
				job.p = d.prepare(job.f.Raw, job.f.InternalDate)
			}
		})
	}
	return pr
}

// add queues f to be judged.
func (pr *preparer) add(f *mailbox.Fetched) {
	job := &preparing{f: f}
	pr.slots = append(pr.slots, job)
	pr.jobs <- job
}

// wait waits for every queued message to be judged, stops the goroutines
// and returns the judgements in the order of add. Calling it again returns
// nil.
func (pr *preparer) wait() []*prepared {
	if pr.done {
		return nil
	}
	pr.done = true
	close(pr.jobs)
	pr.wg.Wait()
	preps := make([]*prepared, len(pr.slots))
	for i, job := range pr.slots {
		preps[i] = job.p
	}
	return preps
}

// sessionError is a failure of the IMAP session itself (a command failed
// or the connection dropped): the session is dropped and reconnected. Other
// errors concern one message, which is left in place for a later session.
type sessionError struct{ err error }

func (e *sessionError) Error() string { return e.err.Error() }
func (e *sessionError) Unwrap() error { return e.err }

// count records one processed message in the metrics.
func (d *daemon) count(out *outcome, took time.Duration) {
	m := d.metrics
	m.ProcessingTime(took)
	switch {
	case out.duplicate:
		m.Verdict("duplicate")
	case out.verdict == "follow_up":
		m.Verdict("follow_up")
		m.FollowUp()
	default:
		m.Verdict(out.verdict)
	}
	for _, f := range out.findings {
		m.Finding(f.Rule)
	}
	if out.createdFor != "" {
		m.TicketCreated(out.createdFor)
	}
	for range out.suppressed {
		m.EmailSuppressed()
	}
}
