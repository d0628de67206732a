package intake

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// errHeaderLimit stops a header read at Limits.MaxHeaderBytes.
var errHeaderLimit = errors.New("header limit reached")

// headerLimitReader lets at most n bytes through while a header is read;
// hit records that the header needed more.
type headerLimitReader struct {
	r   io.Reader
	n   int64
	hit bool
}

func (l *headerLimitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		l.hit = true
		return 0, errHeaderLimit
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// readMessage reads the header of a message (the whole input, or a
// forwarded message/rfc822 part) and returns the entity whose body is the
// rest of r, with go-message's unknown charset/encoding error if any.
//
// It is more forgiving than message.Read: an mbox "From " line in front is
// skipped, and a header that runs into the body without a blank line keeps
// the fields read so far (the offending line is lost; a defect notes it).
func (w *walker) readMessage(r io.Reader, what string) (*message.Entity, error, error) {
	lr := &headerLimitReader{r: r, n: int64(w.b.limits.MaxHeaderBytes)}
	br := bufio.NewReader(lr)
	if start, _ := br.Peek(5); string(start) == "From " {
		if _, err := br.ReadSlice('\n'); err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, nil, w.headerErr(lr, what, err)
		}
	}
	h, err := textproto.ReadHeader(br)
	lr.n = math.MaxInt64
	if err != nil {
		switch {
		case errors.Is(err, io.EOF) && h.Len() > 0:
			// A header and no body.
		case h.Len() > 0 && !lr.hit && w.b.err == nil && strings.Contains(err.Error(), "malformed MIME header line"):
			w.defect("%s header not ended by a blank line: %v", what, err)
		default:
			return nil, nil, w.headerErr(lr, what, err)
		}
	}
	e, entErr := message.New(message.Header{Header: h}, br)
	return e, entErr, nil
}

// headerErr explains why a header could not be read.
func (w *walker) headerErr(lr *headerLimitReader, what string, err error) error {
	switch {
	case w.b.err != nil:
		return w.b.err
	case lr.hit:
		return fmt.Errorf("intake: %s header exceeds %d bytes: %w", what, w.b.limits.MaxHeaderBytes, ErrHeaderTooLarge)
	case errors.Is(err, io.EOF):
		return fmt.Errorf("intake: %s is empty: %w", what, ErrMalformed)
	default:
		return fmt.Errorf("intake: reading %s header: %w: %v", what, ErrMalformed, err)
	}
}
