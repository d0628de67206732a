package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/store"
)

// item is one step of a ticket's conversation: a customer message or
// something support did.
type item struct {
	At       time.Time
	Customer bool
	Index    int // the customer message's index in Ticket.Messages
	From     string
	Words    string // shown as text
	Note     string // why the words are missing
	Files    []string
	Entry    *store.Entry
}

// slaView is the ticket's SLA clock against its organization's targets.
type slaView struct {
	Started                   bool
	Elapsed                   time.Duration
	FirstResponse, Resolution time.Duration // targets; 0: none
	Responded                 bool
	RespondedIn               time.Duration
	Late                      bool
}

// ticket shows one ticket: the conversation, the findings with their
// evidence, the SLA clock, plan usage and the actions.
func (s *Server) ticket(w http.ResponseWriter, r *http.Request) {
	t, ok := s.lookup(w, r)
	if !ok {
		return
	}
	now := s.o.Now()
	items := s.conversation(r.Context(), t)
	users, _ := s.o.Store.Users()
	var usage *store.LedgerEntry
	if t.Period != "" {
		if entries, err := s.o.Store.Ledger(t.Organization); err == nil {
			for i := range entries {
				if entries[i].Period == t.Period {
					usage = &entries[i]
				}
			}
		}
	}
	var included int
	if o := s.org(t.Organization); o != nil {
		included = o.TicketsIncluded
	}
	s.render(w, r, http.StatusOK, "ticket", map[string]any{
		"Title": t.Number + " " + t.Subject, "T": t, "Items": items, "SLA": s.sla(t, now), "Users": users,
		"OrgName": s.orgName(t.Organization), "Category": categoryName(t.Category), "Usage": usage, "Included": included,
		"Done": doneMessages[r.URL.Query().Get("done")], "Failed": r.URL.Query().Get("failed"),
	})
}

// lookup finds the ticket of the path's {number} ("SUP-000042" or "42"),
// or answers 404.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (*store.Ticket, bool) {
	number, err := store.ParseNumber(s.o.Prefix, r.PathValue("number"))
	if err == nil {
		var t *store.Ticket
		if t, err = s.o.Store.Ticket(number); err == nil {
			return t, true
		}
	}
	if number == "" || errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "No such ticket.")
		return nil, false
	}
	s.serverError(w, r, err)
	return nil, false
}

// conversation merges the customer's messages (their own words read from
// the stored message, as text) and support's entries, oldest first.
func (s *Server) conversation(ctx context.Context, t *store.Ticket) []item {
	var items []item
	for i, ref := range t.Messages {
		it := item{At: ref.ReceivedAt, Customer: true, Index: i, From: ref.From}
		raw, err := s.o.Store.Raw(ref.Key)
		switch {
		case errors.Is(err, store.ErrPruned) || !ref.RawPrunedAt.IsZero():
			it.Note = "The message itself was deleted (retention or erasure): only what was recorded remains."
		case err != nil:
			it.Note = "The message cannot be read: " + err.Error()
		default:
			if m, err := intake.ParseContext(ctx, bytes.NewReader(raw), s.o.Limits); err != nil {
				it.Note = "The message cannot be parsed: " + err.Error()
			} else {
				it.Words = m.Words()
			}
			it.Files = fileNames(raw)
		}
		items = append(items, it)
	}
	for i := range t.Conversation {
		e := &t.Conversation[i]
		items = append(items, item{At: e.At, Entry: e, Words: e.Text})
	}
	sort.SliceStable(items, func(a, b int) bool { return items[a].At.Before(items[b].At) })
	return items
}

// fileNames lists a message's attachments, safely named, in the order
// of their download links.
func fileNames(raw []byte) []string {
	small, omitted, _ := intake.ReadAttachments(raw, 0) // only empty files fit
	all := append(small, omitted...)
	sort.Slice(all, func(a, b int) bool { return all[a].Index < all[b].Index })
	names := make([]string, len(all))
	for i, f := range all {
		names[i] = intake.SafeFileName(f.Name, f.MediaType)
	}
	return names
}

