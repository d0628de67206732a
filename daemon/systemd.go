package daemon

import (
	"context"
	"log/slog"
	"time"

	sddaemon "github.com/coreos/go-systemd/v22/daemon"

	"github.com/ticketd/ticketd/inbox"
)

// sdNotify sends a state to systemd (Type=notify). Without NOTIFY_SOCKET
// it does nothing.
func sdNotify(log *slog.Logger, state string) {
	if _, err := sddaemon.SdNotify(false, state); err != nil {
		log.Warn("systemd notify failed", "state", state, "err", err)
	}
}

// watchdog pings systemd's watchdog (WATCHDOG=1) at a third of its
// interval while the inbox worker is alive, until ctx ends. Without
// WatchdogSec in the unit it returns at once.
func watchdog(ctx context.Context, live *inbox.Liveness, log *slog.Logger) {
	interval, err := sddaemon.SdWatchdogEnabled(false)
	if err != nil {
		log.Warn("systemd watchdog settings unreadable", "err", err)
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
			if live.Alive(time.Now()) {
				sdNotify(log, "WATCHDOG=1")
			} else {
				log.Error("inbox worker looks hung: not pinging the systemd watchdog")
			}
		}
	}
}
