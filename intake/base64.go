package intake

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"slices"
)

// base64Reader decodes a base64 body in large blocks: it drops line breaks
// and other whitespace in one pass over each block and decodes whole
// quanta with the standard library's block decoder. go-message's own chain
// (whitespace replacing, newline filtering, then a quantum at a time) was
// the largest cost of parsing mail with attachments.
type base64Reader struct {
	r    io.Reader
	in   []byte // raw input block
	enc  []byte // base64 characters waiting to be decoded (less than a quantum after each fill)
	out  []byte // decoded bytes not yet returned
	dec  []byte // buffer out points into, reused for every block
	err  error  // sticky read error (io.EOF at the end)
	done bool
}

func newBase64Reader(r io.Reader) *base64Reader {
	return &base64Reader{r: r, in: make([]byte, 32<<10)}
}

// errBase64 is returned for characters outside the base64 alphabet.
var errBase64 = errors.New("illegal base64 data")

func (b *base64Reader) Read(p []byte) (int, error) {
	for len(b.out) == 0 {
		if b.done {
			return 0, b.err
		}
		b.fill()
	}
	n := copy(p, b.out)
	b.out = b.out[n:]
	return n, nil
}

// fill reads one block, keeps its base64 characters and decodes every
// whole quantum; at the end it decodes what is left, padded or not.
func (b *base64Reader) fill() {
	n, err := b.r.Read(b.in)
	b.enc = appendBase64Lines(b.enc, b.in[:n])
	if err != nil {
		b.done = true
		b.err = err
	}
	if b.decode(b.done) {
		return
	}
	// A character the decoder refuses: most likely white space inside a
	// line, which appendBase64Lines lets through. Drop it and try again;
	// a second refusal is bad data.
	b.enc = appendBase64Chars(b.enc[:0], b.enc)
	if !b.decode(b.done) {
		b.done = true
		b.err = errBase64
	}
}

// decode decodes the whole quanta of enc (all of it when last) into out
// and keeps the rest of enc. When the decoder refuses a character it
// reports false and leaves enc as it was, out holding the quanta before it.
func (b *base64Reader) decode(last bool) bool {
	upto := len(b.enc) / 4 * 4
	if last {
		upto = len(b.enc)
	}
	src := b.enc[:upto]
	// fill runs only when out is empty, so dec can be reused.
	need := len(src)/4*3 + 3 // room for a partial quantum too
	if cap(b.dec) < need {
		b.dec = make([]byte, need)
	}
	dst := b.dec[:need]
	var n int
	var err error
	if last && len(src)%4 != 0 {
		// An unpadded or cut-short tail: decode what is there.
		trimmed := trimPadding(src)
		n, err = base64.RawStdEncoding.Decode(dst, trimmed)
	} else {
		n, err = base64.StdEncoding.Decode(dst, src)
	}
	b.out = dst[:n]
	if err != nil {
		return false
	}
	b.enc = append(b.enc[:0], b.enc[upto:]...)
	return true
}

// appendBase64Lines appends src to dst without its line breaks (CR and
// LF), a line at a time: a search for the next LF and one copy per line,
// several times faster than looking at every byte. Other white space is
// left for the decoder to refuse (see fill).
func appendBase64Lines(dst, src []byte) []byte {
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		line := src
		if i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		dst = append(dst, bytes.TrimSuffix(line, []byte{'\r'})...)
	}
	return dst
}

// appendBase64Chars appends src without its white space (and any other
// control character, none of which is base64) to dst, in one branch-light
// pass: every byte is copied and the write position moves on only for the
// characters kept. dst may be src[:0]: it filters in place.
func appendBase64Chars(dst, src []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, len(src))[:n+len(src)]
	j := n
	for _, c := range src {
		dst[j] = c
		if c > ' ' {
			j++
		}
	}
	return dst[:j]
}

func trimPadding(s []byte) []byte {
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	return s
}
