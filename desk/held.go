package desk

import (
	"context"
	"log/slog"
	"time"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

// releaseTimeout bounds a release through the daemon: registering many held
// messages takes longer than the admin API's usual answer.
const releaseTimeout = 5 * time.Minute

// heldDesk is the file's held mail with a registrar of its own, for when
// the daemon is down: released messages' receipts then wait in the outbox
// for its next start.
func (a *Desk) heldDesk() *daemon.HeldDesk {
	reg := registration.New(a.db, a.policy, daemon.RegistrationSettings(a.cfg, slog.New(slog.DiscardHandler)))
	return &daemon.HeldDesk{DB: a.db, Reg: reg}
}

// Held lists the mail held over a contact's hourly rate of new tickets and
// not yet released, oldest first.
func (a *Desk) Held(ctx context.Context) ([]store.TurnedAwayRecord, error) {
	if a.client != nil {
		return a.client.Held(ctx)
	}
	return a.heldDesk().Held()
}

// Release registers the held message id as if it arrived now: numbered,
// deducted in the current period, answered with its receipt.
func (a *Desk) Release(ctx context.Context, id uint64) (admin.Released, error) {
	if a.client != nil {
		return a.longClient().ReleaseHeld(ctx, id)
	}
	return a.heldDesk().Release(ctx, id)
}

// ReleaseAll releases every held message.
func (a *Desk) ReleaseAll(ctx context.Context) ([]admin.Released, error) {
	if a.client != nil {
		return a.longClient().ReleaseAllHeld(ctx)
	}
	return a.heldDesk().ReleaseAll(ctx)
}

// longClient is the admin API with time enough for releases.
func (a *Desk) longClient() *admin.Client {
	return admin.NewClient(a.cfg.Admin.Listen, releaseTimeout)
}
