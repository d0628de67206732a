package registration

import (
	"context"
	"fmt"

	"github.com/ticketd/ticketd/store"
)

// Release registers held message id (held over its contact's hourly rate
// of new tickets) as if it arrived now: judged again with the policy in
// force, its plan period, usage and over_plan decided now, its receipt
// queued, and never held again. A message released before gives an error
// wrapping store.ErrReleased.
func (r *Registrar) Release(ctx context.Context, id uint64) (*Outcome, error) {
	rec, err := r.db.HeldRecord(id)
	if err != nil {
		return nil, err
	}
	if !rec.ReleasedAt.IsZero() {
		return nil, fmt.Errorf("held message %d: %w", id, store.ErrReleased)
	}
	raw, err := r.db.Raw(rec.Key)
	if err != nil {
		return nil, fmt.Errorf("held message %d: %w", id, err)
	}
	p := r.Prepare(ctx, raw, r.s.Now())
	if p.ParseErr != nil {
		return nil, fmt.Errorf("held message %d: %w", id, p.ParseErr)
	}
	in, v, err := r.newIntake(p)
	if err != nil {
		return nil, err
	}
	in.Key = rec.Key
	in.Hold = store.Hold{}
	res, err := r.db.ReleaseHeld(id, in)
	if err != nil {
		return nil, err
	}
	return r.outcomeOf(p.Judgement.Msg, v, res), nil
}
