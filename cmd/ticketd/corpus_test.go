package main

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/ticketd/ticketd/replay"
)

// TestCorpusThroughPipeline replays every .eml under TICKETD_CORPUS (the
// hostile and real-world messages of other MIME parsers' test suites, for
// example ../shared/corpus) through the daemon's pipeline: none may crash
// or hang, and each gets a verdict or a clear parse error.
func TestCorpusThroughPipeline(t *testing.T) {
	dir := os.Getenv("TICKETD_CORPUS")
	if dir == "" {
		t.Skip("TICKETD_CORPUS not set (.ci/run sets it to ../shared/corpus when present)")
	}
	files, err := replay.Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no .eml files under %s", dir)
	}
	cfg := examplePolicyConfig(t)
	limits := cfg.IntakeLimits()
	limits.MaxDuration = 10 * time.Second
	done := make(chan []replay.Result, 1)
	go func() {
		done <- replay.Judge(context.Background(), files, cfg.Policy(), limits, nil, runtime.GOMAXPROCS(0))
	}()
	var results []replay.Result
	select {
	case results = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the corpus did not finish within 2 minutes: a message hangs the pipeline")
	}
	verdicts := map[string]int{}
	for _, r := range results {
		verdicts[r.Verdict]++
		switch r.Verdict {
		case "accepted", "needs_info", "rejected", "ignored":
		case "error":
			if r.Error == "" {
				t.Errorf("%s: an error without a message", r.File)
			}
		default:
			t.Errorf("%s: verdict %q", r.File, r.Verdict)
		}
	}
	t.Logf("%d messages from %s: %v", len(results), dir, verdicts)
}
