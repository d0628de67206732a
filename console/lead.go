package console

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/internal/password"
	"github.com/ticketd/ticketd/store"
)

// ledgerRow is one organization's plan usage in one period.
type ledgerRow struct {
	store.LedgerEntry
	Name      string
	Included  int
	Remaining int
}

// weekBar is one bar of the tickets-per-week plot.
type weekBar struct {
	Start        time.Time
	Count        int
	X, Y, Height int
}

// ledger shows the plan usage per organization and period, and a plot of
// an organization's tickets per week over the last twelve weeks.
func (s *Server) ledger(w http.ResponseWriter, r *http.Request) {
	org := r.URL.Query().Get("org")
	entries, err := s.o.Store.Ledger(org)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows := make([]ledgerRow, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		row := ledgerRow{LedgerEntry: e, Name: s.orgName(e.Org)}
		if o := s.org(e.Org); o != nil {
			row.Included, row.Remaining = o.TicketsIncluded, max(o.TicketsIncluded-e.Used, 0)
		}
		rows = append(rows, row)
	}
	data := map[string]any{"Title": "Plan ledger", "Rows": rows, "Orgs": s.o.Organizations, "Org": org}
	if org != "" {
		bars, err := s.weeks(org, 12)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["Bars"] = bars
		data["OrgName"] = s.orgName(org)
	}
	s.render(w, r, http.StatusOK, "ledger", data)
}

// Plot geometry (SVG user units).
const (
	plotHeight = 120
	barWidth   = 28
	barGap     = 8
)

// weeks counts org's tickets per week (Monday to Sunday, UTC) for the
// last n weeks, oldest first, with the bars' geometry.
func (s *Server) weeks(org string, n int) ([]weekBar, error) {
	now := s.o.Now().UTC()
	monday := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday = monday.AddDate(0, 0, -((int(monday.Weekday()) + 6) % 7))
	first := monday.AddDate(0, 0, -7*(n-1))
	days, err := s.o.Store.TicketsPerDay(org, first, first.AddDate(0, 0, 7*n-1))
	if err != nil {
		return nil, err
	}
	bars := make([]weekBar, n)
	for i := range bars {
		bars[i].Start = first.AddDate(0, 0, 7*i)
		for d := range 7 {
			bars[i].Count += days[bars[i].Start.AddDate(0, 0, d).Format(time.DateOnly)]
		}
	}
	top := 1
	for _, b := range bars {
		top = max(top, b.Count)
	}
	for i := range bars {
		bars[i].Height = bars[i].Count * plotHeight / top
		bars[i].X = i * (barWidth + barGap)
		bars[i].Y = plotHeight - bars[i].Height
	}
	return bars, nil
}

// held lists the mail held over a contact's hourly rate.
func (s *Server) held(w http.ResponseWriter, r *http.Request) {
	recs, err := s.o.Store.Held()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "held", map[string]any{"Title": "Held mail", "Held": recs, "Done": r.URL.Query().Get("done")})
}

// release registers one held message now.
func (s *Server) release(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r, "No such held message.")
		return
	}
	if err := s.o.Held.Release(r.Context(), id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.notFound(w, r, "No such held message.")
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.o.Log.Info("console: held mail released", "id", id, "user", userOf(r).Name)
	s.hub.Notify()
	http.Redirect(w, r, "/held?done="+strconv.FormatUint(id, 10), http.StatusSeeOther)
}

// quarantine lists the quarantine folder with the reasons.
func (s *Server) quarantine(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{"Title": "Quarantine", "Done": r.URL.Query().Get("done")}
	if s.o.Quarantine == nil {
		data["Error"] = "The quarantine folder cannot be reached from here."
	} else if msgs, err := s.o.Quarantine.List(r.Context()); err != nil {
		s.o.Log.Warn("console: quarantine list failed", "err", err)
		data["Error"] = "The quarantine folder cannot be read now: " + err.Error()
	} else {
		data["Messages"] = msgs
	}
	s.render(w, r, http.StatusOK, "quarantine", data)
}

