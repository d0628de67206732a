package daemon

import (
	"time"

	"github.com/ticketd/ticketd/store"
)

// ensureAgents makes every desk.agents entry a local user, so that each
// person has one identity: a missing one is created as an agent without a
// password (it cannot log in until `ticketd users passwd` sets one), its
// login name the local part of its address. Existing users are left as
// they are. A failure is logged, not fatal: mail must still flow.
func (d *Daemon) ensureAgents(now time.Time) {
	if len(d.cfg.Desk.Agents) == 0 {
		return
	}
	agents := make([]store.User, 0, len(d.cfg.Desk.Agents))
	for _, a := range d.cfg.Desk.Agents {
		agents = append(agents, store.User{Email: a.Email})
	}
	created, err := d.db.EnsureAgents(agents, now)
	if err != nil {
		d.log.Error("desk.agents: users not created", "err", err)
		return
	}
	for _, name := range created {
		d.log.Info("desk.agents: user created without a password; set one with ticketd users passwd", "user", name)
	}
}
