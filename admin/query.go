package admin

import (
	"fmt"
	"net/url"
	"time"

	"github.com/ticketd/ticketd/store"
)

// SinceLayout is the date form of the since parameter. The server also
// accepts RFC 3339 times, which the Client sends when Since is not a UTC
// midnight.
const SinceLayout = "2006-01-02"

// parseTicketFilter reads org, status and since from q. Unknown or
// repeated parameters are refused, so that a typo does not silently widen
// the listing to every ticket.
func parseTicketFilter(q url.Values) (store.TicketFilter, error) {
	var f store.TicketFilter
	if err := onlyParams(q, "org", "status", "since"); err != nil {
		return f, err
	}
	f.Org = q.Get("org")
	switch s := store.Status(q.Get("status")); s {
	case "", store.StatusNeedsInfo, store.StatusOpen, store.StatusClosed:
		f.Status = s
	default:
		return f, fmt.Errorf("status %q is not one of %s, %s, %s", s, store.StatusNeedsInfo, store.StatusOpen, store.StatusClosed)
	}
	if s := q.Get("since"); s != "" {
		t, err := parseSince(s)
		if err != nil {
			return f, err
		}
		f.Since = t
	}
	return f, nil
}

// parseSince accepts YYYY-MM-DD (midnight UTC) or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(SinceLayout, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("since %q is not a date (YYYY-MM-DD) or an RFC 3339 time", s)
}

// formatSince is parseSince's inverse, in the shortest exact form.
func formatSince(t time.Time) string {
	u := t.UTC()
	if u.Equal(u.Truncate(24 * time.Hour)) {
		return u.Format(SinceLayout)
	}
	return t.Format(time.RFC3339Nano)
}

// onlyParams refuses parameters other than names, and repeated ones.
func onlyParams(q url.Values, names ...string) error {
	for k, vs := range q {
		known := false
		for _, n := range names {
			known = known || k == n
		}
		if !known {
			return fmt.Errorf("unknown parameter %q", k)
		}
		if len(vs) > 1 {
			return fmt.Errorf("parameter %q given %d times", k, len(vs))
		}
	}
	return nil
}
