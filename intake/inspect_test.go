package intake

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"unicode/utf8"
)

// pngOf encodes a w x h PNG.
func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegOf encodes a w x h JPEG, with an APP segment of pad bytes before its
// frame header as phones write EXIF.
func jpegOf(t testing.TB, w, h, pad int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if pad == 0 {
		return out
	}
	var seg []byte
	for pad > 0 {
		n := min(pad, 65533)
		seg = append(seg, 0xFF, 0xE1, byte((n+2)>>8), byte(n+2))
		seg = append(seg, bytes.Repeat([]byte{'x'}, n)...)
		pad -= n
	}
	return append(append(append([]byte{}, out[:2]...), seg...), out[2:]...)
}

// gifOf encodes a w x h GIF.
func gifOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.Black})
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bmpOf builds the headers of a w x h BMP (height negative: top-down).
func bmpOf(w, h int32) []byte {
	b := make([]byte, 54)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[2:], 54)
	binary.LittleEndian.PutUint32(b[10:], 54)
	binary.LittleEndian.PutUint32(b[14:], 40)
	binary.LittleEndian.PutUint32(b[18:], uint32(w))
	binary.LittleEndian.PutUint32(b[22:], uint32(h))
	return b
}

// webpOf builds the first bytes of a WebP file of the given chunk kind.
func webpOf(kind string, w, h int) []byte {
	b := make([]byte, 40)
	copy(b, "RIFF")
	copy(b[8:], "WEBPVP8")
	switch kind {
	case "VP8 ":
		b[15] = ' '
		b[23], b[24], b[25] = 0x9d, 0x01, 0x2a
		binary.LittleEndian.PutUint16(b[26:], uint16(w))
		binary.LittleEndian.PutUint16(b[28:], uint16(h))
	case "VP8L":
		b[15] = 'L'
		b[20] = 0x2f
		binary.LittleEndian.PutUint32(b[21:], uint32(w-1)|uint32(h-1)<<14)
	case "VP8X":
		b[15] = 'X'
		w, h = w-1, h-1
		b[24], b[25], b[26] = byte(w), byte(w>>8), byte(w>>16)
		b[27], b[28], b[29] = byte(h), byte(h>>8), byte(h>>16)
	}
	return b
}

func TestImageDimensions(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		w, h int
	}{
		{"PNG", pngOf(t, 1280, 720), 1280, 720},
		{"JPEG", jpegOf(t, 640, 480, 0), 640, 480},
		{"JPEG after 100 kB of EXIF", jpegOf(t, 33, 17, 100000), 33, 17},
		{"GIF tracking pixel", gifOf(t, 1, 1), 1, 1},
		{"BMP", bmpOf(800, 600), 800, 600},
		{"BMP top-down", bmpOf(800, -600), 800, 600},
		{"WebP lossy", webpOf("VP8 ", 1920, 1080), 1920, 1080},
		{"WebP lossless", webpOf("VP8L", 300, 200), 300, 200},
		{"WebP extended", webpOf("VP8X", 4000, 3000), 4000, 3000},
		{"truncated PNG", pngOf(t, 10, 10)[:20], 0, 0},
		{"truncated JPEG", jpegOf(t, 10, 10, 0)[:30], 0, 0},
		{"JPEG with a zero segment length", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 1, 2, 3}, 0, 0},
		{"not an image", []byte("%PDF-1.4 hello there, not an image at all"), 0, 0},
		{"empty", nil, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, h := imageDimensions(tc.data, 1<<20)
			if w != tc.w || h != tc.h {
				t.Errorf("got %dx%d, want %dx%d", w, h, tc.w, tc.h)
			}
			// The same bytes a byte at a time, as a stream would cut them.
			s := newImageSize(1 << 20)
			for i := range tc.data {
				s.Write(tc.data[i : i+1])
			}
			if w, h := s.size(); w != tc.w || h != tc.h {
				t.Errorf("streamed a byte at a time: got %dx%d, want %dx%d", w, h, tc.w, tc.h)
			}
		})
	}
}

