package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/store"
)

// writeConversation prints every customer message of t, follow-ups
// included: who wrote it and when, the customer's own words (read from the
// raw message through the same access as export, parsed by intake as the
// daemon does) and each of its attachments. A message whose raw bytes are
// gone (retention, erasure) or do not parse still shows the attachments
// recorded when it came in.
func writeConversation(ctx context.Context, w io.Writer, a *access, t *store.Ticket) error {
	for i, ref := range t.Messages {
		fmt.Fprintf(w, "\nMessage %d of %d: from %s at %s", i+1, len(t.Messages), oneline.Cut(ref.From, 80), ref.ReceivedAt.UTC().Format(time.RFC3339))
		if ref.MessageID != "" {
			fmt.Fprintf(w, ", Message-ID <%s>", oneline.Cut(ref.MessageID, 120))
		}
		fmt.Fprintln(w)
		atts := ref.Attachments
		var m *intake.Message
		err := store.ErrPruned // the ticket says so: do not ask for it
		if ref.RawPrunedAt.IsZero() {
			var raw []byte
			if raw, err = a.Raw(ctx, t, i+1); err == nil {
				m, err = intake.ParseContext(ctx, bytes.NewReader(raw), a.limits)
			}
		}
		switch {
		case errors.Is(err, store.ErrPruned):
			fmt.Fprintf(w, "  (the message itself was deleted on %s: only what was recorded remains)\n", ref.RawPrunedAt.UTC().Format(time.DateOnly))
		case err != nil:
			fmt.Fprintf(w, "  (cannot read the message: %s)\n", oneline.Error(err))
		default:
			writeOwnWords(w, m.OwnText)
			atts = m.Attachments
		}
		if len(atts) == 0 {
			fmt.Fprintln(w, "  No attachments")
		}
		writeAttachments(w, atts, "  ")
	}
	return nil
}

// writeOwnWords prints the customer's words, each line made safe for a
// terminal and quoted with "| ".
func writeOwnWords(w io.Writer, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		fmt.Fprintln(w, "  (no words of their own)")
		return
	}
	for _, line := range strings.Split(text, "\n") {
		if line = oneline.Of(line); line == "" {
			fmt.Fprintln(w, "  |")
			continue
		}
		fmt.Fprintf(w, "  | %s\n", line)
	}
}

// writeAttachments lists attachments and, one level in, what a container
// (ZIP, winmail.dat) holds.
func writeAttachments(w io.Writer, atts []intake.Attachment, indent string) {
	for _, at := range atts {
		name := at.Filename
		if name == "" {
			name = "(no name)"
		}
		detail := fmt.Sprintf("%s, %d bytes", oneline.Cut(at.MediaType, 60), at.Size)
		if at.Width > 0 && at.Height > 0 {
			detail += fmt.Sprintf(", %d×%d", at.Width, at.Height)
		}
		if at.SHA256 != "" {
			detail += ", sha256 " + at.SHA256
		}
		fmt.Fprintf(w, "%sAttachment: %s (%s)\n", indent, oneline.Cut(name, 120), detail)
		writeAttachments(w, at.Contents, indent+"  ")
	}
}
