package inbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/emersion/go-imap/v2"

	"github.com/ticketd/ticketd/internal/lifecycle"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/registration"
)

// judges is one judging goroutine per core for a whole listing: every
// batch's messages queue to the same goroutines, in the order they
// arrive, so the batch the commit stage waits for is judged before the
// ones downloaded after it.
type judges struct {
	jobs chan *preparing
	wg   sync.WaitGroup
}

// startJudges starts the judging goroutines; queue is how many messages
// may wait for one before add blocks the download.
func (w *Worker) startJudges(queue int) *judges {
	j := &judges{jobs: make(chan *preparing, queue)}
	for range runtime.GOMAXPROCS(0) {
		j.wg.Go(func() {
			for job := range j.jobs {
				job.p = w.o.Registrar.Prepare(job.ctx, job.f.Raw, job.f.InternalDate)
				job.done.Done()
			}
		})
	}
	return j
}

// stop ends the judging goroutines once every queued message is judged.
func (j *judges) stop() {
	close(j.jobs)
	j.wg.Wait()
}

// preparer is one batch's messages being judged by judges; wait returns
// the judgements in the order of arrival.
type preparer struct {
	judges  *judges
	ctx     context.Context // bounds the batch's DKIM lookups
	pending sync.WaitGroup
	slots   []*preparing // only the goroutine calling add and wait touches it
	done    bool
}

// preparing is one message being judged.
type preparing struct {
	ctx  context.Context
	f    *mailbox.Fetched
	p    *registration.Prepared
	done *sync.WaitGroup // its batch's pending
}

// add queues f to be judged.
func (pr *preparer) add(f *mailbox.Fetched) {
	job := &preparing{ctx: pr.ctx, f: f, done: &pr.pending}
	pr.pending.Add(1)
	pr.slots = append(pr.slots, job)
	pr.judges.jobs <- job
}

// wait waits for every queued message of the batch to be judged and
// returns the judgements in the order of add. Calling it again returns
// nil.
func (pr *preparer) wait() []*registration.Prepared {
	if pr.done {
		return nil
	}
	pr.done = true
	pr.pending.Wait()
	preps := make([]*registration.Prepared, len(pr.slots))
	for i, job := range pr.slots {
		preps[i] = job.p
	}
	return preps
}

// batchesInMemory bounds the batches downloaded and not yet committed,
// the one downloading included: the commit stage records one while the
// next waits, judged or being judged, and a third downloads, so that the
// IMAP connection does not wait for the disk nor the disk for the
// connection. At most batchesInMemory x batchBytes of mail is held (one
// large message alone may exceed it).
const batchesInMemory = 3

// fetchedBatch is a batch downloaded and being judged.
type fetchedBatch struct {
	fetched []*mailbox.Fetched
	judging *preparer
	// cancel ends the batch's work context (its judging's DKIM lookups),
	// once it is committed.
	cancel context.CancelFunc
}

// quarantineItem is a message the commit stage could not take in.
type quarantineItem struct {
	uid                  imap.UID
	keyword, key, reason string
}

// batchResult is what the commit stage did with one batch.
type batchResult struct {
	processed  []imap.UID // committed: to move to the processed folder
	quarantine []quarantineItem
	err        error // errStorePaused: the batch stays in the mailbox
}

// pipeline takes in the batches of one listing. The goroutine that calls
// take and finish owns the IMAP connection: it fetches, moves and
// quarantines. The commit stage, a goroutine the pipeline owns from
// startPipeline to finish, judges nothing and touches no connection: it
// waits for each batch's judgements and commits them, one batch at a time,
// in order (a follow-up finds the ticket of an earlier batch). Committed
// messages are moved once a batch's worth is ready, with one UID MOVE for
// them all, and never before their commit.
type pipeline struct {
	w      *Worker
	ctx    context.Context
	c      *mailbox.Client
	failed *uidSet

	judges   *judges
	in       chan *fetchedBatch
	out      chan batchResult
	inflight int        // batches handed to the stage whose result is not read yet
	toMove   []imap.UID // committed, not moved yet
	err      error      // the stage's first failure: no new batch starts
}

// startPipeline starts the judging goroutines and the commit stage.
func (w *Worker) startPipeline(ctx context.Context, c *mailbox.Client, failed *uidSet) *pipeline {
	p := &pipeline{
		w: w, ctx: ctx, c: c, failed: failed,
		judges: w.startJudges(batchesInMemory * max(w.o.BatchSize, 1)),
		in:     make(chan *fetchedBatch, batchesInMemory-1),
		out:    make(chan batchResult, batchesInMemory),
	}
	go func() {
		defer close(p.out)
		paused := false
		for b := range p.in {
			var r batchResult
			if paused {
				// Store writes fail: the batch stays in the mailbox.
				b.judging.wait()
			} else {
				r = w.commitBatch(b, failed)
				paused = r.err != nil
			}
			b.cancel()
			p.out <- r
		}
	}()
	return p
}