// tnefAttr encodes one TNEF attribute with its checksum.
func tnefAttr(level byte, id uint32, data []byte) []byte {
	b := []byte{level}
	b = binary.LittleEndian.AppendUint32(b, id)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	var sum uint16
	for _, c := range data {
		sum += uint16(c)
	}
	return binary.LittleEndian.AppendUint16(b, sum)
}

// tnefFileSpec is one attachment for tnefOf.
type tnefFileSpec struct {
	title, long string // 8.3 name; long name in the MAPI properties ("" for none)
	data        []byte
}

// tnefProps encodes attAttachment's MAPI properties: the long file name as
// PT_UNICODE, after a PT_LONG and a named PT_BOOLEAN to skip.
func tnefProps(long string) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 3)
	b = binary.LittleEndian.AppendUint16(b, 0x0003) // PT_LONG
	b = binary.LittleEndian.AppendUint16(b, 0x0E20) // PR_ATTACH_SIZE
	b = binary.LittleEndian.AppendUint32(b, 1234)
	b = binary.LittleEndian.AppendUint16(b, 0x000B) // PT_BOOLEAN, named by id
	b = binary.LittleEndian.AppendUint16(b, 0x8001)
	b = append(b, make([]byte, 16)...) // GUID
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 0x8510)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 0x001F) // PT_UNICODE
	b = binary.LittleEndian.AppendUint16(b, prAttachLongFilename)
	b = binary.LittleEndian.AppendUint32(b, 1)
	var u []byte
	for _, r := range long + "\x00" {
		u = binary.LittleEndian.AppendUint16(u, uint16(r))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(u)))
	b = append(b, u...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// tnefOf builds a winmail.dat with a message attribute and the files.
func tnefOf(files ...tnefFileSpec) []byte {
	b := binary.LittleEndian.AppendUint32(nil, tnefSignature)
	b = binary.LittleEndian.AppendUint16(b, 0x0001)
	b = append(b, tnefAttr(1, 0x00089006, []byte{1, 0, 0, 0})...)  // attTnefVersion
	b = append(b, tnefAttr(1, 0x00018004, []byte("Hello\x00"))...) // attSubject
	for _, f := range files {
		b = append(b, tnefAttr(2, attAttachRenddata, make([]byte, 14))...)
		b = append(b, tnefAttr(2, attAttachTitle, []byte(f.title+"\x00"))...)
		b = append(b, tnefAttr(2, attAttachData, f.data)...)
		if f.long != "" {
			b = append(b, tnefAttr(2, attAttachment, tnefProps(f.long))...)
		}
	}
	return b
}

// zipOf builds a ZIP archive; an entry named with a trailing slash is a
// directory.
func zipOf(t testing.TB, entries ...zipEntrySpec) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		fw, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type zipEntrySpec struct {
	name string
	data []byte
}

// pdfWithImages is a minimal PDF with n image XObjects written in the
// usual ways ("/Subtype /Image", "/Subtype/Image", a line break between),
// an image mask that is not counted, and padding before them.
func pdfWithImages(n, pad int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	b.WriteString("% " + strings.Repeat("p", pad) + "\n")
	forms := []string{"/Subtype /Image", "/Subtype/Image", "/Subtype\r\n  /Image"}
	for i := range n {
		fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XObject %s /Width 1 /Height 1 /BitsPerComponent 8 /ColorSpace /DeviceGray /Length 1 >>\nstream\nx\nendstream\nendobj\n", i+3, forms[i%len(forms)])
	}
	b.WriteString("99 0 obj << /Type /XObject /Subtype /ImageMask >> endobj\n")
	b.WriteString("100 0 obj << /Subtype /Form >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

// attachmentPart is a base64 MIME part with the given type and file name.
func attachmentPart(mediaType, name string, data []byte) string {
	disp := ""
	if name != "" {
		disp = "Content-Disposition: attachment; filename=\"" + name + "\"\n"
	}
	return "Content-Type: " + mediaType + "\nContent-Transfer-Encoding: base64\n" + disp + "\n" + wrap76(base64.StdEncoding.EncodeToString(data))
}

// wrap76 breaks base64 text into 76-column lines.
func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func TestAttachmentInspection(t *testing.T) {
	shot := pngOf(t, 1366, 768)
	photo := jpegOf(t, 400, 300, 20000)
	body := "Content-Type: text/plain\n\nSee the attached files.\n"
	tnef := tnefOf(
		tnefFileSpec{title: "SCREEN~1.PNG", long: "Screenshot 2026-11-02.png", data: shot},
		tnefFileSpec{title: "notes.txt", data: []byte("hello")},
	)
	har := `{"log":{"entries":[{"request":{"method":"POST","url":"https://api.example/v1/invoices"},"response":{"status":500}}]}}`
	tests := []struct {
		name   string
		limits Limits
		parts  []string
		want   func(t *testing.T, a Attachment)
	}{
		{
			name:  "PNG attachment",
			parts: []string{attachmentPart("image/png", "shot.png", shot)},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "size", [2]int{a.Width, a.Height}, [2]int{1366, 768})
			},
		},
		{
			name:  "JPEG sent as octet-stream",
			parts: []string{attachmentPart("application/octet-stream", "IMG_0001.JPG", photo)},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "size", [2]int{a.Width, a.Height}, [2]int{400, 300})
				wantEqual(t, "MediaType", a.MediaType, "application/octet-stream")
			},
		},
		{
			name:  "1x1 GIF pixel",
			parts: []string{attachmentPart("image/gif", "", gifOf(t, 1, 1))},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "size", [2]int{a.Width, a.Height}, [2]int{1, 1})
			},
		},
		{
			name:  "winmail.dat",
			parts: []string{attachmentPart("application/ms-tnef", "winmail.dat", tnef)},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "Contents", a.Contents, []Attachment{
					{Filename: "Screenshot 2026-11-02.png", MediaType: "image/png", Size: int64(len(shot)), SHA256: sum(string(shot)), Source: "tnef", Width: 1366, Height: 768},
					{Filename: "notes.txt", MediaType: "text/plain", Size: 5, SHA256: sum("hello"), Source: "tnef"},
				})
			},
		},
		{
			name:  "winmail.dat as octet-stream",
			parts: []string{attachmentPart("application/octet-stream", "WINMAIL.DAT", tnef)},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "entries", len(a.Contents), 2)
			},
		},
		{
			name:   "winmail.dat past MaxInspectEntries",
			limits: Limits{MaxInspectEntries: 1},
			parts:  []string{attachmentPart("application/vnd.ms-tnef", "winmail.dat", tnef)},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "entries", len(a.Contents), 1)
			},
		},
		{
			name:   "winmail.dat larger than MaxInspectBytes is not opened",
			limits: Limits{MaxInspectBytes: 100},
			parts:  []string{attachmentPart("application/ms-tnef", "winmail.dat", tnef)},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "Contents", len(a.Contents), 0)
				wantEqual(t, "Size", a.Size, int64(len(tnef)))
				wantEqual(t, "SHA256", a.SHA256, sum(string(tnef)))
			},
		},
		{
			name: "ZIP of screenshots",
			parts: []string{attachmentPart("application/zip", "captures.zip", zipOf(t,
				zipEntrySpec{"captures/", nil},
				zipEntrySpec{"captures/error.png", shot},
				zipEntrySpec{"captures/photo.jpeg", photo},
				zipEntrySpec{"captures/readme.txt", []byte("read me")},
				zipEntrySpec{"__MACOSX/captures/._error.png", []byte("AppleDouble")},
				zipEntrySpec{"captures/.DS_Store", []byte("x")},
			))},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "Contents", a.Contents, []Attachment{
					{Filename: "captures/error.png", MediaType: "image/png", Size: int64(len(shot)), Source: "zip", Width: 1366, Height: 768},
					{Filename: "captures/photo.jpeg", MediaType: "image/jpeg", Size: int64(len(photo)), Source: "zip", Width: 400, Height: 300},
					{Filename: "captures/readme.txt", MediaType: "text/plain", Size: 7, Source: "zip"},
				})
			},
		},
		{
			name:   "ZIP as x-zip-compressed, past MaxInspectEntries",
			limits: Limits{MaxInspectEntries: 2},
			parts: []string{attachmentPart("application/x-zip-compressed", "", zipOf(t,
				zipEntrySpec{"a.txt", nil}, zipEntrySpec{"b.txt", nil}, zipEntrySpec{"c.txt", nil},
			))},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "entries", len(a.Contents), 2)
			},
		},
		{
			name:  "PDF with images",
			parts: []string{attachmentPart("application/pdf", "report.pdf", pdfWithImages(3, 0))},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "PDFImages", a.PDFImages, 3)
			},
		},
		{
			name:  "PDF without images",
			parts: []string{attachmentPart("application/octet-stream", "terms.pdf", pdfWithImages(0, 0))},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "PDFImages", a.PDFImages, 0)
			},
		},
		{
			name:   "PDF larger than MaxInspectBytes: only its start is looked at",
			limits: Limits{MaxInspectBytes: 4096},
			parts:  []string{attachmentPart("application/pdf", "big.pdf", pdfWithImages(2, 8192))},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "PDFImages", a.PDFImages, 0)
				wantEqual(t, "Size", a.Size, int64(len(pdfWithImages(2, 8192))))
			},
		},
		{
			name:  "HAR file",
			parts: []string{attachmentPart("application/octet-stream", "session.har", []byte(har))},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "Text", a.Text, har)
			},
		},
		{
			name:   "large HAR keeps its first MaxInspectText bytes",
			limits: Limits{MaxInspectText: 64},
			parts:  []string{attachmentPart("application/json", "big.har", []byte(har+strings.Repeat(" ", 10000)))},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "Text", a.Text, har[:64])
				wantEqual(t, "Size", a.Size, int64(len(har)+10000))
				wantEqual(t, "SHA256", a.SHA256, sum(har+strings.Repeat(" ", 10000)))
			},
		},
		{
			name:   "log with NUL and control characters, cut inside a character",
			limits: Limits{MaxInspectText: 25},
			parts:  []string{attachmentPart("text/x-log", "app.log", []byte("GET /x\x00 500\r\n\tat \x1bfoo ñññ"))},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "Text", a.Text, "GET /x 500\n\tat foo ñ")
			},
		},
		{
			name:  "Latin-1 text attachment",
			parts: []string{"Content-Type: text/plain; charset=iso-8859-1\nContent-Disposition: attachment; filename=\"error.txt\"\nContent-Transfer-Encoding: quoted-printable\n\nPetici=F3n rechazada: 401\n"},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "Text", a.Text, "Petición rechazada: 401\n")
			},
		},
		{
			name:  "CSV is not read",
			parts: []string{attachmentPart("text/plain", "export.csv", []byte("a,b\n1,2\n"))},
			want: func(t *testing.T, a Attachment) {
				wantEqual(t, "Text", a.Text, "")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := multipartOf(append([]string{body}, tc.parts...)...)
			m, err := Parse(strings.NewReader(raw), tc.limits)
			checkResult(t, m, err, tc.limits)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Attachments) != 1 {
				t.Fatalf("%d attachments, want 1: %+v", len(m.Attachments), m.Attachments)
			}
			tc.want(t, m.Attachments[0])
		})
	}
}

