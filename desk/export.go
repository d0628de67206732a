package desk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/store"
)

// safeTicketNumber is what a ticket number looks like ("SUP-000042"). The
// number comes from the admin API or the file: neither is trusted to name
// a path.
var safeTicketNumber = regexp.MustCompile(`^[A-Za-z0-9]{1,16}-[0-9]{1,12}$`)

// TicketDirName returns the directory name for an exported ticket, or an
// error when the number could lead a path outside DIR ("../x", "a/b").
func TicketDirName(number string) (string, error) {
	if !safeTicketNumber.MatchString(number) {
		return "", fmt.Errorf("export: refusing ticket number %q: not of the form PREFIX-NNNNNN", oneline.Cut(number, 40))
	}
	return number, nil
}

// Export writes every message of the ticket as .eml, with the
// attachments of each beside it, into dir/NUMBER. It returns the files
// written. A message whose original was pruned (store.ErrPruned) is
// skipped with a note to notes.
func (a *Desk) Export(ctx context.Context, number, dir string, notes io.Writer) ([]string, error) {
	t, err := a.Ticket(ctx, number)
	if err != nil {
		return nil, err
	}
	name, err := TicketDirName(t.Number)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, name)
	if err := os.MkdirAll(out, 0o750); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var files []string
	for i := range t.Messages {
		raw, err := a.Raw(ctx, t, i+1)
		if errors.Is(err, store.ErrPruned) {
			// Retention (store.retention.closed_tickets) or an erasure
			// deleted it: the ticket stays, its original does not.
			fmt.Fprintf(notes, "%s message %d: not exported: its original was deleted by retention or erasure (the ticket keeps its record)\n", t.Number, i+1)
			continue
		}
		if err != nil {
			return files, fmt.Errorf("export message %d: %w", i+1, err)
		}
		emlPath := filepath.Join(out, fmt.Sprintf("%02d-message.eml", i+1))
		if err := os.WriteFile(emlPath, raw, 0o640); err != nil {
			return files, fmt.Errorf("export: %w", err)
		}
		files = append(files, emlPath)
		attDir := filepath.Join(out, fmt.Sprintf("%02d-attachments", i+1))
		written, err := intake.ExtractAttachments(raw, attDir)
		files = append(files, written...)
		if err != nil && !errors.Is(err, os.ErrExist) {
			return files, fmt.Errorf("export attachments of message %d: %w", i+1, err)
		}
	}
	return files, nil
}
