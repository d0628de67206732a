package webhook

import (
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/retry"
)

// DefaultRetry, under the outbox worker's rules (a failed attempt n is
// retried after Backoff(n-1, Min, Max), unless that is past MaxAge from
// the item's creation), retries first within 10 s and goes on for a day
// at least, whatever the jitter.
func TestDefaultRetrySchedule(t *testing.T) {
	r := DefaultRetry
	if r.Min != 5*time.Second || r.Max != 2*time.Hour || r.MaxAge != 72*time.Hour {
		t.Fatalf("DefaultRetry = %+v", r)
	}
	for range 200 {
		var at time.Duration // since creation; the first attempt is at once
		var schedule []time.Duration
		for attempt := 1; ; attempt++ {
			next := at + retry.Backoff(attempt-1, r.Min, r.Max)
			if next > r.MaxAge {
				break
			}
			at = next
			schedule = append(schedule, at)
		}
		if len(schedule) == 0 || schedule[0] > 10*time.Second {
			t.Fatalf("first retry at %v, want within 10 s", schedule)
		}
		if last := schedule[len(schedule)-1]; last < 24*time.Hour {
			t.Fatalf("last retry at %v, want a day or more after the event", last)
		}
		for i := 1; i < len(schedule); i++ {
			if gap := schedule[i] - schedule[i-1]; gap > r.Max {
				t.Fatalf("retries %d and %d are %v apart, more than Max", i-1, i, gap)
			}
		}
	}
}