func TestReferencedAndDataImages(t *testing.T) {
	shot := pngOf(t, 800, 600)
	b64 := base64.StdEncoding.EncodeToString(shot)
	html := func(body string) string {
		return "Content-Type: text/html; charset=utf-8\n\n<html><body><p>The error:</p>" + body + "</body></html>\n"
	}
	image := func(cid string) string {
		return "Content-Type: image/png\nContent-ID: <" + cid + ">\nContent-Transfer-Encoding: base64\n\n" + wrap76(b64)
	}
	t.Run("cid reference, HTML before the image", func(t *testing.T) {
		m := mustParse(t, multipartOf(html(`<img src="cid:image001.png@01DB2C1A.5E3F4B20">`), image("image001.png@01DB2C1A.5E3F4B20"), image("logo@acme")))
		wantEqual(t, "Referenced", []bool{m.Attachments[0].Referenced, m.Attachments[1].Referenced}, []bool{true, false})
		wantEqual(t, "size", [2]int{m.Attachments[0].Width, m.Attachments[0].Height}, [2]int{800, 600})
	})
	t.Run("cid reference, image before the HTML, case and escapes", func(t *testing.T) {
		m := mustParse(t, multipartOf(image("Shot 1@acme"), html(`<IMG SRC='CID:shot%201@acme'>`)))
		wantEqual(t, "Referenced", m.Attachments[0].Referenced, true)
	})
	t.Run("data: images", func(t *testing.T) {
		gifPixel := base64.StdEncoding.EncodeToString(gifOf(t, 1, 1))
		m := mustParse(t, multipartOf(html(`<img src="data:image/png;base64,`+b64+`" alt="x"><img src='data:image/gif;base64,`+gifPixel+`'><img src="https://track.example/p.gif" width=1 height=1><img src="data:image/svg+xml,%3Csvg%3E%3C/svg%3E">`)))
		wantEqual(t, "Attachments", m.Attachments, []Attachment{
			{MediaType: "image/png", Size: int64(len(shot)), SHA256: sum(string(shot)), Inline: true, Source: "data", Width: 800, Height: 600},
			{MediaType: "image/gif", Size: int64(len(gifOf(t, 1, 1))), SHA256: sum(string(gifOf(t, 1, 1))), Inline: true, Source: "data", Width: 1, Height: 1},
			{MediaType: "image/svg+xml", Size: int64(len("<svg></svg>")), SHA256: sum("<svg></svg>"), Inline: true, Source: "data"},
		})
		wantEqual(t, "Text", m.Text, "The error:")
	})
	t.Run("data: image wrapped by quoted-printable", func(t *testing.T) {
		enc := strings.ReplaceAll(`<img src="data:image/png;base64,`+b64+`">`, "=", "=3D")
		var lines []string
		for len(enc) > 70 {
			cut := 70
			for enc[cut-1] == '=' || enc[cut-2] == '=' { // keep =3D whole
				cut--
			}
			lines, enc = append(lines, enc[:cut]+"="), enc[cut:]
		}
		qp := "Content-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n" + strings.Join(append(lines, enc), "\n") + "\n"
		m := mustParse(t, multipartOf(qp))
		wantEqual(t, "Attachments", len(m.Attachments), 1)
		wantEqual(t, "size", [3]int64{m.Attachments[0].Size, int64(m.Attachments[0].Width), int64(m.Attachments[0].Height)}, [3]int64{int64(len(shot)), 800, 600})
	})
	t.Run("10,000 data: images are counted past MaxAttachments", func(t *testing.T) {
		gifPixel := base64.StdEncoding.EncodeToString(gifOf(t, 1, 1))
		body := strings.Repeat(`<img src="data:image/gif;base64,`+gifPixel+`">`, 10000)
		limits := Limits{MaxAttachments: 5}
		m, err := Parse(strings.NewReader(multipartOf(html(body))), limits)
		checkResult(t, m, err, limits)
		if err != nil {
			t.Fatal(err)
		}
		wantEqual(t, "attachments", len(m.Attachments), 5)
		wantEqual(t, "omitted", m.AttachmentsOmitted, 9995)
	})
}

