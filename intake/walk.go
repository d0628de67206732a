package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// maxDefects bounds Message.Defects.
const maxDefects = 32

// walker visits the MIME tree once, in stream order, streaming every leaf.
type walker struct {
	b   *budget
	buf []byte // copy buffer shared by all attachments

	segs        []segment
	atts        []Attachment
	attsOmitted int
	defects     []string
	groups      int // multipart/alternative and message scopes handed out
	forwards    int // forwarded messages seen
	truncated   bool
	cids        map[string]bool // Content-IDs referenced by cid: in HTML bodies, lower-cased
}

// partCtx is what a part inherits from its ancestors.
type partCtx struct {
	depth  int
	group  int  // scope in which text/plain wins over text/html
	fwd    int  // 0: the customer's own message; k: the k-th forwarded one
	digest bool // parent is multipart/digest: default type message/rfc822
	alt    bool // parent is multipart/alternative
}

// segment is one piece of body text, in stream order.
type segment struct {
	text    string
	html    bool
	summary bool // the header summary of a forwarded message
	group   int
	fwd     int
	urls    []string
}

func newWalker(b *budget) *walker {
	return &walker{b: b, buf: make([]byte, 32<<10)}
}

// defect notes something wrong with the message that parsing survived.
func (w *walker) defect(format string, args ...any) {
	if len(w.defects) >= maxDefects {
		return
	}
	d := stripControls(fixUTF8(fmt.Sprintf(format, args...)))
	if len(d) > 200 {
		d = strings.ToValidUTF8(d[:200], "") + "..."
	}
	for _, old := range w.defects {
		if old == d {
			return
		}
	}
	w.defects = append(w.defects, d)
}

// entity handles one MIME entity and everything below it.
func (w *walker) entity(e *message.Entity, entErr error, pc partCtx) error {
	if err := w.b.enterPart(pc.depth); err != nil {
		return err
	}
	def := "text/plain"
	if pc.digest {
		def = "message/rfc822"
	}
	ct := parseContentType(e.Header.Get("Content-Type"), def)
	disp := parseHeaderValue(e.Header.Get("Content-Disposition"))
	switch {
	case message.IsUnknownEncoding(entErr):
		w.defect("unknown transfer encoding %q: part kept undecoded", e.Header.Get("Content-Transfer-Encoding"))
	case message.IsUnknownCharset(entErr):
		w.defect("unknown charset %q: text kept as given", ct.params["charset"])
	case entErr != nil:
		w.defect("%v", entErr)
	}
	switch {
	case strings.HasPrefix(ct.value, "multipart/"):
		if ct.params["boundary"] == "" {
			w.defect("%s without boundary: read as text", ct.value)
			return w.bodyText(e, false, pc)
		}
		return w.multipart(e, ct, pc)
	case ct.value == "message/rfc822" || ct.value == "message/global":
		if message.IsUnknownEncoding(entErr) {
			return w.attachment(e, ct, disp)
		}
		return w.forwarded(e, pc)
	case isBodyText(ct, disp):
		return w.bodyText(e, ct.value == "text/html", pc)
	case pc.alt && strings.HasPrefix(ct.value, "text/") && !isAttached(ct, disp):
		// Another rendering of the body (text/enriched, text/watch-html):
		// neither body text nor an attachment.
		return w.drain(&decodedReader{r: e.Body, b: w.b}, ct.value+" alternative")
	default:
		return w.attachment(e, ct, disp)
	}
}

// isBodyText reports whether a part is body text rather than an attachment:
// text/plain or text/html that is not marked as an attachment and has no
// file name. Other text types (text/csv, text/calendar...) are attachments.
func isBodyText(ct, disp headerValue) bool {
	if ct.value != "text/plain" && ct.value != "text/html" {
		return false
	}
	return !isAttached(ct, disp)
}

// isAttached reports whether a part is marked as a file: a disposition of
// attachment, or a file name.
func isAttached(ct, disp headerValue) bool {
	return disp.value == "attachment" || disp.params["filename"] != "" || ct.params["name"] != ""
}

