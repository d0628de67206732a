package webhook

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/store"
)

// DefaultRetry is the webhook worker's retry schedule, for outbox.Options
// Retry (it has outbox.Retry's fields, so it assigns as is): the first
// retry within 5 s, then doubling up to every 2 h, for 72 h — past the
// 24 h of the Standard Webhooks schedule.
var DefaultRetry = struct{ Min, Max, MaxAge time.Duration }{
	Min: 5 * time.Second, Max: 2 * time.Hour, MaxAge: 72 * time.Hour,
}

const (
	// requestTimeout bounds one request, from the dial to the end of the
	// answer's body.
	requestTimeout = 15 * time.Second
	// concurrency is how many requests Deliver has in flight at once.
	concurrency = 4
	// maxResponse is how much of an answer's body is read (and dropped)
	// so that the connection can be reused.
	maxResponse = 4 << 10
	// userAgent is every request's User-Agent.
	userAgent = "ticketd-webhooks"
)

// Errors of Deliver for which an item is not retried (Permanent).
var (
	// ErrUndecodable is returned (wrapped) for an item whose payload is
	// not a JSON Event.
	ErrUndecodable = errors.New("webhook: undecodable event")
	// ErrUnknownEndpoint is returned (wrapped) for an event whose endpoint
	// is not configured (any more).
	ErrUnknownEndpoint = errors.New("webhook: unknown endpoint")
	// ErrDisabled is returned (wrapped) for an event to an endpoint that
	// answered 410 Gone, then or before: nothing more is sent to it until
	// the process restarts.
	ErrDisabled = errors.New("webhook: endpoint disabled")
)

// StatusError is an answer other than 2xx (and 410 Gone, which is
// ErrDisabled): the event is retried.
type StatusError struct {
	Endpoint string
	Code     int
	Location string // of a redirect, which is not followed
}

func (e *StatusError) Error() string {
	if e.Code >= 300 && e.Code < 400 {
		return fmt.Sprintf("webhook %q: HTTP %d redirect to %q not followed", e.Endpoint, e.Code, e.Location)
	}
	return fmt.Sprintf("webhook %q: HTTP %d", e.Endpoint, e.Code)
}

// Destination delivers queued webhook events (outbox items of OutboxKind)
// to their endpoints: it implements outbox.Destination. Each event is
// retried on its own: one endpoint's failures never defer another's.
type Destination struct {
	targets map[string]*target // by Endpoint.Name
	metrics *metrics.Metrics
	log     *slog.Logger
	now     func() time.Time

	mu       sync.Mutex
	disabled map[string]bool // endpoints that answered 410 Gone
}

// target is an endpoint ready to post to.
type target struct {
	ep      Endpoint
	key     []byte // the HMAC key of FormatStandard
	invalid error  // Validate's: every event to it fails
	client  *http.Client
}

// NewDestination returns a Destination for the endpoints. m may be nil;
// now is the clock of the webhook-timestamp header (time.Now when nil).
// An endpoint that does not pass Validate is logged, and its events fail
// for good.
func NewDestination(endpoints []Endpoint, m *metrics.Metrics, log *slog.Logger, now func() time.Time) *Destination {
	return newDestination(endpoints, m, log, now, transportOptions{})
}

// transportOptions let tests trust their server's certificate and point a
// name at their loopback server (as curl --resolve does).
type transportOptions struct {
	roots   *x509.CertPool
	resolve map[string]string // "host:port" to the "ip:port" to dial
}

func newDestination(endpoints []Endpoint, m *metrics.Metrics, log *slog.Logger, now func() time.Time, to transportOptions) *Destination {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	d := &Destination{targets: make(map[string]*target, len(endpoints)), metrics: m, log: log, now: now, disabled: make(map[string]bool)}
	guarded, open := newClient(false, to), newClient(true, to)
	for _, ep := range endpoints {
		t := &target{ep: ep, client: guarded}
		if ep.AllowPrivate {
			t.client = open
		}
		if t.invalid = ep.Validate(); t.invalid != nil {
			log.Error("webhook endpoint invalid; its events will fail", "endpoint", ep.Name, "err", t.invalid)
		} else if ep.Format == "" || ep.Format == FormatStandard {
			t.key, _ = ep.key() // Validate checked it
		}
		d.targets[ep.Name] = t
		m.WebhookEndpointDisabled(ep.Name, false)
	}
	return d
}

// dialer returns the dialer of an endpoint: guarded unless allowPrivate.
func dialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: requestTimeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = refusePrivate
	}
	return d
}

