package inbox

import (
	"context"
	"runtime"
	"sync"

	"github.com/emersion/go-imap/v2"

	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/registration"
)

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
	p *registration.Prepared
}

// startPreparing starts one judging goroutine per core; ctx bounds their
// DKIM lookups. expected sizes the
// queue so that add never blocks the download; more adds are fine.
func (w *Worker) startPreparing(ctx context.Context, expected int) *preparer {
	pr := &preparer{jobs: make(chan *preparing, expected)}
	for range runtime.GOMAXPROCS(0) {
		pr.wg.Go(func() {
			for job := range pr.jobs {
				job.p = w.o.Registrar.Prepare(ctx, job.f.Raw, job.f.InternalDate)
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
func (pr *preparer) wait() []*registration.Prepared {
	if pr.done {
		return nil
	}
	pr.done = true
	close(pr.jobs)
	pr.wg.Wait()
	preps := make([]*registration.Prepared, len(pr.slots))
	for i, job := range pr.slots {
		preps[i] = job.p
	}
	return preps
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
