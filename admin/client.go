package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/ticketd/ticketd/store"
)

const (
	// DefaultClientTimeout bounds one request when NewClient gets no
	// timeout.
	DefaultClientTimeout = 30 * time.Second
	// dialTimeout is short: the API is on loopback, where a connection
	// is accepted or refused at once.
	dialTimeout = 300 * time.Millisecond
	// upTimeout bounds the whole of Up, so a wedged daemon is reported
	// quickly rather than after the request timeout.
	upTimeout = 2 * time.Second
	// MaxRawBytes bounds a raw message Client.Raw accepts.
	MaxRawBytes = 1 << 30
)

// Client talks to the admin API of a running daemon. Its methods are safe
// for concurrent use.
type Client struct {
	addr string // host:port dialled
	base string // "http://" + addr
	http *http.Client
}

// NewClient returns a client for the admin API at addr (host:port, as in
// admin.listen). An empty or unspecified host (":9120", "0.0.0.0:9120")
// is reached on 127.0.0.1. timeout bounds each request; zero or negative
// means DefaultClientTimeout.
func NewClient(addr string, timeout time.Duration) *Client {
	if timeout <= 0 {
		timeout = DefaultClientTimeout
	}
	addr = dialAddr(addr)
	tr := &http.Transport{
		Proxy:               nil, // never send the admin API through a proxy
		DialContext:         (&net.Dialer{Timeout: dialTimeout}).DialContext,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     30 * time.Second,
	}
	return &Client{addr: addr, base: "http://" + addr, http: &http.Client{Transport: tr, Timeout: timeout}}
}

// dialAddr replaces an empty or unspecified host by 127.0.0.1.
func dialAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr // let the request report it
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// Addr returns the host:port the client dials.
func (c *Client) Addr() string { return c.addr }

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Up reports whether a ticketd admin API answers at the client's address.
// It returns false and a nil error when nothing listens there (connection
// refused), so the caller can open the database itself; false and an
// error for anything else (a timeout, or another service answering).
func (c *Client) Up(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, upTimeout)
	defer cancel()
	var p pingBody
	err := c.getJSON(ctx, PathPrefix+"ping", nil, &p)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("admin API at %s: %w", c.addr, err)
	case p.Service != serviceName:
		return false, fmt.Errorf("admin API at %s: the service answering is %q, not %s", c.addr, p.Service, serviceName)
	}
	return true, nil
}

// Tickets lists the tickets matching f, ordered by number.
func (c *Client) Tickets(ctx context.Context, f store.TicketFilter) ([]store.Ticket, error) {
	q := url.Values{}
	if f.Org != "" {
		q.Set("org", f.Org)
	}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if !f.Since.IsZero() {
		q.Set("since", formatSince(f.Since))
	}
	var ts []store.Ticket
	if err := c.getJSON(ctx, PathPrefix+"tickets", q, &ts); err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	return ts, nil
}

// Ticket returns one ticket; an unknown number gives an error wrapping
// store.ErrNotFound.
func (c *Client) Ticket(ctx context.Context, number string) (*store.Ticket, error) {
	p, err := ticketPath(number, "")
	if err != nil {
		return nil, err
	}
	var t store.Ticket
	if err := c.getJSON(ctx, p, nil, &t); err != nil {
		return nil, fmt.Errorf("ticket %q: %w", number, err)
	}
	return &t, nil
}

// Raw returns the raw bytes of the i-th (1-based) customer message of a
// ticket.
func (c *Client) Raw(ctx context.Context, number string, i int) ([]byte, error) {
	if i < 1 {
		return nil, fmt.Errorf("raw message %d of %q: %w: messages count from 1", i, number, store.ErrInvalid)
	}
	p, err := ticketPath(number, "/messages/"+strconv.Itoa(i)+"/raw")
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, http.MethodGet, p, nil, false)
	if err != nil {
		return nil, fmt.Errorf("raw message %d of %q: %w", i, number, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxRawBytes+1))
	if err != nil {
		return nil, fmt.Errorf("raw message %d of %q: read: %w", i, number, err)
	}
	if len(raw) > MaxRawBytes {
		return nil, fmt.Errorf("raw message %d of %q: larger than %d bytes", i, number, MaxRawBytes)
	}
	return raw, nil
}

// Ledger returns the ledger entries of org ("" for every organization).
func (c *Client) Ledger(ctx context.Context, org string) ([]store.LedgerEntry, error) {
	q := url.Values{}
	if org != "" {
		q.Set("org", org)
	}
	var es []store.LedgerEntry
	if err := c.getJSON(ctx, PathPrefix+"ledger", q, &es); err != nil {
		return nil, fmt.Errorf("ledger %q: %w", org, err)
	}
	return es, nil
}

// MarkWarranty makes the ticket a warranty ticket (refunding its
// deduction) and returns it.
func (c *Client) MarkWarranty(ctx context.Context, number string) (*store.Ticket, error) {
	return c.change(ctx, number, "warranty")
}

// CloseTicket closes the ticket and returns it.
func (c *Client) CloseTicket(ctx context.Context, number string) (*store.Ticket, error) {
	return c.change(ctx, number, "close")
}

func (c *Client) change(ctx context.Context, number, what string) (*store.Ticket, error) {
	p, err := ticketPath(number, "/"+what)
	if err != nil {
		return nil, err
	}
	var t store.Ticket
	if err := c.postJSON(ctx, p, nil, &t); err != nil {
		return nil, fmt.Errorf("%s ticket %q: %w", what, number, err)
	}
	return &t, nil
}

// ticketPath is the path of a ticket's resource, with the number escaped.
func ticketPath(number, suffix string) (string, error) {
	if number == "" {
		return "", fmt.Errorf("%w: empty ticket number", store.ErrInvalid)
	}
	return PathPrefix + "tickets/" + url.PathEscape(number) + suffix, nil
}

// getJSON GETs path?q and decodes the JSON answer into out.
func (c *Client) getJSON(ctx context.Context, path string, q url.Values, out any) error {
	return c.callJSON(ctx, http.MethodGet, path, q, out)
}

// postJSON POSTs to path?q with the admin header and decodes the JSON
// answer into out.
func (c *Client) postJSON(ctx context.Context, path string, q url.Values, out any) error {
	return c.callJSON(ctx, http.MethodPost, path, q, out)
}

// callJSON sends one request (with the admin header unless it is a GET)
// and decodes the JSON answer into out.
func (c *Client) callJSON(ctx context.Context, method, path string, q url.Values, out any) error {
	resp, err := c.do(ctx, method, path, q, method != http.MethodGet)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}

// do sends one request and returns the response if its status is 2xx;
// otherwise it returns a *StatusError. mutating adds the admin header.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, mutating bool) (*http.Response, error) {
	return c.send(ctx, method, path, q, mutating, nil)
}

// send is do with a JSON request body (none when body is nil).
func (c *Client) send(ctx context.Context, method, path string, q url.Values, mutating bool, body io.Reader) (*http.Response, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("admin API request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if mutating {
		req.Header.Set(AdminHeader, "1")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err // *url.Error already names method and URL
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, readStatusError(resp)
	}
	return resp, nil
}

// Backup writes a consistent copy of the daemon's database to w.
func (c *Client) Backup(ctx context.Context, w io.Writer) (int64, error) {
	resp, err := c.do(ctx, http.MethodGet, PathPrefix+"backup", nil, true)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("backup: after %d bytes: %w", n, err)
	}
	return n, nil
}