func TestHostileContainers(t *testing.T) {
	good := tnefOf(tnefFileSpec{title: "a.png", long: "long name.png", data: pngOf(t, 2, 2)})
	var cases []struct {
		name string
		data []byte
	}
	add := func(name string, data []byte) {
		cases = append(cases, struct {
			name string
			data []byte
		}{name, data})
	}
	// Every truncation of a valid TNEF stream.
	for i := 0; i < len(good); i++ {
		add(fmt.Sprintf("TNEF cut at %d", i), good[:i])
	}
	// A length past the end in each attribute and in the properties.
	huge := append([]byte{}, good...)
	binary.LittleEndian.PutUint32(huge[6+5:], 0xFFFFFFF0)
	add("TNEF attribute length past the end", huge)
	props := tnefProps("x.png")
	binary.LittleEndian.PutUint32(props[len(props)-16:], 0x7FFFFFFF)
	bad := binary.LittleEndian.AppendUint32(nil, tnefSignature)
	bad = append(bad, 1, 0)
	bad = append(bad, tnefAttr(2, attAttachRenddata, nil)...)
	bad = append(bad, tnefAttr(2, attAttachment, props)...)
	add("TNEF properties with a bad length", bad)
	many := binary.LittleEndian.AppendUint32(nil, tnefSignature)
	many = append(many, 1, 0)
	manyProps := binary.LittleEndian.AppendUint32(nil, 0xFFFFFFFF)
	manyProps = binary.LittleEndian.AppendUint16(manyProps, 0x101F) // multi-valued unicode
	manyProps = binary.LittleEndian.AppendUint16(manyProps, prAttachLongFilename)
	manyProps = binary.LittleEndian.AppendUint32(manyProps, 0xFFFFFFFF)
	many = append(many, tnefAttr(2, attAttachRenddata, nil)...)
	many = append(many, tnefAttr(2, attAttachment, manyProps)...)
	add("TNEF with 2^32 properties and values", many)
	for i := 0; i < 300; i++ {
		many = append(many, tnefAttr(2, attAttachRenddata, nil)...)
	}
	add("TNEF with 300 empty attachments", many)
	z := zipOf(t, zipEntrySpec{"a.png", pngOf(t, 3, 3)})
	for _, i := range []int{0, 10, 30, len(z) / 2, len(z) - 22, len(z) - 1} {
		add(fmt.Sprintf("ZIP cut at %d", i), z[:i])
	}
	flipped := append([]byte{}, z...)
	for i := 30; i < len(flipped)-30; i += 7 {
		flipped[i] ^= 0x5a
	}
	add("ZIP with damaged bytes", flipped)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := multipartOf(attachmentPart("application/ms-tnef", "winmail.dat", tc.data), attachmentPart("application/zip", "a.zip", tc.data))
			limits := Limits{MaxInspectEntries: 10}
			m, err := Parse(strings.NewReader(raw), limits)
			checkResult(t, m, err, limits)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range m.Attachments {
				if len(a.Contents) > 10 {
					t.Errorf("%d entries listed, limit 10", len(a.Contents))
				}
				for _, c := range a.Contents {
					if !utf8.ValidString(c.Filename) || c.MediaType == "" {
						t.Errorf("bad entry %+v", c)
					}
				}
			}
		})
	}
}