// stopped reports whether the commit stage failed: no new batch starts.
func (p *pipeline) stopped() bool { return p.err != nil }

// take fetches the batch uids, starts judging it and hands it to the
// commit stage, once fewer than batchesInMemory batches are in memory;
// then it quarantines the bodies found too large and moves what has been
// committed meanwhile.
func (p *pipeline) take(uids []imap.UID) error {
	w := p.w
	for p.inflight >= batchesInMemory-1 {
		if err := p.handle(<-p.out); err != nil {
			return err
		}
	}
	if p.stopped() {
		return nil
	}
	if err := w.storeFailing(); err != nil {
		p.err = err // fetch nothing while the store cannot record it
		return nil
	}
	w.o.Live.Extend(w.o.Now(), lifecycle.Grace+2*w.o.Mailbox.CommandTimeout)
	// The batch in hand is finished even on shutdown.
	work, cancel := lifecycle.InHand(p.ctx, lifecycle.Grace, lifecycle.WorkLimit)
	b, tooLarge, err := w.fetchAndJudge(work, p.c, uids, p.failed, p.judges)
	if err != nil {
		cancel()
		return err
	}
	b.cancel = cancel
	p.in <- b
	p.inflight++
	for _, uid := range tooLarge {
		if err := p.quarantine(uid, ReasonTooLarge, "", fmt.Sprintf("message larger than imap.max_message_bytes (%d)", w.o.MaxMessageBytes)); err != nil {
			return err
		}
	}
	if err := p.handleReady(); err != nil {
		return err
	}
	if len(p.toMove) >= w.o.BatchSize {
		return p.move()
	}
	return nil
}

// handleReady handles the results the commit stage has ready, without
// waiting for more.
func (p *pipeline) handleReady() error {
	for p.inflight > 0 {
		select {
		case r := <-p.out:
			if err := p.handle(r); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

// handle takes one result of the commit stage: its committed messages wait
// to be moved, its unparsable ones are quarantined now.
func (p *pipeline) handle(r batchResult) error {
	for _, q := range p.accept(r) {
		if err := p.quarantine(q.uid, q.keyword, q.key, q.reason); err != nil {
			return err
		}
	}
	return nil
}

// accept counts one result of the commit stage in: its failure, and its
// committed messages, which wait to be moved. It returns the messages to
// quarantine.
func (p *pipeline) accept(r batchResult) []quarantineItem {
	p.inflight--
	if r.err != nil && p.err == nil {
		p.err = r.err
	}
	p.toMove = append(p.toMove, r.processed...)
	return r.quarantine
}

// move moves every committed message not moved yet with one command.
func (p *pipeline) move() error {
	if len(p.toMove) == 0 {
		return nil
	}
	w := p.w
	work, cancel := lifecycle.InHand(p.ctx, lifecycle.Grace, lifecycle.WorkLimit)
	defer cancel()
	uids := p.toMove
	p.toMove = nil
	if err := p.c.MoveMany(work, uids, w.o.Mailbox.ProcessedMailbox); err != nil {
		return &sessionError{fmt.Errorf("move %d messages to %s: %w", len(uids), w.o.Mailbox.ProcessedMailbox, err)}
	}
	return nil
}

func (p *pipeline) quarantine(uid imap.UID, keyword, key, reason string) error {
	work, cancel := lifecycle.InHand(p.ctx, lifecycle.Grace, lifecycle.WorkLimit)
	defer cancel()
	return p.w.quarantine(work, p.c, uid, keyword, key, reason)
}

// finish lets the commit stage record the batches in hand, moves what it
// committed (unless the connection failed: err is a *sessionError) and
// stops the stage and the judging goroutines. It returns err, else the stage's failure, else the
// move's.
func (p *pipeline) finish(err error) error {
	close(p.in)
	var sessionErr *sessionError
	imapOK := !errors.As(err, &sessionErr)
	for r := range p.out {
		for _, q := range p.accept(r) {
			if !imapOK {
				break
			}
			if qerr := p.quarantine(q.uid, q.keyword, q.key, q.reason); qerr != nil {
				imapOK = false
				err = cmp.Or(err, qerr)
			}
		}
	}
	p.judges.stop() // the stage has waited for every batch's judgements
	if imapOK {
		if merr := p.move(); merr != nil {
			err = cmp.Or(err, merr)
		}
	}
	return cmp.Or(err, p.err)
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
