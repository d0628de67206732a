package replay

import (
	"context"
	"sync"
	"testing"
)

func TestForEachParallel(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]int{}
	if started := forEachParallel(context.Background(), 100, 3, func(i int) { mu.Lock(); seen[i]++; mu.Unlock() }); started != 100 {
		t.Fatalf("started %d", started)
	}
	if len(seen) != 100 {
		t.Fatalf("%d of 100 ran", len(seen))
	}
	for i, n := range seen {
		if n != 1 {
			t.Errorf("%d ran %d times", i, n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if started := forEachParallel(ctx, 100, 2, func(int) {}); started == 100 {
		t.Error("a cancelled context must stop the loop")
	}
	if started := forEachParallel(context.Background(), 0, 4, func(int) { t.Error("called for n = 0") }); started != 0 {
		t.Errorf("started %d of 0", started)
	}
}
