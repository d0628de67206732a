package intake

import (
	"bytes"
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
	for _, path := range corpusFiles(f) {
		if data, err := os.ReadFile(path); err == nil && len(data) < 256<<10 {
			f.Add(data)
		}
	}
	// Small caps so that fuzzing reaches them.
	limits := Limits{MaxAttachments: 4, MaxURLs: 4, MaxTextBytes: 4096, MaxParts: 64, MaxDepth: 8, MaxDuration: 5 * time.Second}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(bytes.NewReader(raw), limits)
		checkResult(t, m, err, limits)
	})
}
