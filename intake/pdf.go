package intake

import "bytes"

// pdfOverlap is how many bytes of one write are kept to be looked at again
// with the next, so that a "/Subtype /Image" split between two writes is
// still found. Whitespace runs longer than this between the two names are
// not (no PDF writer produces them).
const pdfOverlap = 64

// pdfImages counts the image XObjects of a PDF as it streams past:
// dictionaries with "/Subtype /Image" (any whitespace, or none, between
// the names). Image dictionaries belong to stream objects, which PDF keeps
// out of compressed object streams, so they are always in plain text. Only
// the first limit bytes are looked at.
type pdfImages struct {
	limit int64
	seen  int64
	win   []byte // overlap from the last write, then the current one
	count int
}

func (s *pdfImages) Write(p []byte) (int, error) {
	n := len(p)
	if room := s.limit - s.seen; int64(len(p)) > room {
		p = p[:max(room, 0)]
	}
	if len(p) == 0 {
		return n, nil
	}
	s.seen += int64(len(p))
	keep := len(s.win)
	s.win = append(s.win, p...)
	// Matches that end inside the overlap were counted by the last write.
	s.count += countPDFImages(s.win, keep)
	if len(s.win) > pdfOverlap {
		s.win = append(s.win[:0], s.win[len(s.win)-pdfOverlap:]...)
	}
	return n, nil
}

var pdfSubtype = []byte("/Subtype")

// countPDFImages counts the "/Subtype <ws> /Image" in b whose name ends at
// or past from. The byte after the name must be in b, to tell "/Image" from
// "/ImageMask": a match touching the end of b waits for the next write.
func countPDFImages(b []byte, from int) int {
	count := 0
	for i := 0; ; {
		j := bytes.Index(b[i:], pdfSubtype)
		if j < 0 {
			return count
		}
		k := i + j + len(pdfSubtype)
		i = i + j + 1
		for k < len(b) && isPDFSpace(b[k]) {
			k++
		}
		const image = "/Image"
		if len(b)-k < len(image)+1 || string(b[k:k+len(image)]) != image {
			continue
		}
		end := k + len(image) // the byte after the name
		if isPDFRegular(b[end]) {
			continue // "/ImageMask" or another name
		}
		if end >= from {
			count++
		}
	}
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0
}

// isPDFRegular reports whether c can continue a PDF name.
func isPDFRegular(c byte) bool {
	return !isPDFSpace(c) && !bytes.ContainsRune([]byte("()<>[]{}/%"), rune(c))
}
