package rules

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ticketd/ticketd/intake"
)

// BenchmarkEvaluate judges every fixture of ../testdata/mail and of the
// labelled corpora once per iteration (go test -bench Evaluate ./rules).
// The target is 200 µs a message on average (ns/msg).
func BenchmarkEvaluate(b *testing.B) {
	var paths []string
	for _, pattern := range []string{"mail/*.eml", "corpus/*/*.eml", "holdout*/*.eml"} {
		found, err := filepath.Glob(filepath.Join("..", "testdata", pattern))
		if err != nil {
			b.Fatal(err)
		}
		paths = append(paths, found...)
	}
	if len(paths) == 0 {
		b.Fatal("no fixtures")
	}
	var msgs []*intake.Message
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		m, err := intake.Parse(bytes.NewReader(raw), intake.Limits{})
		if err != nil {
			continue // the quarantine fixtures
		}
		msgs = append(msgs, m)
	}
	p := testPolicy()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, m := range msgs {
			Evaluate(m, p, received)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs)), "ns/msg")
}