// retry moves one quarantined message back to the inbox.
func (s *Server) retry(w http.ResponseWriter, r *http.Request) {
	uid, err := strconv.ParseUint(r.PathValue("uid"), 10, 32)
	if err != nil || uid == 0 || s.o.Quarantine == nil {
		s.notFound(w, r, "No such quarantined message.")
		return
	}
	if err := s.o.Quarantine.Retry(r.Context(), uint32(uid)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.o.Log.Info("console: quarantined message retried", "uid", uid, "user", userOf(r).Name)
	http.Redirect(w, r, "/quarantine?done="+strconv.FormatUint(uid, 10), http.StatusSeeOther)
}

// outboxRow is the outbox's state for one kind of item.
type outboxRow struct {
	Kind    string
	Pending int
	Oldest  time.Duration
}

// health shows the outbox by kind (emails and webhook events waiting, the
// oldest's age) and the last failures.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	now := s.o.Now()
	byKind, err := s.o.Store.OutboxStatsByKind(now)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var rows []outboxRow
	for _, kind := range slices.Sorted(maps.Keys(byKind)) {
		rows = append(rows, outboxRow{Kind: kind, Pending: byKind[kind].Pending, Oldest: byKind[kind].Oldest})
	}
	failed, err := s.o.Store.FailedOutbox()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(failed) > 20 {
		failed = failed[len(failed)-20:] // the latest
	}
	s.render(w, r, http.StatusOK, "health", map[string]any{"Title": "Outbox and webhooks", "Rows": rows, "Failed": failed})
}

// users lists the users for leads, with forms to add, disable, enable
// and set a password.
func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	us, err := s.o.Store.Users()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "users", map[string]any{"Title": "Users", "Users": us, "Done": q.Get("done"), "Failed": q.Get("failed")})
}

// addUser creates a user (a password is optional: without one the user
// cannot sign in yet).
func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	name := strings.ToLower(strings.TrimSpace(r.PostFormValue("name")))
	u := store.User{Name: name, Email: strings.ToLower(strings.TrimSpace(r.PostFormValue("email"))), Role: store.Role(r.PostFormValue("role"))}
	if pw := r.PostFormValue("password"); pw != "" {
		hash, err := password.New(pw)
		if err != nil {
			usersFailed(w, r, err.Error())
			return
		}
		u.PasswordHash = hash
	}
	if err := s.o.Store.AddUser(u, s.o.Now()); err != nil {
		if errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrInvalid) {
			usersFailed(w, r, err.Error())
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.o.Log.Info("console: user added", "user", name, "role", u.Role, "by", userOf(r).Name)
	http.Redirect(w, r, "/users?done="+url.QueryEscape("added "+name), http.StatusSeeOther)
}

// changeUser disables, enables, sets the role or the password of a user.
func (s *Server) changeUser(w http.ResponseWriter, r *http.Request) {
	name, action := r.PathValue("name"), r.PathValue("action")
	now := s.o.Now()
	var err error
	switch action {
	case "disable":
		if name == userOf(r).Name {
			usersFailed(w, r, "you cannot disable yourself")
			return
		}
		err = s.o.Store.DisableUser(name, now)
	case "enable":
		err = s.o.Store.EnableUser(name, now)
	case "role":
		err = s.o.Store.SetRole(name, store.Role(r.PostFormValue("role")), now)
	case "password":
		hash, herr := password.New(r.PostFormValue("password"))
		if herr != nil {
			usersFailed(w, r, herr.Error())
			return
		}
		err = s.o.Store.SetPassword(name, hash, now)
	default:
		s.notFound(w, r, "No such action.")
		return
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		usersFailed(w, r, err.Error())
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.o.Log.Info("console: user changed", "user", name, "action", action, "by", userOf(r).Name)
	http.Redirect(w, r, "/users?done="+url.QueryEscape(action+" "+name), http.StatusSeeOther)
}

func usersFailed(w http.ResponseWriter, r *http.Request, msg string) {
	http.Redirect(w, r, "/users?failed="+url.QueryEscape(msg), http.StatusSeeOther)
}

// Quarantined is inbox.Quarantined, for templates.
type Quarantined = inbox.Quarantined
