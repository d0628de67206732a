package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ticketd/ticketd/desk"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/store"
)

// writeConversation prints the ticket's conversation in time order: every
// customer message, follow-ups included (who wrote it and when, the
// customer's own words and each of its attachments, desk.Conversation),
// and what support did (answers, internal notes, closing, reminders).
func writeConversation(ctx context.Context, w io.Writer, a *desk.Desk, t *store.Ticket) error {
	msgs := a.Conversation(ctx, t)
	entries := t.Conversation
	for i, m := range msgs {
		ref := m.Ref
		for len(entries) > 0 && entries[0].At.Before(ref.ReceivedAt) {
			writeEntry(w, entries[0])
			entries = entries[1:]
		}
		fmt.Fprintf(w, "\nMessage %d of %d: from %s at %s", i+1, len(msgs), oneline.Cut(ref.From, 80), ref.ReceivedAt.UTC().Format(time.RFC3339))
		if ref.MessageID != "" {
			fmt.Fprintf(w, ", Message-ID <%s>", oneline.Cut(ref.MessageID, 120))
		}
		fmt.Fprintln(w)
		switch {
		case m.Pruned:
			fmt.Fprintf(w, "  (the message itself was deleted on %s: only what was recorded remains)\n", ref.RawPrunedAt.UTC().Format(time.DateOnly))
		case m.Err != nil:
			fmt.Fprintf(w, "  (cannot read the message: %s)\n", oneline.Error(m.Err))
		default:
			writeOwnWords(w, m.Words)
		}
		if len(m.Attachments) == 0 {
			fmt.Fprintln(w, "  No attachments")
		}
		writeAttachments(w, m.Attachments, "  ")
	}
	for _, e := range entries {
		writeEntry(w, e)
	}
	return nil
}

// entryTitles head what support did, by kind.
var entryTitles = map[store.EntryKind]string{
	store.EntryReply:    "Answer to the customer",
	store.EntryNote:     "Internal note (not sent to the customer)",
	store.EntryClose:    "Closed",
	store.EntryWarranty: "Made a warranty ticket",
	store.EntryReminder: "Customer reminded of the missing information",
	store.EntryAssign:   "Assigned",
	store.EntryReopen:   "Reopened",
}

// writeEntry prints one thing support did on the ticket.
func writeEntry(w io.Writer, e store.Entry) {
	title := entryTitles[e.Kind]
	if title == "" {
		title = oneline.Cut(string(e.Kind), 40)
	}
	fmt.Fprintf(w, "\n%s", title)
	switch {
	case e.AgentName != "":
		fmt.Fprintf(w, " by %s <%s>", oneline.Cut(e.AgentName, 80), oneline.Cut(e.Agent, 80))
	case e.Agent != "":
		fmt.Fprintf(w, " by %s", oneline.Cut(e.Agent, 80))
	}
	fmt.Fprintf(w, " at %s\n", e.At.UTC().Format(time.RFC3339))
	switch {
	case e.Kind == store.EntryAssign && e.Text == "":
		fmt.Fprintln(w, "  to nobody")
	case e.Kind == store.EntryAssign:
		fmt.Fprintf(w, "  to %s\n", oneline.Cut(e.Text, 80))
	case e.Kind == store.EntryReply || e.Kind == store.EntryNote || strings.TrimSpace(e.Text) != "":
		writeOwnWords(w, e.Text)
	}
	writeAttachments(w, e.Attachments, "  ")
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
