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
// command, recorded in one transaction (one fsync) and moved with one
// command.
const batchBytes = 16 << 20

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
		var commits committer
		for chunk := range slices.Chunk(uids, w.o.BatchSize) {
			if ctx.Err() != nil {
				break
			}
			w.o.Live.Extend(w.o.Now(), lifecycle.Grace+2*w.o.Mailbox.CommandTimeout)
			if err := w.processChunk(ctx, c, chunk, failed, &commits); err != nil {
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

// processChunk takes in up to BatchSize messages: sizes first (the
// oversized go to quarantine without being downloaded), then batches of
// bodies of at most batchBytes, each taken in by takeIn. Work in hand is
// not cut short by ctx: on shutdown the batches in hand finish (within
// lifecycle.Grace). An IMAP failure ends the session (*sessionError).
func (w *Worker) processChunk(ctx context.Context, c *mailbox.Client, uids []imap.UID, failed *uidSet, commits *committer) error {
	work, cancel := lifecycle.InHand(ctx, lifecycle.Grace, lifecycle.WorkLimit)
	defer cancel()
	sizes, err := c.Sizes(work, uids)
	if err != nil {
		return &sessionError{fmt.Errorf("fetch sizes: %w", err)}
	}
	var batch []imap.UID
	var bytes int64
	for _, s := range sizes {
		if ctx.Err() != nil {
			return nil // shutting down: the batches in hand finish, no new one starts
		}
		if s.Size > w.o.MaxMessageBytes {
			w.o.Metrics.MessageFetched()
			if err := w.quarantine(work, c, s.UID, ReasonTooLarge, "", fmt.Sprintf("message of %d bytes, larger than imap.max_message_bytes (%d)", s.Size, w.o.MaxMessageBytes)); err != nil {
				return err
			}
			continue
		}
		if len(batch) > 0 && bytes+s.Size > batchBytes {
			if err := w.takeIn(ctx, work, c, batch, failed, commits); err != nil {
				return err
			}
			batch, bytes = nil, 0
		}
		batch = append(batch, s.UID)
		bytes += s.Size
	}
	if len(batch) > 0 && ctx.Err() == nil {
		return w.takeIn(ctx, work, c, batch, failed, commits)
	}
	return nil
}

// takeIn is the way of one batch of messages through the daemon, top to
// bottom: fetch the bodies with one command, judging each message as soon
// as it has arrived; then, in the background while the next batch
// downloads (one commit at a time, in order), commit the new messages to
// the store in one transaction, move them to the processed folder with one
// command, record the possible follow-ups one by one, quarantine what
// cannot be parsed, report, and kick the outbox.
//
// A message that fails for a reason of its own is added to failed and
// left in the mailbox for a later session; an IMAP failure ends the
// session (*sessionError).
func (w *Worker) takeIn(ctx, work context.Context, c *mailbox.Client, uids []imap.UID, failed *uidSet, commits *committer) error {
	if err := w.storeFailing(); err != nil {
		return err // fetch nothing while the store cannot record it
	}

	// Fetch and judge.
	fetched, preps, err := w.fetchAndJudge(work, c, uids, failed)
	if err != nil {
		return err
	}

	return commits.start(func() error {
		// The batch in hand is finished even on shutdown.
		ctx, cancel := lifecycle.InHand(ctx, lifecycle.Grace, lifecycle.WorkLimit)
		defer cancel()
		reg := w.o.Registrar

		// Sort: unparsable mail goes to quarantine, possible follow-ups
		// need a transaction each, the rest shares one.
		group := reg.NewGroup()
		var grouped, alone, unparsable []int
		for i, p := range preps {
			switch {
			case p.ParseErr != nil:
				unparsable = append(unparsable, i)
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
		}()
		report := func(i int, out *registration.Outcome, commit time.Duration) {
			own := preps[i].Took + commit
			out.Log(w.o.Log, uint32(fetched[i].UID), own)
			w.count(out, own)
			queued += out.Queued
		}

		// Commit the group, then move it.
		groupStart := time.Now()
		if outs, err := group.Commit(); err != nil {
			if paused := w.storeFailing(); paused != nil {
				return paused // the whole batch stays in the mailbox
			}
			// One message spoiled the batch: record them one by one, so the
			// others go through.
			w.o.Log.Warn("batch not recorded; recording its messages one by one", "count", group.Len(), "err", err)
			alone = append(alone, grouped...)
			slices.Sort(alone)
		} else if len(grouped) > 0 {
			share := time.Since(groupStart) / time.Duration(len(grouped))
			moved := make([]imap.UID, len(grouped))
			for k, i := range grouped {
				report(i, outs[k], share)
				moved[k] = fetched[i].UID
			}
			if err := c.MoveMany(ctx, moved, w.o.Mailbox.ProcessedMailbox); err != nil {
				return &sessionError{fmt.Errorf("move %d messages to %s: %w", len(moved), w.o.Mailbox.ProcessedMailbox, err)}
			}
		}

		// Quarantine what cannot be parsed.
		for _, i := range unparsable {
			if err := w.quarantine(ctx, c, fetched[i].UID, ReasonUnparseable, preps[i].ParseErr.Key, preps[i].ParseErr.Error()); err != nil {
				return err
			}
		}

		// Commit and move the others one by one.
		for _, i := range alone {
			start := time.Now()
			out, err := reg.RecordPrepared(preps[i])
			if err != nil {
				if paused := w.storeFailing(); paused != nil {
					return paused
				}
				failed.add(fetched[i].UID)
				w.o.Log.Error("message left in the mailbox", "uid", uint32(fetched[i].UID), "err", err)
				continue
			}
			report(i, out, time.Since(start))
			if err := c.MoveTo(ctx, fetched[i].UID, w.o.Mailbox.ProcessedMailbox); err != nil {
				return &sessionError{fmt.Errorf("move uid %d to %s: %w", fetched[i].UID, w.o.Mailbox.ProcessedMailbox, err)}
			}
		}
		return nil
	})
}

// fetchAndJudge downloads the bodies of uids with one command and judges
// them on every core as they arrive. Oversized bodies go to quarantine.
// It returns the messages fetched and their judgements, in the same order.
func (w *Worker) fetchAndJudge(ctx context.Context, c *mailbox.Client, uids []imap.UID, failed *uidSet) ([]*mailbox.Fetched, []*registration.Prepared, error) {
	var fetched []*mailbox.Fetched
	var tooLarge []*mailbox.Fetched // quarantined after the FETCH: no other command may run during it
	// Each message is judged as soon as it has arrived, while the rest of
	// the batch downloads: the batch then costs the longer of the two, not
	// their sum.
	judging := w.startPreparing(ctx, len(uids))
	defer judging.wait()
	err := c.FetchMany(ctx, uids, w.o.MaxMessageBytes, func(f *mailbox.Fetched, err error) error {
		w.o.Metrics.MessageFetched()
		if errors.Is(err, mailbox.ErrTooLarge) {
			tooLarge = append(tooLarge, f)
			return nil
		}
		if err != nil {
			failed.add(f.UID)
			w.o.Log.Warn("message not fetched; left in the mailbox", "uid", uint32(f.UID), "err", err)
			return nil
		}
		fetched = append(fetched, f)
		judging.add(f)
		return nil
	})
	if err != nil {
		return nil, nil, &sessionError{fmt.Errorf("fetch %d messages: %w", len(uids), err)}
	}
	for _, f := range tooLarge {
		if err := w.quarantine(ctx, c, f.UID, ReasonTooLarge, "", fmt.Sprintf("message larger than imap.max_message_bytes (%d)", w.o.MaxMessageBytes)); err != nil {
			return nil, nil, err
		}
	}
	return fetched, judging.wait(), nil
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
