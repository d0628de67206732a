package daemon

import (
	"context"
	"time"

	"github.com/ticketd/ticketd/internal/retry"
	"github.com/ticketd/ticketd/store"
)

// CloseTicket closes a ticket through registration, so that the customer
// gets the closing email and the webhooks hear of it (admin.Backend).
func (b backend) CloseTicket(number string, _ time.Time) (*store.Ticket, error) {
	t, err := b.d.reg.CloseTicket(number, "")
	if err == nil {
		b.d.kick()
	}
	return t, err
}

// MarkWarranty makes a ticket a warranty ticket through registration
// (admin.Backend).
func (b backend) MarkWarranty(number string, _ time.Time) (*store.Ticket, error) {
	t, err := b.d.reg.MarkWarranty(number, "")
	if err == nil {
		b.d.kick()
	}
	return t, err
}

// remindInterval is how often the daemon looks for needs_info tickets
// whose customer has not answered within desk.needs_info_reminder_after.
const remindInterval = 10 * time.Minute

// remind reminds abandoned needs_info tickets' customers (once each) and
// tells the team, at start and every remindInterval until ctx ends.
func (d *Daemon) remind(ctx context.Context) {
	after := d.cfg.Desk.NeedsInfoReminderAfter
	if after <= 0 {
		return
	}
	for {
		n, err := d.reg.RemindAbandoned(after)
		switch {
		case err != nil && ctx.Err() == nil:
			d.log.Warn("reminders failed", "err", err, "reminded", n)
		case n > 0:
			d.log.Info("customers reminded of needs_info tickets", "tickets", n)
			d.kick()
		}
		if retry.Sleep(ctx, remindInterval) != nil {
			return
		}
	}
}
