package intake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"runtime"
	"strings"
	"testing"
)

// bigAttachmentReader generates, without holding it, a message with one
// base64 attachment of size decoded bytes (a byte pattern), line by line.
type bigAttachmentReader struct {
	head, tail *strings.Reader
	left       int    // decoded bytes still to encode
	next       byte   // next pattern byte
	line       []byte // encoded line not yet returned
	chunk      [57]byte
	enc        [76 + 2]byte
}

func newBigAttachmentReader(size int) *bigAttachmentReader {
	return newBigTypedReader(size, "video/mp4", "error.mp4")
}

// newBigTypedReader is newBigAttachmentReader with another type and name.
func newBigTypedReader(size int, mediaType, name string) *bigAttachmentReader {
	return &bigAttachmentReader{
		head: strings.NewReader("From: alice@acme.example\r\nSubject: big video\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nThe video shows the error.\r\n" +
			"--b\r\nContent-Type: " + mediaType + "; name=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"),
		tail: strings.NewReader("--b--\r\n"),
		left: size,
	}
}

// pattern fills p with the attachment's bytes from position next.
func pattern(p []byte, next byte) byte {
	for i := range p {
		p[i] = next
		next = next*31 + 7
	}
	return next
}

func (g *bigAttachmentReader) Read(p []byte) (int, error) {
	if g.head.Len() > 0 {
		return g.head.Read(p)
	}
	if len(g.line) == 0 && g.left > 0 {
		n := min(g.left, len(g.chunk))
		g.next = pattern(g.chunk[:n], g.next)
		g.left -= n
		m := base64.StdEncoding.EncodedLen(n)
		base64.StdEncoding.Encode(g.enc[:m], g.chunk[:n])
		g.enc[m], g.enc[m+1] = '\r', '\n'
		g.line = g.enc[:m+2]
	}
	if len(g.line) > 0 {
		n := copy(p, g.line)
		g.line = g.line[n:]
		return n, nil
	}
	return g.tail.Read(p)
}

// wantBigAttachment returns the SHA-256 of the generated attachment.
func wantBigAttachment(size int) string {
	h := sha256.New()
	buf := make([]byte, 64<<10)
	var next byte
	for size > 0 {
		n := min(size, len(buf))
		next = pattern(buf[:n], next)
		h.Write(buf[:n])
		size -= n
	}
	return hex.EncodeToString(h.Sum(nil))
}

const bigDecoded = 37 << 20 // about 50 MB once base64-encoded

// allocBound is far below any attachment size used here: holding the
// attachment even once would exceed it.
const allocBound = 4 << 20

func TestLargeAttachmentIsStreamed(t *testing.T) {
	if testing.Short() {
		t.Skip("parses 50 MB")
	}
	size := bigDecoded
	if raceEnabled {
		size = 8 << 20
	}
	limits := Limits{MaxMessageBytes: 64 << 20}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := Parse(newBigAttachmentReader(size), limits)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if m.Size < int64(size)*4/3 {
		t.Fatalf("generated message is %d bytes, want at least %d", m.Size, size*4/3)
	}
	want := []Attachment{{Filename: "error.mp4", MediaType: "video/mp4", Size: int64(size), SHA256: wantBigAttachment(size)}}
	wantEqual(t, "Attachments", m.Attachments, want)
	wantEqual(t, "Text", m.Text, "The video shows the error.")
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > allocBound {
		t.Errorf("parsing a %d-byte message allocated %d bytes, want under %d: the attachment is being buffered", m.Size, alloc, allocBound)
	}
}

// TestLargeContainersAreNotHeld: a ZIP, winmail.dat, PDF, image or text
// attachment larger than the inspect limits streams like any other: only
// MaxInspectBytes of a container is ever held, and let go when it is passed.
func TestLargeContainersAreNotHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("parses several large messages")
	}
	size := 24 << 20
	if raceEnabled {
		size = 6 << 20
	}
	limits := Limits{MaxMessageBytes: 64 << 20, MaxInspectBytes: 1 << 20}
	for _, tc := range []struct{ mediaType, name string }{
		{"application/zip", "big.zip"},
		{"application/ms-tnef", "winmail.dat"},
		{"application/pdf", "big.pdf"},
		{"image/png", "big.png"},
		{"application/octet-stream", "big.har"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			m, err := Parse(newBigTypedReader(size, tc.mediaType, tc.name), limits)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if a := m.Attachments[0]; a.Size != int64(size) || len(a.Contents) != 0 {
				t.Fatalf("attachment of %d bytes with %d entries, want %d bytes and none", a.Size, len(a.Contents), size)
			}
			// A container is held until it passes MaxInspectBytes: growing
			// its buffer to that size allocates about twice as much.
			bound := uint64(allocBound + 2*limits.MaxInspectBytes)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > bound {
				t.Errorf("parsing a %d-byte %s allocated %d bytes, want under %d", m.Size, tc.name, alloc, bound)
			}
		})
	}
}

func BenchmarkParseLargeAttachment(b *testing.B) {
	limits := Limits{MaxMessageBytes: 64 << 20}
	b.ReportAllocs()
	b.SetBytes(bigDecoded)
	for b.Loop() {
		if _, err := Parse(newBigAttachmentReader(bigDecoded), limits); err != nil {
			b.Fatal(err)
		}
	}
}

var _ io.Reader = (*bigAttachmentReader)(nil)
