package intake

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// errPanic marks the error made from a recovered panic, so that tests and
// fuzzing can tell it from an ordinary parse error.
var errPanic = errors.New("internal error while parsing")

// Parse reads one raw RFC 5322 message and returns the parsed message.
// It never panics; a message that cannot be parsed returns an error that says why (wrapped, with context).
//
// The message is read once, as a stream: attachments go through SHA-256 and
// are never held. Zero fields of limits take DefaultLimits. The size, part,
// depth, decoded-size, header-size and time limits are errors (ErrTooLarge,
// ErrTooManyParts, ErrTooDeep, ErrDecodedTooLarge, ErrHeaderTooLarge,
// ErrTimeout); the others cap what is recorded: attachments and URLs past
// their limits are counted in AttachmentsOmitted and URLsOmitted, text past
// MaxTextBytes is cut (TextTruncated). Damage that parsing survives (an
// unknown charset or transfer encoding, a missing closing boundary, bad
// base64) keeps what could be read and is listed in Defects.
func Parse(r io.Reader, limits Limits) (*Message, error) {
	return ParseContext(context.Background(), r, limits)
}

// ParseContext is Parse that also stops, with the context's error, when ctx
// is done. Cancellation is noticed between reads: a Read blocked in r is not
// interrupted.
func ParseContext(ctx context.Context, r io.Reader, limits Limits) (msg *Message, err error) {
	// Last resort only: a panic inside go-message or html2text on hostile
	// input must not take the daemon down with it. Panics found by tests and
	// fuzzing are fixed in the code, not left to this guard.
	defer func() {
		if p := recover(); p != nil {
			msg, err = nil, fmt.Errorf("intake: %w (%v): %w", errPanic, p, ErrMalformed)
		}
	}()
	limits = limits.withDefaults()
	b := newBudget(ctx, limits)
	raw := newRawReader(r, b)
	w := newWalker(b)
	e, entErr, err := w.readMessage(raw, "message")
	if err != nil {
		return nil, err
	}
	if !isMessageHeader(e.Header) {
		return nil, fmt.Errorf("intake: header has no From, To, Subject, Date or Message-ID field: %w", ErrMalformed)
	}
	m := &Message{}
	readHeaders(e.Header, m, w)
	if m.MessageID != "" {
		// The Message-ID identifies the message: no need to hash the
		// rest of it (hashing was a fifth of parsing a large message).
		raw.hash = nil
	}
	if err := w.entity(e, entErr, partCtx{}); err != nil {
		return nil, err
	}
	// Read what the MIME structure did not (an epilogue, trailing garbage)
	// so that Size (and ContentHash) cover the whole raw message.
	if err := w.drain(raw, "message"); err != nil {
		return nil, err
	}
	if b.err != nil {
		return nil, b.err
	}
	m.Size = raw.n
	if raw.hash != nil {
		m.ContentHash = hex.EncodeToString(raw.hash.Sum(nil))
	}
	w.finish(m)
	return m, nil
}

// finish assembles Text, OwnText, URLs and attachments from what the walk
// collected. In each multipart/alternative (and in each message outside
// one) text/plain wins over text/html.
func (w *walker) finish(m *Message) {
	hasPlain := map[int]bool{}
	for _, s := range w.segs {
		if !s.html && !s.summary {
			hasPlain[s.group] = true
		}
	}
	var all, own []string
	fwdText := map[int][]string{} // text of each attached forwarded message, its header summary first
	var urls, unusedURLs [][]string
	plain, html := 0, 0
	for _, s := range w.segs {
		if s.html && hasPlain[s.group] {
			unusedURLs = append(unusedURLs, s.urls)
			continue
		}
		text := normalizeText(s.text)
		urls = append(urls, s.urls)
		switch {
		case s.summary:
		case s.html:
			html++
		default:
			plain++
		}
		if text == "" {
			continue
		}
		all = append(all, text)
		if s.fwd == 0 && !s.summary {
			own = append(own, text)
		}
		if s.fwd > 0 {
			fwdText[s.fwd] = append(fwdText[s.fwd], text)
		}
	}
	limit := w.b.limits.MaxTextBytes
	var cut1, cut2 bool
	m.Text, cut1 = truncateUTF8(strings.Join(all, "\n\n"), limit)
	m.OwnText, cut2 = truncateUTF8(ownWords(strings.Join(own, "\n\n")), limit)
	var cut3 bool
	m.Quotes, cut3 = w.quotes(m.Subject, strings.Join(own, "\n\n"), fwdText)
	m.TextTruncated = w.truncated || cut1 || cut2 || cut3
	m.HTMLOnly = html > 0 && plain == 0
	m.URLs, m.URLsOmitted = collectURLs(w.b.limits.MaxURLs, append(urls, unusedURLs...)...)
	if len(w.cids) > 0 {
		for i := range w.atts {
			if id := w.atts[i].ContentID; id != "" && w.cids[strings.ToLower(id)] {
				w.atts[i].Referenced = true
			}
		}
	}
	m.Attachments = w.atts
	m.AttachmentsOmitted = w.attsOmitted
	m.Defects = w.defects
}

// quotes finds the quoted replies and forwarded messages below the own
// words: those inline in the customer's text, then each attached forwarded
// message with the quotes inside it. Their texts share one MaxTextBytes
// budget; it reports whether some text was cut for it.
func (w *walker) quotes(subject, own string, fwdText map[int][]string) ([]Quote, bool) {
	// Each level of nesting is a pass over the text below it: only twice
	// the text the quotes may keep is looked at.
	scan := 2 * w.b.limits.MaxTextBytes
	text, cut := truncateUTF8(own, scan)
	quotes := findQuotes(text, subject, maxQuotes)
	for k := 1; k <= w.forwards && len(quotes) < maxQuotes; k++ {
		if texts := fwdText[k]; len(texts) > 0 {
			text, c := truncateUTF8(strings.Join(texts, "\n\n"), scan)
			cut = cut || c
			quotes = append(quotes, findQuotes(text, subject, maxQuotes-len(quotes))...)
		}
	}
	left := w.b.limits.MaxTextBytes
	for i := range quotes {
		var c bool
		quotes[i].Text, c = truncateUTF8(quotes[i].Text, left)
		left -= len(quotes[i].Text)
		cut = cut || c
	}
	if len(quotes) == 0 {
		return nil, cut
	}
	return quotes, cut
}