// multipart visits the parts of a multipart entity. A broken structure (a
// missing closing boundary, garbage between parts) ends the visit but keeps
// the parts read so far.
func (w *walker) multipart(e *message.Entity, ct headerValue, pc partCtx) error {
	child := pc
	child.depth++
	child.digest = ct.value == "multipart/digest"
	child.alt = ct.value == "multipart/alternative"
	if child.alt {
		w.groups++
		child.group = w.groups
	}
	mr := textproto.NewMultipartReader(e.Body, ct.params["boundary"])
	for {
		if err := w.b.check(); err != nil {
			return err
		}
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if w.b.err != nil {
				return w.b.err
			}
			w.defect("%s: %v", ct.value, err)
			return nil
		}
		if size := headerSize(p.Header); size > w.b.limits.MaxHeaderBytes {
			return w.b.fail(fmt.Errorf("intake: MIME part header of %d bytes exceeds %d: %w", size, w.b.limits.MaxHeaderBytes, ErrHeaderTooLarge))
		}
		pe, perr := newPartEntity(p)
		if err := w.entity(pe, perr, child); err != nil {
			return err
		}
	}
}

// headerSize approximates the raw size of a header block.
func headerSize(h textproto.Header) int {
	n := 2
	for f := h.Fields(); f.Next(); {
		n += len(f.Key()) + len(f.Value()) + 4
	}
	return n
}

// forwarded visits an attached message (message/rfc822): its text goes to
// Text as forwarded content and its attachments count as attachments.
func (w *walker) forwarded(e *message.Entity, pc partCtx) error {
	inner, innerErr, err := w.readMessage(e.Body, "forwarded message")
	if err != nil {
		if !errors.Is(err, ErrMalformed) {
			return err
		}
		w.defect("%v", err)
		return w.drain(e.Body, "forwarded message")
	}
	w.forwards++
	w.groups++
	child := partCtx{depth: pc.depth + 1, group: w.groups, fwd: w.forwards}
	w.segs = append(w.segs, segment{text: forwardSummary(inner.Header), summary: true, group: child.group, fwd: child.fwd})
	if err := w.entity(inner, innerErr, child); err != nil {
		return err
	}
	return w.drain(e.Body, "forwarded message")
}

// bodyText reads one text part, keeping at most the text budget and
// draining the rest.
func (w *walker) bodyText(e *message.Entity, html bool, pc partCtx) error {
	limit := int64(w.b.limits.MaxTextBytes)
	if html {
		limit *= htmlReadFactor
	}
	if room := int64(w.b.limits.MaxTextBytes)*textHoldFactor - w.b.textHeld; limit > room {
		limit = room
	}
	if limit < 0 {
		limit = 0
	}
	dr := &decodedReader{r: e.Body, b: w.b}
	data, err := io.ReadAll(io.LimitReader(dr, limit))
	w.b.textHeld += int64(len(data))
	if err := w.readErr(err, "text part"); err != nil {
		return err
	}
	if n, err := io.CopyBuffer(onlyWriter{io.Discard}, onlyReader{dr}, w.buf); err != nil {
		if err := w.readErr(err, "text part"); err != nil {
			return err
		}
	} else if n > 0 {
		w.truncated = true
		data = trimPartialRune(data)
	}
	text := fixUTF8(string(data))
	seg := segment{html: html, group: pc.group, fwd: pc.fwd}
	if html {
		lower := asciiLower(text)
		if strings.Contains(lower, "cid:") {
			if w.cids == nil {
				w.cids = map[string]bool{}
			}
			cidRefs(lower, w.cids)
		}
		if strings.Contains(lower, "data:image/") {
			w.dataImages(text, lower)
		}
		text = stripHTMLNoise(text)
		seg.urls = htmlURLs(text)
		seg.text = htmlToText(text)
	} else {
		seg.text = text
		seg.urls = textURLs(text)
	}
	w.segs = append(w.segs, seg)
	return nil
}

