package intake

import "encoding/binary"

// imageHeadLen is how many leading bytes imageSize keeps: enough for the
// PNG IHDR, GIF, BMP and WebP headers. JPEG's frame header comes after a
// run of segments (EXIF, ICC profile) and is found by jpegScan instead.
const imageHeadLen = 32

// imageSize learns an image's pixel dimensions from its first bytes, as
// they stream past: PNG, GIF, BMP and WebP from a fixed header, JPEG by
// walking its segments up to the start-of-frame marker. It never holds
// more than imageHeadLen bytes and stops looking after limit bytes.
type imageSize struct {
	head  [imageHeadLen]byte
	nhead int
	limit int64 // bytes looked at, at most
	seen  int64
	jpeg  jpegScan
}

func newImageSize(limit int64) *imageSize {
	return &imageSize{limit: limit}
}

func (s *imageSize) Write(p []byte) (int, error) {
	n := len(p)
	if room := s.limit - s.seen; int64(len(p)) > room {
		p = p[:max(room, 0)]
	}
	if len(p) == 0 {
		return n, nil
	}
	off := s.seen
	s.seen += int64(len(p))
	if s.nhead < imageHeadLen {
		s.nhead += copy(s.head[s.nhead:], p)
	}
	if s.nhead >= 3 && s.head[0] == 0xFF && s.head[1] == 0xD8 && s.head[2] == 0xFF {
		// The scan starts after the SOI marker, at the stream's third byte.
		s.jpeg.write(p[max(2-off, 0):])
	}
	return n, nil
}

// done reports whether more bytes would change nothing.
func (s *imageSize) done() bool {
	if s.seen >= s.limit {
		return true
	}
	if s.nhead >= 3 && s.head[0] == 0xFF && s.head[1] == 0xD8 && s.head[2] == 0xFF {
		return s.jpeg.state == jpegDone
	}
	return s.nhead >= imageHeadLen
}

// size returns the dimensions found, or 0, 0.
func (s *imageSize) size() (w, h int) {
	if s.jpeg.state == jpegDone {
		return s.jpeg.w, s.jpeg.h
	}
	return imageHeaderSize(s.head[:s.nhead])
}

// imageDimensions returns the dimensions of the image that data starts
// with, looking at no more than limit bytes.
func imageDimensions(data []byte, limit int64) (w, h int) {
	s := newImageSize(limit)
	s.Write(data)
	return s.size()
}

// imageHeaderSize reads the dimensions from a PNG, GIF, BMP or WebP header.
func imageHeaderSize(b []byte) (w, h int) {
	le16 := func(i int) int { return int(binary.LittleEndian.Uint16(b[i:])) }
	le24 := func(i int) int { return int(b[i]) | int(b[i+1])<<8 | int(b[i+2])<<16 }
	switch {
	case len(b) >= 24 && string(b[:8]) == "\x89PNG\r\n\x1a\n" && string(b[12:16]) == "IHDR":
		w, h = int(binary.BigEndian.Uint32(b[16:])), int(binary.BigEndian.Uint32(b[20:]))
	case len(b) >= 10 && (string(b[:6]) == "GIF87a" || string(b[:6]) == "GIF89a"):
		w, h = le16(6), le16(8)
	case len(b) >= 26 && string(b[:2]) == "BM":
		switch binary.LittleEndian.Uint32(b[14:]) {
		case 12: // BITMAPCOREHEADER
			w, h = le16(18), le16(20)
		default:
			w = int(int32(binary.LittleEndian.Uint32(b[18:])))
			h = int(int32(binary.LittleEndian.Uint32(b[22:])))
			if h < 0 { // top-down bitmap
				h = -h
			}
		}
	case len(b) >= 30 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		switch string(b[12:16]) {
		case "VP8 ":
			if b[23] == 0x9d && b[24] == 0x01 && b[25] == 0x2a {
				w, h = le16(26)&0x3fff, le16(28)&0x3fff
			}
		case "VP8L":
			if b[20] == 0x2f {
				bits := binary.LittleEndian.Uint32(b[21:])
				w, h = int(bits&0x3fff)+1, int(bits>>14&0x3fff)+1
			}
		case "VP8X":
			w, h = le24(24)+1, le24(27)+1
		}
	}
	if w <= 0 || h <= 0 || w > 1<<24 || h > 1<<24 {
		return 0, 0
	}
	return w, h
}

// jpegScan walks the segments of a JPEG stream, skipping their contents
// without holding them, until a start-of-frame marker gives the size.
type jpegScan struct {
	state int
	skip  int64 // segment bytes still to skip
	buf   [7]byte
	nbuf  int
	w, h  int
}

const (
	jpegFF     = iota // expecting a marker's FF
	jpegMarker        // expecting the marker byte
	jpegLength        // reading a segment length into buf
	jpegSkip          // skipping a segment
	jpegFrame         // reading a frame header into buf
	jpegDone          // size found
	jpegFailed        // not a JPEG we can read
)

func (j *jpegScan) write(p []byte) {
	for len(p) > 0 && j.state != jpegDone && j.state != jpegFailed {
		switch j.state {
		case jpegFF:
			if p[0] != 0xFF {
				j.state = jpegFailed
				return
			}
			p = p[1:]
			j.state = jpegMarker
		case jpegMarker:
			m := p[0]
			p = p[1:]
			switch {
			case m == 0xFF: // fill byte
			case m == 0x01 || m >= 0xD0 && m <= 0xD8: // no length
				j.state = jpegFF
			case m == 0xD9 || m == 0xDA: // end of image, start of scan: no frame header before
				j.state = jpegFailed
			case m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
				j.state, j.nbuf = jpegFrame, 0
			default:
				j.state, j.nbuf = jpegLength, 0
			}
		case jpegLength:
			j.buf[j.nbuf] = p[0]
			j.nbuf++
			p = p[1:]
			if j.nbuf == 2 {
				l := int64(binary.BigEndian.Uint16(j.buf[:2]))
				if l < 2 {
					j.state = jpegFailed
					return
				}
				j.skip, j.state = l-2, jpegSkip
				if j.skip == 0 {
					j.state = jpegFF
				}
			}
		case jpegSkip:
			k := min(j.skip, int64(len(p)))
			p = p[k:]
			j.skip -= k
			if j.skip == 0 {
				j.state = jpegFF
			}
		case jpegFrame:
			k := copy(j.buf[j.nbuf:], p)
			j.nbuf += k
			p = p[k:]
			if j.nbuf == len(j.buf) {
				// length (2), precision (1), height (2), width (2)
				j.h = int(binary.BigEndian.Uint16(j.buf[3:]))
				j.w = int(binary.BigEndian.Uint16(j.buf[5:]))
				j.state = jpegDone
				if j.w == 0 || j.h == 0 {
					j.state = jpegFailed
				}
			}
		}
	}
}
