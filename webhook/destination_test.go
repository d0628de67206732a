package webhook_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/outbox"
	"github.com/ticketd/ticketd/store"
	"github.com/ticketd/ticketd/webhook"
)

var _ outbox.Destination = (*webhook.Destination)(nil)

// A standard endpoint gets the Standard Webhooks body and headers, and
// the official library verifies the signature.
func TestStandardRequest(t *testing.T) {
	verifier, err := standardwebhooks.NewWebhook(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ev   webhook.Event
	}{
		{"ticket created", sampleEvent("evt_created_1")},
		{"message rejected, no ticket", webhook.Event{ID: "evt_rejected_1", Type: webhook.MessageRejected, At: time.Date(2026, 11, 3, 9, 0, 0, 0, time.FixedZone("CET", 3600)),
			Data: webhook.Data{Sender: "mallory@evil.example", Subject: "Ünïcode <b>&</b> \u2028 \"quoted\"", Reason: "sender.known"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rcv := newReceiver(t)
			eps := []webhook.Endpoint{rcv.endpoint("ops")}
			d, m, _ := destination(t, eps, rcv.roots(), nil)
			before := time.Now().Unix()
			errs, accepted := deliver(t, d, items(t, eps, tc.ev))
			if errs[0] != nil || !accepted[0] {
				t.Fatalf("Deliver = %v (accepted %v), want delivered", errs[0], accepted[0])
			}
			reqs := rcv.got()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if err := verifier.Verify(r.body, r.header); err != nil {
				t.Errorf("signature does not verify: %v", err)
			}
			if ts, err := strconv.ParseInt(r.header.Get("webhook-timestamp"), 10, 64); err != nil || ts < before || ts > time.Now().Unix() {
				t.Errorf("webhook-timestamp %q, want the time of the attempt", r.header.Get("webhook-timestamp"))
			}
			for h, want := range map[string]string{"webhook-id": tc.ev.ID, "Content-Type": "application/json", "User-Agent": "ticketd-webhooks"} {
				if got := r.header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			body := decode(t, r.body)
			if body["type"] != tc.ev.Type {
				t.Errorf("type = %v, want %s", body["type"], tc.ev.Type)
			}
			if at, err := time.Parse(time.RFC3339, body["timestamp"].(string)); err != nil || !at.Equal(tc.ev.At) {
				t.Errorf("timestamp = %v (%v), want %v in RFC 3339", body["timestamp"], err, tc.ev.At)
			}
			data, _ := body["data"].(map[string]any)
			if data["subject"] != tc.ev.Data.Subject || data["sender"] != tc.ev.Data.Sender {
				t.Errorf("data = %v, want the event's", data)
			}
			if len(body) != 3 {
				t.Errorf("body has %d members, want type, timestamp and data: %s", len(body), r.body)
			}
			if n := metric(t, m, "ticketd_webhook_deliveries_total", map[string]string{"endpoint": "ops", "outcome": "delivered"}); n != 1 {
				t.Errorf("delivered counter = %v, want 1", n)
			}
		})
	}
}

// The receiver fails, then recovers: through a real outbox worker over a
// bbolt store, the event reaches it once more, with the same webhook-id
// and a valid signature, within 10 s of (a test clock's) time, and only
// once to its success path.
func TestRetriedThroughOutboxWorker(t *testing.T) {
	rcv := newReceiver(t, http.StatusInternalServerError, http.StatusServiceUnavailable)
	eps := []webhook.Endpoint{rcv.endpoint("ops")}
	var mu sync.Mutex
	now := time.Now().Truncate(time.Second)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) time.Time { mu.Lock(); defer mu.Unlock(); now = now.Add(d); return now }
	db, err := store.Open(filepath.Join(t.TempDir(), "ticketd.db"), store.Options{Timeout: time.Second, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	queueEvent(t, db, eps, sampleEvent("evt_retry_1"))
	m := metrics.New()
	w := outbox.New(outbox.Options{
		Store:       db,
		Destination: webhook.NewTestDestination(eps, m, nil, clock, rcv.roots(), nil),
		Retry:       webhook.DefaultRetry,
		Kinds:       []string{webhook.OutboxKind},
		Now:         clock,
	})
	ctx := t.Context()
	var attempts []time.Time
	for pass := range 2 { // 500, then 503
		attempts = append(attempts, clock())
		w.DeliverDue(ctx, clock())
		if n := len(rcv.got()); n != pass+1 {
			t.Fatalf("pass %d: %d requests, want %d", pass, n, pass+1)
		}
		next, ok, err := db.NextDueOf(store.OutboxFilter{Kinds: []string{webhook.OutboxKind}})
		if err != nil || !ok {
			t.Fatalf("pass %d: no retry scheduled (%v)", pass, err)
		}
		if wait := next.Sub(clock()); wait <= 0 || wait > 10*time.Second*time.Duration(pass+1) {
			t.Fatalf("pass %d: retry in %v", pass, wait)
		}
		w.DeliverDue(ctx, next.Add(-time.Millisecond)) // not due yet: nothing sent
		advance(next.Sub(clock()))
	}
	attempts = append(attempts, clock())
	w.DeliverDue(ctx, clock()) // 200
	w.DeliverDue(ctx, advance(time.Hour))
	reqs := rcv.got()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 (500, 503, 200)", len(reqs))
	}
	verifier, err := standardwebhooks.NewWebhook(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range reqs {
		if id := r.header.Get("webhook-id"); id != "evt_retry_1" {
			t.Errorf("attempt %d: webhook-id %q, want evt_retry_1 on every attempt", i, id)
		}
		// The test clock is not the library's; the timestamp is checked
		// against the attempt instead.
		if err := verifier.VerifyIgnoringTimestamp(r.body, r.header); err != nil {
			t.Errorf("attempt %d: signature: %v", i, err)
		}
		if ts := r.header.Get("webhook-timestamp"); ts != strconv.FormatInt(attempts[i].Unix(), 10) {
			t.Errorf("attempt %d: webhook-timestamp %s, want %d", i, ts, attempts[i].Unix())
		}
	}
	if depth, _, err := w.Stats(); err != nil || depth != 0 {
		t.Errorf("%d webhooks still queued (%v)", depth, err)
	}
	if n, err := db.SentCount(""); err != nil || n != 1 {
		t.Errorf("%d items sent (%v), want 1", n, err)
	}
	for outcome, want := range map[string]float64{"retry": 2, "delivered": 1} {
		if n := metric(t, m, "ticketd_webhook_deliveries_total", map[string]string{"endpoint": "ops", "outcome": outcome}); n != want {
			t.Errorf("%s counter = %v, want %v", outcome, n, want)
		}
	}
}

// queueEvent queues the event for the endpoints as a rejected message's
// side effect would.
var queuedEvents atomic.Int64

func queueEvent(t *testing.T, db *store.DB, eps []webhook.Endpoint, ev webhook.Event) {
	t.Helper()
	in := &store.Intake{
		Key:     "mid:webhook-" + strconv.FormatInt(queuedEvents.Add(1), 10) + "@x",
		Outcome: "rejected",
		Compose: func(*store.Ticket) ([]store.Outgoing, error) { return webhook.Fanout(eps, ev) },
	}
	if _, err := db.Record(in); err != nil {
		t.Fatal(err)
	}
}

// 410 Gone disables the endpoint for the rest of the process: its later
// events fail for good without a request, with one log line; the other
// endpoints go on.
func TestGoneDisablesTheEndpoint(t *testing.T) {
	gone, fine := newReceiver(t, http.StatusGone), newReceiver(t)
	eps := []webhook.Endpoint{gone.endpoint("gone"), fine.endpoint("fine")}
	d, m, logs := destination(t, eps, gone.roots(), nil)
	for round := range 3 {
		its := items(t, eps, sampleEvent("evt_gone_"+strconv.Itoa(round)))
		errs, accepted := deliver(t, d, its)
		if !errors.Is(errs[0], webhook.ErrDisabled) || !d.Permanent(errs[0]) || accepted[0] {
			t.Errorf("round %d: gone endpoint: %v (permanent %v), want a permanent ErrDisabled", round, errs[0], d.Permanent(errs[0]))
		}
		if errs[1] != nil || !accepted[1] {
			t.Errorf("round %d: other endpoint: %v, want delivered", round, errs[1])
		}
	}
	if n := len(gone.got()); n != 1 {
		t.Errorf("gone endpoint got %d requests, want only the one answered 410", n)
	}
	if n := len(fine.got()); n != 3 {
		t.Errorf("other endpoint got %d requests, want 3", n)
	}
	if !d.Disabled("gone") || d.Disabled("fine") {
		t.Errorf("Disabled: gone %v, fine %v", d.Disabled("gone"), d.Disabled("fine"))
	}
	if n := strings.Count(logs.String(), "webhook endpoint disabled: 410 Gone"); n != 1 {
		t.Errorf("%d log lines on disabling, want 1:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "endpoint=gone") {
		t.Errorf("the log line does not name the endpoint:\n%s", logs)
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"ticketd_webhook_endpoint_disabled", map[string]string{"endpoint": "gone"}, 1},
		{"ticketd_webhook_endpoint_disabled", map[string]string{"endpoint": "fine"}, 0},
		{"ticketd_webhook_deliveries_total", map[string]string{"endpoint": "gone", "outcome": "disabled"}, 3},
		{"ticketd_webhook_deliveries_total", map[string]string{"endpoint": "fine", "outcome": "delivered"}, 3},
	} {
		if got := metric(t, m, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

// A redirect is a failure, retried, and not followed.
func TestRedirectNotFollowed(t *testing.T) {
	target := newReceiver(t)
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			redirector := newReceiver(t, code)
			redirector.location = target.url()
			eps := []webhook.Endpoint{redirector.endpoint("ops")}
			d, _, _ := destination(t, eps, target.roots(), nil)
			errs, accepted := deliver(t, d, items(t, eps, sampleEvent("evt_redirect")))
			var se *webhook.StatusError
			if !errors.As(errs[0], &se) || se.Code != code || d.Permanent(errs[0]) || accepted[0] {
				t.Errorf("Deliver = %v, want a retried StatusError %d", errs[0], code)
			}
			if n := len(target.got()); n != 0 {
				t.Errorf("the redirect was followed: its target got %d requests", n)
			}
		})
	}
}

// A name that resolves to loopback is refused at connect time unless the
// endpoint allows private addresses: the connection is never made.
func TestPrivateAddressRefusedAtConnect(t *testing.T) {
	for _, tc := range []struct {
		name         string
		allowPrivate bool
	}{
		{"refused", false},
		{"allowed", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rcv := newReceiver(t)
			port := rcv.srv.Listener.Addr().(*net.TCPAddr).Port
			host := "example.com:" + strconv.Itoa(port) // in the test certificate
			ep := webhook.Endpoint{Name: "ops", URL: "https://" + host + "/hooks", Secret: testSecret, AllowPrivate: tc.allowPrivate}
			if err := ep.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			// example.com "resolves" to the receiver on 127.0.0.1, as a
			// rebound name would.
			d, _, _ := destination(t, []webhook.Endpoint{ep}, rcv.roots(), map[string]string{host: rcv.srv.Listener.Addr().String()})
			errs, _ := deliver(t, d, items(t, []webhook.Endpoint{ep}, sampleEvent("evt_ssrf")))
			if tc.allowPrivate {
				if errs[0] != nil || len(rcv.got()) != 1 {
					t.Errorf("allowed: %v, %d requests; want delivered", errs[0], len(rcv.got()))
				}
				return
			}
			if !errors.Is(errs[0], webhook.ErrForbiddenAddress) {
				t.Errorf("Deliver = %v, want ErrForbiddenAddress", errs[0])
			}
			if strings.Contains(errs[0].Error(), "/hooks") {
				t.Errorf("the error quotes the URL: %v", errs[0])
			}
			if n := rcv.conns.Load(); n != 0 {
				t.Errorf("%d connections reached the receiver, want none", n)
			}
		})
	}
}

// Slack and Teams get valid JSON that shows the event, with the
// customer's text unable to mention or link in Slack.
func TestSlackAndTeamsBodies(t *testing.T) {
	ev := sampleEvent("evt_chat_1")
	ev.Data.Subject = "Help <!channel> <https://evil.example|click> & more"
	ev.Data.Sender = "<@U012345>@acme.example"
	ev.Data.Text = strings.Repeat("long text ", 200)
	for _, tc := range []struct {
		format string
		check  func(t *testing.T, v map[string]any)
	}{
		{webhook.FormatSlack, func(t *testing.T, v map[string]any) {
			shown := strings.Join(strs(v), "\n")
			for _, raw := range []string{"<!channel>", "<https://evil.example", "<@U012345>"} {
				if strings.Contains(shown, raw) {
					t.Errorf("customer text %q reaches Slack unescaped", raw)
				}
			}
			text, _ := v["text"].(string)
			for _, want := range []string{"SUP-000042", "New ticket", "&lt;!channel&gt;", "&amp; more"} {
				if !strings.Contains(text, want) {
					t.Errorf("text %q lacks %q", text, want)
				}
			}
			blocks, _ := v["blocks"].([]any)
			if len(blocks) < 2 {
				t.Fatalf("%d blocks, want the title and the facts at least", len(blocks))
			}
			for _, want := range []string{"<https://desk.example/tickets/SUP-000042|SUP-000042: New ticket>", "acme", "evidence.attached", "&lt;@U012345&gt;@acme.example"} {
				if !strings.Contains(shown, want) {
					t.Errorf("message lacks %q:\n%s", want, shown)
				}
			}
		}},
		{webhook.FormatTeams, func(t *testing.T, v map[string]any) {
			if v["type"] != "message" {
				t.Errorf("type %v, want message", v["type"])
			}
			atts, _ := v["attachments"].([]any)
			if len(atts) != 1 {
				t.Fatalf("%d attachments, want 1", len(atts))
			}
			att, _ := atts[0].(map[string]any)
			card, _ := att["content"].(map[string]any)
			if att["contentType"] != "application/vnd.microsoft.card.adaptive" || card["type"] != "AdaptiveCard" || card["version"] != "1.4" {
				t.Errorf("attachment %v is not an Adaptive Card 1.4", att)
			}
			shown := strings.Join(strs(v), "\n")
			for _, want := range []string{"SUP-000042: New ticket", "acme", "evidence.attached", "Action.OpenUrl", "https://desk.example/tickets/SUP-000042", ev.Data.Subject} {
				if !strings.Contains(shown, want) {
					t.Errorf("card lacks %q:\n%s", want, shown)
				}
			}
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			rcv := newReceiver(t)
			eps := []webhook.Endpoint{{Name: "chat", URL: rcv.url(), Format: tc.format, AllowPrivate: true}}
			d, _, _ := destination(t, eps, rcv.roots(), nil)
			if errs, _ := deliver(t, d, items(t, eps, ev)); errs[0] != nil {
				t.Fatal(errs[0])
			}
			r := rcv.got()[0]
			if r.header.Get("webhook-id") != ev.ID || r.header.Get("webhook-signature") != "" {
				t.Errorf("headers: webhook-id %q, webhook-signature %q; want the id and no signature", r.header.Get("webhook-id"), r.header.Get("webhook-signature"))
			}
			if strings.Count(string(r.body), "long text") >= 200 {
				t.Error("the excerpt is not shortened")
			}
			tc.check(t, decode(t, r.body))
		})
	}
}

// Items that cannot be delivered fail for good, without a request and
// without a panic.
func TestUndeliverableItems(t *testing.T) {
	rcv := newReceiver(t)
	good := rcv.endpoint("ops")
	plain := webhook.Endpoint{Name: "plain", URL: "http://hooks.example/x", Secret: testSecret}
	d, m, _ := destination(t, []webhook.Endpoint{good, plain}, rcv.roots(), nil)
	event := items(t, []webhook.Endpoint{good}, sampleEvent("evt_bad"))[0]
	removed := items(t, []webhook.Endpoint{{Name: "removed", URL: "https://gone.example/"}}, sampleEvent("evt_removed"))[0]
	insecure := items(t, []webhook.Endpoint{plain}, sampleEvent("evt_plain"))[0]
	for _, tc := range []struct {
		name    string
		payload []byte
		item    store.OutboxItem
		want    error
	}{
		{"not JSON", []byte("not json"), event, webhook.ErrUndecodable},
		{"empty", []byte{}, event, webhook.ErrUndecodable},
		{"null", []byte("null"), removed, webhook.ErrUnknownEndpoint},
		{"a JSON array", []byte("[1,2]"), event, webhook.ErrUndecodable},
		{"endpoint no longer configured", nil, removed, webhook.ErrUnknownEndpoint},
		{"plain http to a public host", nil, insecure, webhook.ErrInvalidEndpoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := tc.item
			if tc.payload != nil {
				it.Payload = tc.payload
			}
			errs, accepted := deliver(t, d, []store.OutboxItem{it})
			if !errors.Is(errs[0], tc.want) || !d.Permanent(errs[0]) || accepted[0] {
				t.Errorf("Deliver = %v (permanent %v), want permanent %v", errs[0], d.Permanent(errs[0]), tc.want)
			}
		})
	}
	if n := len(rcv.got()); n != 0 {
		t.Errorf("%d requests made for undeliverable items", n)
	}
	if n := metric(t, m, "ticketd_webhook_deliveries_total", map[string]string{"endpoint": "removed", "outcome": "failed"}); n != 2 {
		t.Errorf("failed counter of the removed endpoint = %v, want 2", n)
	}
	if d.Unavailable(errors.New("x")) || d.Refused(errors.New("x")) {
		t.Error("Unavailable or Refused: want false, each item retries on its own")
	}
}

// Deliver has at most 4 requests in flight, and a cancelled context
// leaves the items unsent, to be retried.
func TestDeliverConcurrencyAndCancel(t *testing.T) {
	var inflight, most atomic.Int64
	arrived, release := make(chan struct{}, 16), make(chan struct{})
	rcv := newReceiver(t)
	inner := rcv.srv.Config.Handler
	rcv.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		arrived <- struct{}{}
		<-release
		inflight.Add(-1)
		inner.ServeHTTP(w, r)
	})
	eps := []webhook.Endpoint{rcv.endpoint("ops")}
	d, _, _ := destination(t, eps, rcv.roots(), nil)
	var evs []webhook.Event
	for i := range 10 {
		evs = append(evs, sampleEvent("evt_many_"+strconv.Itoa(i)))
	}
	all := items(t, eps, evs...)
	done := make(chan []error)
	go func() { done <- d.Deliver(t.Context(), all, func(int) {}) }()
	for range 4 {
		<-arrived
	}
	// While the four are held, a fifth must not start.
	select {
	case <-arrived:
		t.Error("a fifth request started while four were in flight")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	for _, err := range <-done {
		if err != nil {
			t.Error(err)
		}
	}
	if n := most.Load(); n > 4 {
		t.Errorf("%d requests in flight at once, want at most 4", n)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	before := len(rcv.got())
	errs := d.Deliver(ctx, items(t, eps, evs[:3]...), func(int) { t.Error("accepted with a cancelled context") })
	for _, err := range errs {
		if !errors.Is(err, context.Canceled) || d.Permanent(err) {
			t.Errorf("Deliver with a cancelled context = %v, want a retried context.Canceled", err)
		}
	}
	if n := len(rcv.got()) - before; n != 0 {
		t.Errorf("%d requests made with a cancelled context", n)
	}
}

// strs returns every string in a decoded JSON value.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, strs(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range v {
			out = append(out, strs(e)...)
		}
		return out
	}
	return nil
}
