package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// queueDef is one tab of the queue page.
type queueDef struct {
	Name, Title string
	filter      func(f *store.QueueFilter, me *store.User)
}

// queues are the tabs, in order. held and turned away are lists of mail
// that made no ticket.
var queues = []queueDef{
	{"new", "New", func(f *store.QueueFilter, _ *store.User) { f.Status, f.Assignee = store.StatusOpen, "-" }},
	{"mine", "Mine", func(f *store.QueueFilter, me *store.User) { f.Assignee = me.Name; f.Status = store.StatusOpen }},
	{"waiting", "Waiting for customer", func(f *store.QueueFilter, _ *store.User) { f.Status = store.StatusNeedsInfo }},
	{"open", "Open", func(f *store.QueueFilter, _ *store.User) { f.Status = store.StatusOpen }},
	{"closed", "Closed", func(f *store.QueueFilter, _ *store.User) { f.Status = store.StatusClosed }},
	{"overplan", "Over plan", func(f *store.QueueFilter, _ *store.User) { f.OverPlan = true }},
	{"turnedaway", "Turned away", nil},
}

// queueRow is one ticket line.
type queueRow struct {
	T        store.Ticket
	OrgName  string
	Waiting  time.Duration // since the customer's latest message (needs_info)
	Missing  []string
	Category string
}

// queue shows one queue, filtered and searched, a page at a time.
func (s *Server) queue(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if name == "" {
		name = "new"
	}
	if name == "turnedaway" {
		s.turnedAway(w, r)
		return
	}
	def := findQueue(name)
	if def == nil {
		s.notFound(w, r, "No such queue.")
		return
	}
	q := r.URL.Query()
	f := store.QueueFilter{Org: q.Get("org"), Category: q.Get("category"), Assignee: q.Get("assignee"), Query: strings.TrimSpace(q.Get("q")), Limit: 50}
	def.filter(&f, userOf(r))
	if before, err := strconv.ParseUint(q.Get("before"), 10, 64); err == nil {
		f.Before = before
	}
	page, err := s.o.Store.Queue(f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	counts, overPlan, err := s.o.Store.QueueCounts()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	now := s.o.Now()
	rows := make([]queueRow, 0, len(page.Tickets))
	for _, t := range page.Tickets {
		row := queueRow{T: t, OrgName: s.orgName(t.Organization), Category: categoryName(t.Category)}
		if n := len(t.Messages); t.Status == store.StatusNeedsInfo && n > 0 {
			row.Waiting = now.Sub(t.Messages[n-1].ReceivedAt)
		}
		for _, fd := range t.Findings {
			if fd.Blocking() {
				row.Missing = append(row.Missing, fd.Rule)
			}
		}
		rows = append(rows, row)
	}
	users, _ := s.o.Store.Users()
	s.render(w, r, http.StatusOK, "queue", map[string]any{
		"Title": def.Title, "Queue": def.Name, "Queues": queues, "Rows": rows, "Total": page.Total, "Next": page.Next,
		"Counts":  map[string]int{"waiting": counts[store.StatusNeedsInfo], "open": counts[store.StatusOpen], "closed": counts[store.StatusClosed], "overplan": overPlan},
		"Refresh": true, "Filter": f, "Orgs": s.o.Organizations, "Categories": categories, "Users": users,
		"Org": q.Get("org"), "Category": q.Get("category"), "Assignee": q.Get("assignee"), "Q": q.Get("q"),
	})
}

// turnedAway lists the mail that made no ticket in the last 30 days:
// rejected, ignored and held.
func (s *Server) turnedAway(w http.ResponseWriter, r *http.Request) {
	recs, err := s.o.Store.TurnedAway(s.o.Now().AddDate(0, 0, -30))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// Newest first, at most 200.
	out := make([]store.TurnedAwayRecord, 0, min(len(recs), 200))
	for i := len(recs) - 1; i >= 0 && len(out) < 200; i-- {
		out = append(out, recs[i])
	}
	counts, overPlan, err := s.o.Store.QueueCounts()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "queue", map[string]any{
		"Title": "Turned away", "Queue": "turnedaway", "Queues": queues, "TurnedAway": out, "Total": len(recs),
		"Counts": map[string]int{"waiting": counts[store.StatusNeedsInfo], "open": counts[store.StatusOpen], "closed": counts[store.StatusClosed], "overplan": overPlan},
	})
}

func findQueue(name string) *queueDef {
	for i := range queues {
		if queues[i].Name == name {
			return &queues[i]
		}
	}
	return nil
}

// categories are the filter's choices.
var categories = []struct{ ID, Name string }{
	{string(rules.Incident), "Incident"}, {string(rules.APIError), "API error"}, {string(rules.Upload), "Data upload"},
	{string(rules.Document), "Document"}, {string(rules.SelfService), "Self-service"}, {string(rules.Question), "Question"},
}

func categoryName(c rules.Category) string {
	for _, x := range categories {
		if x.ID == string(c) {
			return x.Name
		}
	}
	return string(c)
}

func (s *Server) orgName(id string) string {
	for _, o := range s.o.Organizations {
		if o.ID == id {
			return o.Name
		}
	}
	return id
}

func (s *Server) org(id string) *Organization {
	for i := range s.o.Organizations {
		if s.o.Organizations[i].ID == id {
			return &s.o.Organizations[i]
		}
	}
	return nil
}
