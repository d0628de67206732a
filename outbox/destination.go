package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"sync"

	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/store"
)

// Destination delivers queued items of the kinds it handles.
type Destination interface {
	// Deliver sends items and returns one error per item (nil: delivered).
	// It calls accepted(i) as soon as item i is delivered, from any
	// goroutine, so that the acceptance is recorded before a crash could
	// send it again. A cancelled ctx aborts what is still in flight.
	Deliver(ctx context.Context, items []store.OutboxItem, accepted func(i int)) []error
	// Permanent reports whether err, returned by Deliver, means the item
	// can never be delivered: it is not retried.
	Permanent(err error) bool
	// Unavailable reports whether err, returned by Deliver, is about the
	// destination rather than the item: it could not be reached, refused
	// the connection or the login, or refused the session. The worker then
	// defers the whole destination, not the item alone.
	Unavailable(err error) bool
	// Refused reports whether an Unavailable err is the destination
	// refusing us (a login, a session), a fault of the configuration,
	// rather than an outage that passes by itself.
	Refused(err error) bool
}

// ErrUndecodable is returned (wrapped) for an item whose payload cannot
// be decoded: it is dropped, not retried.
var ErrUndecodable = errors.New("outbox: undecodable payload")

// minPerConnection is the fewest emails worth an SMTP connection of their
// own: a handful of emails go over one connection, a backlog over
// Connections at once.
const minPerConnection = 10

// SMTP delivers emails (receipts, rejections, acknowledgements) whose
// payload is a JSON receipt.Email, over up to Connections SMTP sessions at
// once.
type SMTP struct {
	Sender      *receipt.Sender
	Connections int
	// Metrics counts connection failures; nil counts nothing.
	Metrics *metrics.Metrics
}

// Deliver implements Destination.
func (s *SMTP) Deliver(ctx context.Context, items []store.OutboxItem, accepted func(i int)) []error {
	errs := make([]error, len(items))
	emails := make([]*receipt.Email, 0, len(items))
	index := make([]int, 0, len(items)) // emails[k] is items[index[k]]
	for i, it := range items {
		var e receipt.Email
		if err := json.Unmarshal(it.Payload, &e); err != nil {
			errs[i] = fmt.Errorf("%w: %w", ErrUndecodable, err)
			continue
		}
		emails = append(emails, &e)
		index = append(index, i)
	}
	// Over several connections at once when there are enough emails:
	// each SMTP session waits on round trips, not on the CPU.
	var sessions sync.WaitGroup
	for lo, hi := range connectionShares(len(emails), s.Connections) {
		sessions.Go(func() {
			part := s.Sender.SendNotify(ctx, emails[lo:hi], func(k int) { accepted(index[lo+k]) })
			for k, err := range part {
				errs[index[lo+k]] = err
			}
		})
	}
	sessions.Wait()
	for _, err := range errs {
		if errors.Is(err, receipt.ErrConnect) {
			s.Metrics.SMTPError()
		}
	}
	return errs
}

// Permanent implements Destination: a 5xx answer, an email that cannot be
// built, or a payload that cannot be decoded.
func (s *SMTP) Permanent(err error) bool {
	return errors.Is(err, ErrUndecodable) || receipt.Permanent(err)
}

// Unavailable implements Destination: the server could not be reached or
// the session could not be set up (dial, TLS, greeting, EHLO, AUTH).
func (s *SMTP) Unavailable(err error) bool {
	return errors.Is(err, receipt.ErrConnect) || errors.Is(err, receipt.ErrSessionRefused)
}

// Refused implements Destination: a 5xx answer while setting up the
// session, or receipt.ErrSessionRefused.
func (s *SMTP) Refused(err error) bool { return receipt.Refused(err) }

// connectionShares splits n emails into consecutive [lo, hi) shares, one
// per SMTP connection: at most conns of them, none (but a lone one) smaller
// than minPerConnection.
func connectionShares(n, conns int) iter.Seq2[int, int] {
	per := max((n+conns-1)/max(conns, 1), minPerConnection)
	return func(yield func(int, int) bool) {
		for lo := 0; lo < n; lo += per {
			if !yield(lo, min(lo+per, n)) {
				return
			}
		}
	}
}
