package inbox

import (
	"sync/atomic"
	"time"
)

// Liveness says until when the inbox worker is known not to be hung: the
// worker moves it forward before every step by the most that step may
// take. A watchdog pings systemd only while it lies ahead, so a hung
// worker stops the pings and systemd restarts the service.
type Liveness struct{ until atomic.Int64 }

// Extend moves the deadline to now + d.
func (l *Liveness) Extend(now time.Time, d time.Duration) {
	l.until.Store(now.Add(d).UnixNano())
}

// Alive reports whether now is before the deadline.
func (l *Liveness) Alive(now time.Time) bool {
	return now.UnixNano() < l.until.Load()
}
