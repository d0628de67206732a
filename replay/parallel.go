package replay

import (
	"context"
	"sync"
)

// forEachParallel calls fn(i) for every i in [0, n), on up to workers
// goroutines, in order of i, and returns once every started call has
// finished. When ctx ends it starts no more calls and returns how many it
// started; the calls with a higher i never ran.
func forEachParallel(ctx context.Context, n, workers int, fn func(i int)) (started int) {
	workers = max(min(workers, n), 1)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	defer func() {
		close(next)
		wg.Wait()
	}()
	for started = 0; started < n; started++ {
		select {
		case next <- started:
		case <-ctx.Done():
			return started
		}
	}
	return n
}
