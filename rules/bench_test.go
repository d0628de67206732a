package rules

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ticketd/ticketd/intake"
)

// BenchmarkEvaluate judges every fixture of ../testdata/mail once per
// iteration (go test -bench Evaluate ./rules).
func BenchmarkEvaluate(b *testing.B) {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "mail", "*.eml"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no fixtures: %v", err)
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
