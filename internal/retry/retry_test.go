package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const base, max = 100 * time.Millisecond, 5 * time.Second
	tests := []struct {
		attempt int
		ceil    time.Duration // the un-jittered delay; results lie in [ceil/2, ceil]
	}{
		{0, 100 * time.Millisecond},
		{1, 200 * time.Millisecond},
		{2, 400 * time.Millisecond},
		{5, 3200 * time.Millisecond},
		{6, max},
		{100, max},
		{1 << 30, max},
	}
	for _, tt := range tests {
		for range 200 {
			got := Backoff(tt.attempt, base, max)
			if got < tt.ceil/2 || got > tt.ceil {
				t.Fatalf("Backoff(%d) = %v, want in [%v, %v]", tt.attempt, got, tt.ceil/2, tt.ceil)
			}
		}
	}

	// Jitter: repeated calls must not all agree.
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[Backoff(3, base, max)] = true
	}
	if len(seen) < 2 {
		t.Errorf("Backoff(3) gave %d distinct values in 50 calls, want jitter", len(seen))
	}
}

func TestBackoffEdges(t *testing.T) {
	tests := []struct {
		name             string
		attempt          int
		base, max        time.Duration
		wantMin, wantMax time.Duration
	}{
		{name: "zero base", attempt: 3, base: 0, max: time.Second, wantMin: 0, wantMax: 0},
		{name: "max below base", attempt: 3, base: time.Second, max: time.Millisecond, wantMin: 500 * time.Millisecond, wantMax: time.Second},
		{name: "negative attempt", attempt: -1, base: time.Second, max: time.Minute, wantMin: 500 * time.Millisecond, wantMax: time.Second},
		{name: "huge max does not overflow", attempt: 80, base: time.Second, max: time.Duration(1<<63 - 1), wantMin: 1 << 61, wantMax: time.Duration(1<<63 - 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Backoff(tt.attempt, tt.base, tt.max)
			if got < tt.wantMin || got > tt.wantMax {
				t.Errorf("Backoff() = %v, want in [%v, %v]", got, tt.wantMin, tt.wantMax)
			}
		})
	}
}

func TestSleep(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		d       time.Duration
		wantErr error
		minTime time.Duration
	}{
		{name: "full sleep", ctx: background, d: 50 * time.Millisecond, minTime: 50 * time.Millisecond},
		{name: "zero", ctx: background, d: 0},
		{name: "already canceled", ctx: func() (context.Context, context.CancelFunc) { return canceled, func() {} }, d: time.Hour, wantErr: context.Canceled},
		{name: "deadline during sleep", ctx: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, d: time.Hour, wantErr: context.DeadlineExceeded, minTime: 50 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The clock starts before the context: a deadline runs from
			// the context's creation, which a loaded machine may delay.
			start := time.Now()
			ctx, cancel := tt.ctx()
			defer cancel()
			err := Sleep(ctx, tt.d)
			elapsed := time.Since(start)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("Sleep() = %v, want %v", err, tt.wantErr)
			}
			if elapsed < tt.minTime || elapsed > tt.minTime+2*time.Second {
				t.Errorf("Sleep() took %v, want about %v", elapsed, tt.minTime)
			}
		})
	}
}

func background() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
