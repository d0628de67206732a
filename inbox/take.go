package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/ticketd/ticketd/internal/lifecycle"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/registration"
)

// batchBytes bounds a batch: at most BatchSize messages and this many
// bytes (one large message alone may exceed it) are fetched with one
// command and recorded in one transaction (one fsync).
const batchBytes = 16 << 20

// sizesWindow is how many listed UIDs one FETCH (RFC822.SIZE) asks about:
// the batches are planned from it, so a backlog costs one such round trip
// per sizesWindow messages, not one per batch.
const sizesWindow = 1024

// drain processes every message in the selected mailbox, oldest first,
// until a listing finds none left. Messages are found by UID SEARCH, never
// by \Seen: someone reading the support mailbox must not hide mail.
func (w *Worker) drain(ctx context.Context, c *mailbox.Client) error {
	failed := &uidSet{}
	var previous []imap.UID
	for ctx.Err() == nil {
		w.o.Live.Extend(w.o.Now(), w.o.Mailbox.CommandTimeout)
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
		if err := w.takeAll(ctx, c, uids, failed); err != nil {
			return err
		}
	}
	return nil
}

// takeAll takes in the listed messages, top to bottom: sizes a window at a
// time (the oversized go to quarantine without being downloaded), then
// batches of at most BatchSize messages and batchBytes, each fetched with
// one command and judged as it arrives (fetchAndJudge); the commit stage
// records each batch in one transaction in the background, in order,
// while the next ones download; the committed messages are moved to the
// processed folder, never before their commit, with one command for all
// that are ready (see pipeline.go). Work in hand is not cut short by ctx:
// on shutdown the batches in hand finish (within lifecycle.Grace) and no
// new one starts. An IMAP failure ends the session (*sessionError).
func (w *Worker) takeAll(ctx context.Context, c *mailbox.Client, uids []imap.UID, failed *uidSet) error {
	p := w.startPipeline(ctx, c, failed)
	err := w.planBatches(ctx, c, uids, p)
	return p.finish(err)
}

// planBatches asks the sizes of uids a window at a time and hands the
// batches to p.
func (w *Worker) planBatches(ctx context.Context, c *mailbox.Client, uids []imap.UID, p *pipeline) error {
	var batch []imap.UID
	var bytes int64
	for window := range slices.Chunk(uids, sizesWindow) {
		if ctx.Err() != nil || p.stopped() {
			return nil // shutting down, or the stage failed: no new batch starts
		}
		w.o.Live.Extend(w.o.Now(), w.o.Mailbox.CommandTimeout)
		work, cancel := lifecycle.InHand(ctx, lifecycle.Grace, lifecycle.WorkLimit)
		sizes, err := c.Sizes(work, window)
		cancel()
		if err != nil {
			return &sessionError{fmt.Errorf("fetch sizes: %w", err)}
		}
		for _, s := range sizes {
			if ctx.Err() != nil || p.stopped() {
				return nil
			}
			if s.Size > w.o.MaxMessageBytes {
				w.o.Metrics.MessageFetched()
				if err := p.quarantine(s.UID, ReasonTooLarge, "", fmt.Sprintf("message of %d bytes, larger than imap.max_message_bytes (%d)", s.Size, w.o.MaxMessageBytes)); err != nil {
					return err
				}
				continue
			}
			if len(batch) > 0 && (len(batch) >= w.o.BatchSize || bytes+s.Size > batchBytes) {
				if err := p.take(batch); err != nil {
					return err
				}
				batch, bytes = nil, 0
			}
			batch = append(batch, s.UID)
			bytes += s.Size
		}
	}
	if len(batch) > 0 && ctx.Err() == nil && !p.stopped() {
		return p.take(batch)
	}
	return nil
}