// sla is the ticket's SLA clock: elapsed time (paused while closed, from
// store), the first response (the first agent answer after the SLA
// started) and whether a target was missed.
func (s *Server) sla(t *store.Ticket, now time.Time) slaView {
	v := slaView{Started: !t.SLAStartedAt.IsZero(), Elapsed: t.SLAElapsed(now)}
	if o := s.org(t.Organization); o != nil {
		v.FirstResponse, v.Resolution = o.SLAFirstResponse, o.SLAResolution
	}
	for _, e := range t.Conversation {
		if e.Kind == store.EntryReply && v.Started && !e.At.Before(t.SLAStartedAt) {
			v.Responded, v.RespondedIn = true, e.At.Sub(t.SLAStartedAt)
			break
		}
	}
	switch {
	case !v.Started:
	case v.FirstResponse > 0 && ((v.Responded && v.RespondedIn > v.FirstResponse) || (!v.Responded && v.Elapsed > v.FirstResponse)):
		v.Late = true
	case v.Resolution > 0 && v.Elapsed > v.Resolution:
		v.Late = true
	}
	return v
}

// download serves one attachment of one customer message as a download:
// never shown inline, its type never sniffed, sandboxed.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	t, ok := s.lookup(w, r)
	if !ok {
		return
	}
	mi, err1 := strconv.Atoi(r.PathValue("msg"))
	fi, err2 := strconv.Atoi(r.PathValue("file"))
	if err1 != nil || err2 != nil || mi < 0 || mi >= len(t.Messages) || fi < 0 {
		s.notFound(w, r, "No such file.")
		return
	}
	raw, err := s.o.Store.Raw(t.Messages[mi].Key)
	if err != nil {
		s.notFound(w, r, "The message is no longer kept.")
		return
	}
	files, _, err := intake.ReadAttachments(raw, int64(len(raw)))
	if err != nil || fi >= len(files) || files[fi].Index != fi {
		s.notFound(w, r, "No such file.")
		return
	}
	f := files[fi]
	name := intake.SafeFileName(f.Name, f.MediaType)
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	_, _ = w.Write(f.Data)
}

// doneMessages confirm an action after its redirect.
var doneMessages = map[string]string{
	"answer": "Your answer is on its way to the customer.", "note": "Note added.", "assign": "Assignment changed.",
	"close": "Ticket closed; the customer is told.", "reopen": "Ticket reopened.", "warranty": "Now a warranty ticket: its deduction is refunded.",
}

// act runs one action on a ticket (answer, note, assign, close, reopen,
// warranty) and redirects back to the ticket (POST-redirect-GET).
func (s *Server) act(w http.ResponseWriter, r *http.Request) {
	t, ok := s.lookup(w, r)
	if !ok {
		return
	}
	u := userOf(r)
	by := Author{Address: u.Email, Name: u.Name}
	if by.Address == "" {
		by.Address = u.Name
	}
	action := r.PathValue("action")
	words := strings.TrimSpace(r.PostFormValue("words"))
	var err error
	switch action {
	case "answer", "note":
		if words == "" {
			http.Redirect(w, r, ticketPath(t.Number)+"?failed=empty", http.StatusSeeOther)
			return
		}
		if action == "answer" {
			_, err = s.o.Actions.Answer(t.Number, by, words)
		} else {
			_, err = s.o.Actions.Note(t.Number, by, words)
		}
	case "assign":
		assignee := strings.TrimSpace(r.PostFormValue("assignee"))
		if assignee != "" {
			if _, uerr := s.o.Store.User(assignee); uerr != nil {
				http.Redirect(w, r, ticketPath(t.Number)+"?failed=assignee", http.StatusSeeOther)
				return
			}
		}
		_, err = s.o.Actions.Assign(t.Number, by, assignee)
	case "close":
		_, err = s.o.Actions.Close(t.Number, by)
	case "reopen":
		_, err = s.o.Actions.Reopen(t.Number, by)
	case "warranty":
		_, err = s.o.Actions.Warranty(t.Number, by)
	default:
		s.notFound(w, r, "No such action.")
		return
	}
	if err != nil {
		s.serverError(w, r, fmt.Errorf("%s %s: %w", action, t.Number, err))
		return
	}
	s.o.Log.Info("console action", "ticket", t.Number, "action", action, "user", u.Name)
	s.hub.Notify()
	http.Redirect(w, r, ticketPath(t.Number)+"?done="+action, http.StatusSeeOther)
}

func ticketPath(number string) string { return "/tickets/" + url.PathEscape(number) }