// newClient returns the HTTP client of the endpoints with allowPrivate as
// given: no proxy (it would be dialled instead of the endpoint, past the
// address guard), no redirects, requestTimeout.
func newClient(allowPrivate bool, to transportOptions) *http.Client {
	dialer := dialer(allowPrivate)
	dial := dialer.DialContext
	if to.resolve != nil {
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if a, ok := to.resolve[addr]; ok {
				addr = a
			}
			return dialer.DialContext(ctx, network, addr)
		}
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dial,
			TLSClientConfig:       &tls.Config{RootCAs: to.roots, MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: requestTimeout,
			MaxIdleConnsPerHost:   concurrency,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		Timeout: requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Deliver implements outbox.Destination: it posts up to concurrency
// events at once; a cancelled ctx aborts the requests in flight and
// leaves the rest unsent (retried).
func (d *Destination) Deliver(ctx context.Context, items []store.OutboxItem, accepted func(i int)) []error {
	errs := make([]error, len(items))
	slots := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i, it := range items {
		select {
		case slots <- struct{}{}:
			if ctx.Err() == nil {
				wg.Go(func() {
					defer func() { <-slots }()
					if errs[i] = d.deliver(ctx, it); errs[i] == nil {
						accepted(i)
					}
				})
				continue
			}
			<-slots
		case <-ctx.Done():
		}
		errs[i] = fmt.Errorf("webhook %q: not sent: %w", it.To, context.Cause(ctx))
	}
	wg.Wait()
	return errs
}

// Permanent implements outbox.Destination: an undecodable event, an
// endpoint unknown, invalid or disabled (410 Gone).
func (d *Destination) Permanent(err error) bool {
	return errors.Is(err, ErrUndecodable) || errors.Is(err, ErrUnknownEndpoint) ||
		errors.Is(err, ErrInvalidEndpoint) || errors.Is(err, ErrDisabled)
}

// Unavailable implements outbox.Destination: never. Each endpoint is a
// destination of its own, and each event retries on its own backoff, so
// that a dead endpoint does not hold back the others.
func (d *Destination) Unavailable(error) bool { return false }

// Refused implements outbox.Destination: never (see Unavailable).
func (d *Destination) Refused(error) bool { return false }

// Disabled reports whether the endpoint answered 410 Gone.
func (d *Destination) Disabled(endpoint string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.disabled[endpoint]
}

// deliver posts one item's event and counts the outcome.
func (d *Destination) deliver(ctx context.Context, it store.OutboxItem) error {
	var ev Event
	if err := json.Unmarshal(it.Payload, &ev); err != nil {
		d.metrics.WebhookDelivery(it.To, metrics.WebhookFailed)
		return fmt.Errorf("%w: outbox item %d: %w", ErrUndecodable, it.ID, err)
	}
	name := cmp.Or(ev.Endpoint, it.To)
	outcome, err := d.post(ctx, name, &ev)
	d.metrics.WebhookDelivery(name, outcome)
	return err
}

// post sends ev to the named endpoint; it returns the outcome for the
// metrics (metrics.Webhook*) and the error, nil once delivered.
func (d *Destination) post(ctx context.Context, name string, ev *Event) (string, error) {
	t, ok := d.targets[name]
	switch {
	case !ok:
		return metrics.WebhookFailed, fmt.Errorf("%w %q (no longer in webhooks[]?): event %s", ErrUnknownEndpoint, name, ev.ID)
	case t.invalid != nil:
		return metrics.WebhookFailed, t.invalid
	case d.Disabled(name):
		return metrics.WebhookDisabled, fmt.Errorf("%w: %q answered 410 Gone", ErrDisabled, name)
	}
	payload, err := body(t.ep.Format, ev)
	if err != nil {
		return metrics.WebhookFailed, fmt.Errorf("%w: event %s for %q: %w", ErrUndecodable, ev.ID, name, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.ep.URL, bytes.NewReader(payload))
	if err != nil {
		return metrics.WebhookFailed, fmt.Errorf("%w %q: %w", ErrInvalidEndpoint, name, redact(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("webhook-id", ev.ID)
	if t.key != nil {
		ts := d.now().Unix()
		req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("webhook-signature", sign(t.key, ev.ID, ts, payload))
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return metrics.WebhookRetry, fmt.Errorf("webhook %q: POST: %w", name, redact(err))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse))
	_ = resp.Body.Close()
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return metrics.WebhookDelivered, nil
	case code == http.StatusGone:
		d.disable(t)
		return metrics.WebhookDisabled, fmt.Errorf("%w: %q answered 410 Gone", ErrDisabled, name)
	default:
		return metrics.WebhookRetry, &StatusError{Endpoint: name, Code: code, Location: resp.Header.Get("Location")}
	}
}

// disable stops every later event to the endpoint, once.
func (d *Destination) disable(t *target) {
	d.mu.Lock()
	already := d.disabled[t.ep.Name]
	d.disabled[t.ep.Name] = true
	d.mu.Unlock()
	if already {
		return
	}
	d.metrics.WebhookEndpointDisabled(t.ep.Name, true)
	d.log.Error("webhook endpoint disabled: 410 Gone", "endpoint", t.ep.Name, "url", origin(t.ep.URL))
}