// TestZipBomb: an entry that inflates to 1 GiB is listed with the size its
// header announces, and reading it for its dimensions stops at
// MaxInspectText.
func TestZipBomb(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	fw, err := zw.Create("bomb.png")
	if err != nil {
		t.Fatal(err)
	}
	size := 1 << 30
	if raceEnabled || testing.Short() {
		size = 64 << 20
	}
	zeros := make([]byte, 1<<20)
	for i := 0; i < size/len(zeros); i++ {
		fw.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	limits := Limits{MaxInspectText: 4096}
	m, err := Parse(strings.NewReader(multipartOf(attachmentPart("application/zip", "bomb.zip", b.Bytes()))), limits)
	checkResult(t, m, err, limits)
	if err != nil {
		t.Fatal(err)
	}
	want := []Attachment{{Filename: "bomb.png", MediaType: "image/png", Size: int64(size), Source: "zip"}}
	wantEqual(t, "Contents", m.Attachments[0].Contents, want)
}

// TestZipWithTooManyEntries: a directory of more records than
// zipDirectoryFactor x MaxInspectEntries is not loaded.
func TestZipWithTooManyEntries(t *testing.T) {
	var entries []zipEntrySpec
	for i := range 2000 {
		entries = append(entries, zipEntrySpec{name: fmt.Sprint(i)})
	}
	limits := Limits{MaxInspectEntries: 3}
	m, err := Parse(strings.NewReader(multipartOf(attachmentPart("application/zip", "many.zip", zipOf(t, entries...)))), limits)
	checkResult(t, m, err, limits)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "Contents", len(m.Attachments[0].Contents), 0)
	if !hasDefect(m, "too many entries") {
		t.Errorf("defects %q", m.Defects)
	}
	m, _ = Parse(strings.NewReader(multipartOf(attachmentPart("application/zip", "many.zip", zipOf(t, entries[:100]...)))), limits)
	wantEqual(t, "Contents", len(m.Attachments[0].Contents), 3)
}

