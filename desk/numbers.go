package desk

import (
	"errors"
	"fmt"

	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// ErrUsage is returned (wrapped) for what an operator typed wrong: a
// ticket number of another form, a status that does not exist.
var ErrUsage = errors.New("usage error")

// TicketNumber turns what an operator types into a ticket number with the
// configured prefix: "5", "000005" and "SUP-000005" (any case) all name
// SUP-000005. Anything else is a usage error.
func TicketNumber(prefix, arg string) (string, error) {
	number, err := store.ParseNumber(prefix, arg)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return number, nil
}

// noTicket replaces a not-found error, from the store or the admin API,
// by the one sentence an operator needs.
func noTicket(number string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no ticket %s", number)
	}
	return err
}

// CheckOrg refuses an organization the configuration does not know: an
// empty answer would read as "no tickets".
func CheckOrg(p *rules.Policy, org string) error {
	if org == "" {
		return nil
	}
	for i := range p.Organizations {
		if p.Organizations[i].ID == org {
			return nil
		}
	}
	return fmt.Errorf("no organization %s", oneline.Cut(org, 60))
}

// CheckStatus refuses a --status that is not one of the ticket statuses.
func CheckStatus(s string) error {
	switch store.Status(s) {
	case "", store.StatusNeedsInfo, store.StatusOpen, store.StatusClosed:
		return nil
	}
	return fmt.Errorf("%w: --status %q is not one of needs_info, open, closed", ErrUsage, oneline.Cut(s, 40))
}
