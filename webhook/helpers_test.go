package webhook_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/store"
	"github.com/ticketd/ticketd/webhook"
)

// testSecret is the endpoints' Standard Webhooks secret.
var testSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("a test key of thirty-two bytes!!"))

// request is one request a receiver got.
type request struct {
	header http.Header
	body   []byte
}

// receiver is an https server on loopback that records the requests it
// gets and answers each with the next of its answers (200 once they run
// out).
type receiver struct {
	srv   *httptest.Server
	conns atomic.Int64 // connections accepted

	mu       sync.Mutex
	requests []request
	answers  []int
	location string // of a 3xx answer
}

func newReceiver(t *testing.T, answers ...int) *receiver {
	t.Helper()
	r := &receiver{answers: answers}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, request{header: req.Header.Clone(), body: body})
		code := http.StatusOK
		if len(r.answers) > 0 {
			code, r.answers = r.answers[0], r.answers[1:]
		}
		location := r.location
		r.mu.Unlock()
		if location != "" {
			w.Header().Set("Location", location)
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, "answer body")
	}))
	r.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			r.conns.Add(1)
		}
	}
	r.srv.StartTLS()
	t.Cleanup(r.srv.Close)
	return r
}

// got returns the requests received so far.
func (r *receiver) got() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.requests...)
}

// url is the receiver's webhook URL.
func (r *receiver) url() string { return r.srv.URL + "/hooks/ticketd" }

// roots trusts the certificate of every httptest TLS server.
func (r *receiver) roots() *x509.CertPool {
	return r.srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
}

// endpoint is a standard endpoint posting to r, allowed to reach it on
// loopback.
func (r *receiver) endpoint(name string) webhook.Endpoint {
	return webhook.Endpoint{Name: name, URL: r.url(), Secret: testSecret, AllowPrivate: true}
}

// destination returns a destination for the endpoints trusting the
// receivers' certificate, with metrics and logs.
func destination(t *testing.T, eps []webhook.Endpoint, roots *x509.CertPool, resolve map[string]string) (*webhook.Destination, *metrics.Metrics, *mailtest.Buffer) {
	t.Helper()
	m, buf := metrics.New(), &mailtest.Buffer{}
	return webhook.NewTestDestination(eps, m, mailtest.Logger(t, buf), time.Now, roots, resolve), m, buf
}

// sampleEvent is a ticket.created event with customer text.
func sampleEvent(id string) webhook.Event {
	return webhook.Event{
		ID:   id,
		Type: webhook.TicketCreated,
		At:   time.Date(2026, 11, 3, 9, 0, 0, 250_000_000, time.UTC),
		Data: webhook.Data{
			Ticket: "SUP-000042", Status: "needs_info", Organization: "acme", Category: "api_error",
			Sender: "ana@acme.example", Subject: "API returns 500 on /orders",
			Missing: []string{"evidence.attached"}, Text: "Since this morning every POST fails.",
			URL: "https://desk.example/tickets/SUP-000042",
		},
	}
}

// items returns the outbox items Fanout makes of ev for the endpoints,
// numbered from 1, as the worker would hand them over.
func items(t *testing.T, eps []webhook.Endpoint, evs ...webhook.Event) []store.OutboxItem {
	t.Helper()
	var out []store.OutboxItem
	for _, ev := range evs {
		outs, err := webhook.Fanout(eps, ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outs {
			out = append(out, store.OutboxItem{ID: uint64(len(out) + 1), Kind: o.Kind, To: o.To, Payload: o.Payload, Attempts: 1, State: store.StatePending})
		}
	}
	return out
}

// deliver hands items to d and returns its errors and which were
// accepted.
func deliver(t *testing.T, d *webhook.Destination, its []store.OutboxItem) ([]error, []bool) {
	t.Helper()
	var mu sync.Mutex
	accepted := make([]bool, len(its))
	errs := d.Deliver(t.Context(), its, func(i int) {
		mu.Lock()
		defer mu.Unlock()
		accepted[i] = true
	})
	if len(errs) != len(its) {
		t.Fatalf("Deliver returned %d errors for %d items", len(errs), len(its))
	}
	return errs, accepted
}

// metric returns the value of the ticketd series name{labels}, and fails
// the test when the series is not exported: "0" and "absent" differ.
func metric(t *testing.T, m *metrics.Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, s := range mf.GetMetric() {
			if matches(s.GetLabel(), labels) {
				if c := s.GetCounter(); c != nil {
					return c.GetValue()
				}
				return s.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("%s%v is not exported", name, labels)
	return 0
}

func matches(pairs []*dto.LabelPair, want map[string]string) bool {
	if len(pairs) != len(want) {
		return false
	}
	for _, p := range pairs {
		if want[p.GetName()] != p.GetValue() {
			return false
		}
	}
	return true
}

// decode unmarshals a JSON body into a generic value, failing the test
// if it is not JSON.
func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, body)
	}
	return v
}