func TestPDFImagesAcrossWrites(t *testing.T) {
	pdf := pdfWithImages(7, 100)
	for _, chunk := range []int{1, 2, 5, 13, 64, 4096} {
		s := &pdfImages{limit: 1 << 20}
		for i := 0; i < len(pdf); i += chunk {
			s.Write(pdf[i:min(i+chunk, len(pdf))])
		}
		if s.count != 7 {
			t.Errorf("chunks of %d: %d images, want 7", chunk, s.count)
		}
	}
}

// FuzzContainers feeds the TNEF walker, the ZIP lister, the image header
// readers and the PDF scanner arbitrary bytes: none may panic, and what
// they list stays within the limits.
func FuzzContainers(f *testing.F) {
	shot := pngOf(f, 3, 2)
	f.Add(tnefOf(tnefFileSpec{title: "SCREEN~1.PNG", long: "screenshot.png", data: shot}, tnefFileSpec{title: "a.txt", data: []byte("x")}))
	f.Add(zipOf(f, zipEntrySpec{"d/", nil}, zipEntrySpec{"d/a.png", shot}, zipEntrySpec{"b.jpg", jpegOf(f, 4, 4, 100)}))
	f.Add(shot)
	f.Add(jpegOf(f, 5, 7, 300))
	f.Add(gifOf(f, 1, 1))
	f.Add(webpOf("VP8X", 10, 10))
	f.Add(pdfWithImages(2, 10))
	limits := Limits{MaxInspectBytes: 1 << 20, MaxInspectEntries: 5, MaxInspectText: 4096}.withDefaults()
	buf := make([]byte, 32<<10)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, a := range tnefContents(data, limits.MaxInspectEntries, limits) {
			if a.Size > int64(len(data)) || !utf8.ValidString(a.Filename) || a.MediaType == "" {
				t.Errorf("TNEF entry %+v", a)
			}
		}
		entries, _ := zipContents(data, limits.MaxInspectEntries, limits, buf)
		if len(entries) > limits.MaxInspectEntries {
			t.Errorf("%d ZIP entries", len(entries))
		}
		if w, h := imageDimensions(data, 1<<20); w < 0 || h < 0 {
			t.Errorf("size %dx%d", w, h)
		}
		s := &pdfImages{limit: 1 << 20}
		s.Write(data)
		if s.count < 0 || s.count > len(data)/14 {
			t.Errorf("%d PDF images in %d bytes", s.count, len(data))
		}
	})
}
