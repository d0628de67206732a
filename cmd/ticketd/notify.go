package main

import (
	"context"
	"sync/atomic"
	"time"

	sddaemon "github.com/coreos/go-systemd/v22/daemon"
)

// sdNotify sends a state to systemd (Type=notify). Without NOTIFY_SOCKET
// it does nothing.
func (d *daemon) sdNotify(state string) {
	if _, err := sddaemon.SdNotify(false, state); err != nil {
		d.log.Warn("systemd notify failed", "state", state, "err", err)
	}
}

// liveness says until when the inbox worker is known not to be hung: the
// worker moves it forward before every step by the most that step may
// take. The watchdog pings systemd only while it lies ahead, so a hung
// worker stops the pings and systemd restarts the service.
type liveness struct{ until atomic.Int64 }

func (l *liveness) extend(now time.Time, d time.Duration) {
	l.until.Store(now.Add(d).UnixNano())
}

func (l *liveness) alive(now time.Time) bool {
	return now.UnixNano() < l.until.Load()
}

// watchdog pings systemd's watchdog (WATCHDOG=1) at a third of its
// interval while the inbox worker is alive, until ctx ends. Without
// WatchdogSec in the unit it returns at once.
func (d *daemon) watchdog(ctx context.Context) {
	interval, err := sddaemon.SdWatchdogEnabled(false)
	if err != nil {
		d.log.Warn("systemd watchdog settings unreadable", "err", err)
		return
	}
	if interval <= 0 {
		return
	}
	tick := time.NewTicker(interval / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if d.live.alive(time.Now()) {
				d.sdNotify("WATCHDOG=1")
			} else {
				d.log.Error("inbox worker looks hung: not pinging the systemd watchdog")
			}
		}
	}
}
