package intake

import (
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"time"
)

// budget enforces Limits for one Parse call. It remembers the first limit
// that tripped, because go-message flattens the errors of the readers it
// wraps with %v and the sentinel would otherwise be lost.
type budget struct {
	ctx      context.Context
	limits   Limits
	deadline time.Time
	err      error // first fatal error, sticky

	parts    int   // MIME entities seen
	decoded  int64 // decoded bytes of all leaf parts
	textHeld int64 // text bytes buffered so far (plain and HTML)
}

// textHoldFactor bounds the text buffered for one message (all text parts,
// HTML included) to this many times Limits.MaxTextBytes.
const textHoldFactor = 8

// htmlReadFactor bounds the HTML read from one part to this many times
// Limits.MaxTextBytes: markup is several times larger than its text.
const htmlReadFactor = 4

func newBudget(ctx context.Context, limits Limits) *budget {
	return &budget{ctx: ctx, limits: limits, deadline: time.Now().Add(limits.MaxDuration)}
}

// fail records err as the reason parsing stops, unless an earlier one is
// already recorded, and returns the recorded reason.
func (b *budget) fail(err error) error {
	if b.err == nil {
		b.err = err
	}
	return b.err
}

// check returns the recorded failure, or a new one when the context is done
// or the time limit has passed.
func (b *budget) check() error {
	if b.err != nil {
		return b.err
	}
	if err := b.ctx.Err(); err != nil {
		return b.fail(fmt.Errorf("intake: parsing stopped: %w", err))
	}
	if time.Now().After(b.deadline) {
		return b.fail(fmt.Errorf("intake: parsing took longer than %s: %w", b.limits.MaxDuration, ErrTimeout))
	}
	return nil
}

// enterPart counts one more MIME entity at the given nesting depth.
func (b *budget) enterPart(depth int) error {
	if err := b.check(); err != nil {
		return err
	}
	if depth > b.limits.MaxDepth {
		return b.fail(fmt.Errorf("intake: MIME nesting deeper than %d: %w", b.limits.MaxDepth, ErrTooDeep))
	}
	b.parts++
	if b.parts > b.limits.MaxParts {
		return b.fail(fmt.Errorf("intake: more than %d MIME parts: %w", b.limits.MaxParts, ErrTooManyParts))
	}
	return nil
}

// rawReader reads the raw message once: it hashes (until hash is set to
// nil) and counts every byte, refuses to go past Limits.MaxMessageBytes and
// checks the deadline.
type rawReader struct {
	r    io.Reader
	b    *budget
	hash hash.Hash
	n    int64
}

func newRawReader(r io.Reader, b *budget) *rawReader {
	return &rawReader{r: r, b: b, hash: sha256.New()}
}

func (r *rawReader) Read(p []byte) (int, error) {
	if err := r.b.check(); err != nil {
		return 0, err
	}
	// Never ask for more than one byte past the limit.
	if room := r.b.limits.MaxMessageBytes + 1 - r.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := r.r.Read(p)
	if r.hash != nil {
		r.hash.Write(p[:n])
	}
	r.n += int64(n)
	if r.n > r.b.limits.MaxMessageBytes {
		return 0, r.b.fail(fmt.Errorf("intake: raw message larger than %d bytes: %w", r.b.limits.MaxMessageBytes, ErrTooLarge))
	}
	if err != nil && err != io.EOF {
		return n, r.b.fail(fmt.Errorf("intake: reading message: %w", err))
	}
	return n, err
}

// decodedReader counts the decoded bytes of one leaf part against
// Limits.MaxDecodedBytes and checks the deadline while the part is copied.
type decodedReader struct {
	r io.Reader
	b *budget
}

func (d *decodedReader) Read(p []byte) (int, error) {
	if err := d.b.check(); err != nil {
		return 0, err
	}
	n, err := d.r.Read(p)
	d.b.decoded += int64(n)
	if d.b.decoded > d.b.limits.MaxDecodedBytes {
		return 0, d.b.fail(fmt.Errorf("intake: decoded parts larger than %d bytes: %w", d.b.limits.MaxDecodedBytes, ErrDecodedTooLarge))
	}
	return n, err
}
