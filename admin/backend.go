package admin

import (
	"io"
	"time"

	"github.com/ticketd/ticketd/store"
)

// Backend is what the admin API serves; *store.DB satisfies it. Errors
// wrapping store.ErrNotFound become 404 and store.ErrInvalid 400.
type Backend interface {
	Tickets(f store.TicketFilter) ([]store.Ticket, error)
	Ticket(number string) (*store.Ticket, error)
	Raw(key string) ([]byte, error)
	Ledger(org string) ([]store.LedgerEntry, error)
	MarkWarranty(number string, at time.Time) (*store.Ticket, error)
	CloseTicket(number string, at time.Time) (*store.Ticket, error)
	// WriteBackup writes a consistent copy of the whole database.
	WriteBackup(w io.Writer) (int64, error)
}

var _ Backend = (*store.DB)(nil)