// attachment streams one attachment through SHA-256 and a counter. Its
// content is never held, except the first bytes that tell an image's
// dimensions, the start of a text attachment (Limits.MaxInspectText) and a
// ZIP or TNEF container within Limits.MaxInspectBytes, which is opened.
func (w *walker) attachment(e *message.Entity, ct, disp headerValue) error {
	dr := &decodedReader{r: e.Body, b: w.b}
	if len(w.atts) >= w.b.limits.MaxAttachments {
		w.attsOmitted++
		return w.drain(dr, "attachment")
	}
	name := disp.params["filename"]
	if name == "" {
		name = ct.params["name"]
	}
	name = stripControls(name)
	lim := w.b.limits
	var (
		dst   io.Writer
		img   *imageSize
		pdf   *pdfImages
		hold  *holdKeeper
		text  *headKeeper
		h     = sha256.New()
		kind  = inspectKindOf(ct.value, name)
		extra io.Writer
	)
	switch kind {
	case inspectImage:
		img = newImageSize(lim.MaxInspectBytes)
		extra = img
	case inspectPDF:
		pdf = &pdfImages{limit: lim.MaxInspectBytes}
		extra = pdf
	case inspectZIP, inspectTNEF:
		hold = &holdKeeper{limit: lim.MaxInspectBytes}
		extra = hold
	case inspectText:
		text = &headKeeper{limit: lim.MaxInspectText}
		extra = text
	}
	dst = h
	if extra != nil {
		dst = io.MultiWriter(h, extra)
	}
	n, err := io.CopyBuffer(onlyWriter{dst}, onlyReader{dr}, w.buf)
	if err := w.readErr(err, "attachment"); err != nil {
		return err
	}
	cid := strings.TrimSpace(e.Header.Get("Content-Id"))
	cid = stripControls(fixUTF8(strings.TrimSuffix(strings.TrimPrefix(cid, "<"), ">")))
	a := Attachment{
		Filename:  name,
		MediaType: ct.value,
		Size:      n,
		SHA256:    hex.EncodeToString(h.Sum(nil)),
		ContentID: cid,
		Inline:    disp.value == "inline" || (disp.value == "" && cid != ""),
	}
	switch {
	case img != nil:
		a.Width, a.Height = img.size()
	case pdf != nil:
		a.PDFImages = pdf.count
	case text != nil:
		a.Text = cleanAttachmentText(text.buf, text.over, lim.MaxInspectText)
	case hold != nil && hold.over:
		w.defect("%s attachment larger than %d bytes: not opened", kindName(kind), lim.MaxInspectBytes)
	case hold != nil && kind == inspectTNEF:
		a.Contents = tnefContents(hold.buf.Bytes(), lim.MaxInspectEntries, lim)
	case hold != nil:
		var err error
		if a.Contents, err = zipContents(hold.buf.Bytes(), lim.MaxInspectEntries, lim, w.buf); err != nil {
			w.defect("ZIP attachment: %v", err)
		}
	}
	w.atts = append(w.atts, a)
	return nil
}

func kindName(k inspectKind) string {
	if k == inspectTNEF {
		return "TNEF"
	}
	return "ZIP"
}

// drain reads and discards the rest of r.
func (w *walker) drain(r io.Reader, what string) error {
	_, err := io.CopyBuffer(onlyWriter{io.Discard}, onlyReader{r}, w.buf)
	return w.readErr(err, what)
}

// readErr sorts an error met while reading a part: a tripped limit stops
// parsing; anything else (bad base64, a part cut short by a missing
// boundary) is a defect, and what was read is kept.
func (w *walker) readErr(err error, what string) error {
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	if w.b.err != nil {
		return w.b.err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		w.defect("%s cut short: missing closing boundary", what)
		return nil
	}
	w.defect("%s: %v", what, err)
	return nil
}

// onlyReader and onlyWriter hide WriterTo and ReaderFrom so that
// io.CopyBuffer uses the walker's buffer instead of allocating its own.
type (
	onlyReader struct{ io.Reader }
	onlyWriter struct{ io.Writer }
)

// newPartEntity makes the entity of one MIME part, decoding its transfer
// encoding and charset as go-message does, except that base64 goes through
// base64Reader, which is several times faster.
func newPartEntity(p *textproto.Part) (*message.Entity, error) {
	h := message.Header{Header: p.Header}
	if !strings.EqualFold(strings.TrimSpace(h.Get("Content-Transfer-Encoding")), "base64") {
		return message.New(h, p)
	}
	h = h.Copy()
	h.Del("Content-Transfer-Encoding")
	return message.New(h, newBase64Reader(p))
}
