package inbox

import (
	"testing"
	"time"
)

func TestWatchdogStopsWhenWorkerHangs(t *testing.T) {
	var l Liveness
	now := time.Now()
	l.Extend(now, time.Second)
	if !l.Alive(now.Add(500 * time.Millisecond)) {
		t.Error("alive within the extension")
	}
	if l.Alive(now.Add(2 * time.Second)) {
		t.Error("a worker that did not move its deadline forward must count as hung")
	}
}