// commitBatch is the commit stage's work on one batch, top to bottom: wait
// for its judgements, commit the new messages to the store in one
// transaction, record the possible follow-ups one by one, report, and kick
// the outbox. It touches no IMAP connection: it returns what is to be
// moved to the processed folder and what to quarantine.
//
// A message that fails for a reason of its own is added to failed and
// left in the mailbox for a later session.
func (w *Worker) commitBatch(b *fetchedBatch, failed *uidSet) batchResult {
	preps := b.judging.wait()
	fetched := b.fetched
	var res batchResult
	reg := w.o.Registrar

	// Sort: unparsable mail goes to quarantine, possible follow-ups
	// need a transaction each, the rest shares one.
	group := reg.NewGroup()
	var grouped, alone []int
	for i, p := range preps {
		switch {
		case p.ParseErr != nil:
			res.quarantine = append(res.quarantine, quarantineItem{uid: fetched[i].UID, keyword: ReasonUnparseable, key: p.ParseErr.Key, reason: p.ParseErr.Error()})
		case reg.OwnTransaction(p):
			alone = append(alone, i)
		default:
			if err := group.Add(p); err != nil {
				failed.add(fetched[i].UID)
				w.o.Log.Error("message left in the mailbox", "uid", uint32(fetched[i].UID), "err", err)
				continue
			}
			grouped = append(grouped, i)
		}
	}

	// Each recorded message is reported (logged and counted in the
	// metrics) with its own time (judging it, then its commit or its
	// share of the group's) as soon as it is committed, before it is
	// moved: a failed MOVE ends the session but the verdicts stand and
	// are counted. The outbox is kicked on the way out, whatever happens.
	queued := 0
	defer func() {
		if queued > 0 {
			w.o.Outbox.Kick()
		}
		if len(res.processed) > 0 && w.o.Changed != nil {
			w.o.Changed()
		}
	}()
	report := func(i int, out *registration.Outcome, commit time.Duration) {
		own := preps[i].Took + commit
		out.Log(w.o.Log, uint32(fetched[i].UID), own)
		w.count(out, own)
		queued += out.Queued
		res.processed = append(res.processed, fetched[i].UID)
	}

	// Commit the group.
	groupStart := time.Now()
	if outs, err := group.Commit(); err != nil {
		if paused := w.storeFailing(); paused != nil {
			res.err = paused // the whole batch stays in the mailbox
			return res
		}
		// One message spoiled the batch: record them one by one, so the
		// others go through.
		w.o.Log.Warn("batch not recorded; recording its messages one by one", "count", group.Len(), "err", err)
		alone = append(alone, grouped...)
		slices.Sort(alone)
	} else if len(grouped) > 0 {
		share := time.Since(groupStart) / time.Duration(len(grouped))
		for k, i := range grouped {
			report(i, outs[k], share)
		}
	}

	// Commit the others one by one.
	for _, i := range alone {
		start := time.Now()
		out, err := reg.RecordPrepared(preps[i])
		if err != nil {
			if paused := w.storeFailing(); paused != nil {
				res.err = paused
				return res
			}
			failed.add(fetched[i].UID)
			w.o.Log.Error("message left in the mailbox", "uid", uint32(fetched[i].UID), "err", err)
			continue
		}
		report(i, out, time.Since(start))
	}
	return res
}

// fetchAndJudge downloads the bodies of uids with one command and queues
// them to j as they arrive: the batch it returns is
// still being judged (its judging.wait gives the judgements, in the order
// of its fetched messages). It also returns the UIDs whose bodies turned
// out larger than imap.max_message_bytes, for quarantine.
func (w *Worker) fetchAndJudge(ctx context.Context, c *mailbox.Client, uids []imap.UID, failed *uidSet, j *judges) (*fetchedBatch, []imap.UID, error) {
	b := &fetchedBatch{}
	var tooLarge []imap.UID // quarantined after the FETCH: no other command may run during it
	// Each message is judged as soon as it has arrived, while the rest of
	// the batch downloads and while the next batches do.
	b.judging = &preparer{judges: j, ctx: ctx}
	err := c.FetchMany(ctx, uids, w.o.MaxMessageBytes, func(f *mailbox.Fetched, err error) error {
		w.o.Metrics.MessageFetched()
		if errors.Is(err, mailbox.ErrTooLarge) {
			tooLarge = append(tooLarge, f.UID)
			return nil
		}
		if err != nil {
			failed.add(f.UID)
			w.o.Log.Warn("message not fetched; left in the mailbox", "uid", uint32(f.UID), "err", err)
			return nil
		}
		b.fetched = append(b.fetched, f)
		b.judging.add(f)
		return nil
	})
	if err != nil {
		b.judging.wait()
		return nil, nil, &sessionError{fmt.Errorf("fetch %d messages: %w", len(uids), err)}
	}
	return b, tooLarge, nil
}

// sessionError is a failure of the IMAP session itself (a command failed
// or the connection dropped): the session is dropped and reconnected. Other
// errors concern one message, which is left in place for a later session.
type sessionError struct{ err error }

func (e *sessionError) Error() string { return e.err.Error() }
func (e *sessionError) Unwrap() error { return e.err }

// count records one processed message in the metrics.
func (w *Worker) count(out *registration.Outcome, took time.Duration) {
	m := w.o.Metrics
	m.ProcessingTime(took)
	switch {
	case out.Duplicate:
		m.Verdict("duplicate")
	case out.Verdict == "follow_up":
		m.Verdict("follow_up")
		m.FollowUp()
	default:
		m.Verdict(out.Verdict)
	}
	for _, f := range out.Findings {
		m.Finding(f.Rule)
	}
	if out.CreatedFor != "" {
		m.TicketCreated(out.CreatedFor)
	}
	for range out.Suppressed {
		m.EmailSuppressed()
	}
}
