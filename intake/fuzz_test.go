package intake

import (
	"bytes"
	"encoding/base64"
	"os"
	"testing"
	"time"
)

// FuzzParse feeds Parse arbitrary input: it must never panic, and what it
// returns must hold the invariants checked by checkResult. The seeds are the
// test messages and, when present, the shared corpus (read at run time,
// never copied into the repository).
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add([]byte(tc.raw))
	}
	f.Add([]byte(multipartOf("Content-Type: message/rfc822\n\nFrom: b@acme.example\n\ninner")))
	f.Add([]byte(nested(4)))
	// Containers and images that intake opens: a winmail.dat, a ZIP, a PDF
	// and an HTML body with a data: image and a cid: reference.
	shot := pngOf(f, 3, 2)
	f.Add([]byte(multipartOf(attachmentPart("application/ms-tnef", "winmail.dat", tnefOf(
		tnefFileSpec{title: "SCREEN~1.PNG", long: "screenshot.png", data: shot},
		tnefFileSpec{title: "notes.txt", data: []byte("hello")},
	)))))
	f.Add([]byte(multipartOf(attachmentPart("application/zip", "captures.zip", zipOf(f,
		zipEntrySpec{"dir/", nil}, zipEntrySpec{"dir/a.png", shot}, zipEntrySpec{"b.har", []byte(`{"log":{}}`)},
	)))))
	f.Add([]byte(multipartOf(attachmentPart("application/pdf", "r.pdf", pdfWithImages(2, 0)), attachmentPart("application/json", "a.har", []byte(`{"log":{}}`)))))
	f.Add([]byte(multipartOf("Content-Type: text/html\n\n<img src=\"cid:a@b\"><img src=\"data:image/png;base64,"+base64.StdEncoding.EncodeToString(shot)+"\">",
		"Content-Type: image/png\nContent-ID: <a@b>\nContent-Transfer-Encoding: base64\n\n"+base64.StdEncoding.EncodeToString(shot))))
	for _, name := range []string{"testdata/forward-attached-report.eml", "testdata/escalated-inline-es.eml"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	for _, path := range corpusFiles(f) {
		if data, err := os.ReadFile(path); err == nil && len(data) < 256<<10 {
			f.Add(data)
		}
	}
	// Small caps so that fuzzing reaches them.
	limits := Limits{MaxAttachments: 4, MaxURLs: 4, MaxTextBytes: 4096, MaxParts: 64, MaxDepth: 8, MaxDuration: 5 * time.Second,
		MaxInspectBytes: 64 << 10, MaxInspectEntries: 4, MaxInspectText: 1024}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(bytes.NewReader(raw), limits)
		checkResult(t, m, err, limits)
	})
}
