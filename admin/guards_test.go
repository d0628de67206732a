package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/store"
)

// errorOf decodes a JSON error answer, failing the test if it is not one.
func errorOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want JSON", ct)
	}
	var eb errorBody
	if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil || eb.Error == "" {
		t.Errorf(`body is not {"error": "..."}: %v %+v`, err, eb)
	}
	return eb.Error
}

func TestAPIStatuses(t *testing.T) {
	db := openStore(t)
	n := seed(t, db)
	_, s := startAPI(t, db)
	base := "http://" + s.Addr()
	_, port, _ := strings.Cut(s.Addr(), ":")
	tk := PathPrefix + "tickets/" + n[0]
	tests := []struct {
		name       string
		method     string
		path       string
		header     string // value of X-Ticketd-Admin, "" for none
		host       string // Host header, "" for the address
		wantStatus int
		wantAllow  string
	}{
		{"warranty without header", "POST", tk + "/warranty", "", "", 403, ""},
		{"close without header", "POST", tk + "/close", "", "", 403, ""},
		{"close with header 0", "POST", tk + "/close", "0", "", 403, ""},
		{"close with header true", "POST", tk + "/close", "true", "", 403, ""},
		{"close with header, rebinding host", "POST", tk + "/close", "1", "evil.example:" + port, 403, ""},
		{"list, rebinding host", "GET", PathPrefix + "tickets", "", "evil.example", 403, ""},
		{"ping, rebinding host", "GET", PathPrefix + "ping", "", "evil.example", 403, ""},
		{"list, localhost", "GET", PathPrefix + "tickets", "", "localhost:" + port, 200, ""},
		{"list, IPv6 host", "GET", PathPrefix + "tickets", "", "[::1]:" + port, 200, ""},
		{"head list", "HEAD", PathPrefix + "tickets", "", "", 200, ""},
		{"GET warranty", "GET", tk + "/warranty", "1", "", 405, "POST"},
		{"PUT close", "PUT", tk + "/close", "1", "", 405, "POST"},
		{"preflight close", "OPTIONS", tk + "/close", "", "", 405, "POST"},
		{"DELETE ticket", "DELETE", tk, "1", "", 405, "GET, HEAD"},
		{"POST list", "POST", PathPrefix + "tickets", "1", "", 405, "GET, HEAD"},
		{"POST raw", "POST", tk + "/messages/1/raw", "1", "", 405, "GET, HEAD"},
		{"POST ledger", "POST", PathPrefix + "ledger", "1", "", 405, "GET, HEAD"},
		{"bad status", "GET", PathPrefix + "tickets?status=pending", "", "", 400, ""},
		{"bad since", "GET", PathPrefix + "tickets?since=yesterday", "", "", 400, ""},
		{"unknown parameter", "GET", PathPrefix + "tickets?organization=acme", "", "", 400, ""},
		{"repeated parameter", "GET", PathPrefix + "tickets?org=acme&org=globex", "", "", 400, ""},
		{"ledger unknown parameter", "GET", PathPrefix + "ledger?org=acme&period=2026-11", "", "", 400, ""},
		{"raw index 0", "GET", tk + "/messages/0/raw", "", "", 400, ""},
		{"raw index not a number", "GET", tk + "/messages/one/raw", "", "", 400, ""},
		{"raw index past the end", "GET", tk + "/messages/2/raw", "", "", 404, ""},
		{"unknown ticket", "GET", PathPrefix + "tickets/SUP-000099", "", "", 404, ""},
		{"unknown route", "GET", PathPrefix + "quarantine", "", "", 404, ""},
		{"trailing slash", "GET", PathPrefix + "tickets/", "", "", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, base+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.header != "" {
				req.Header.Set(AdminHeader, tt.header)
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			if tt.method == "OPTIONS" {
				req.Header.Set("Origin", "https://evil.example")
				req.Header.Set("Access-Control-Request-Method", "POST")
				req.Header.Set("Access-Control-Request-Headers", AdminHeader)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", tt.method, tt.path, err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				body, _ := io.ReadAll(resp.Body)
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, resp.StatusCode, body, tt.wantStatus)
			}
			if got := resp.Header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("Access-Control-Allow-Origin = %q, want none", got)
			}
			if tt.wantStatus >= 400 && tt.method != "HEAD" {
				errorOf(t, resp)
			}
		})
	}
	// None of the refused requests changed anything.
	stored, err := db.Ticket(n[0])
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status != store.StatusOpen || stored.Warranty {
		t.Errorf("refused requests changed %s: status %s, warranty %v", n[0], stored.Status, stored.Warranty)
	}
}

func TestRawAnswerHeaders(t *testing.T) {
	db := openStore(t)
	n := seed(t, db)
	_, s := startAPI(t, db)
	resp, err := http.Get("http://" + s.Addr() + PathPrefix + "tickets/" + n[0] + "/messages/1/raw")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	want := map[string]string{
		"Content-Type":        "message/rfc822",
		"Content-Disposition": fmt.Sprintf("attachment; filename=%s-1.eml", n[0]),
		"Content-Length":      fmt.Sprint(len(rawOf(seeded[0].key))),
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if string(body) != string(rawOf(seeded[0].key)) {
		t.Errorf("body = %q", body)
	}
}

// failingBackend is a real store whose listing and closing fail, to reach
// the error answers a healthy store never gives.
type failingBackend struct {
	*store.DB
	err error
}

func (b failingBackend) Tickets(store.TicketFilter) ([]store.Ticket, error) { return nil, b.err }

func (b failingBackend) CloseTicket(number string, _ time.Time) (*store.Ticket, error) {
	return nil, fmt.Errorf("close %s: %w", number, b.err)
}

func TestBackendErrorStatuses(t *testing.T) {
	db := openStore(t)
	n := seed(t, db)
	tests := []struct {
		err        error
		wantStatus int
	}{
		{errors.New("disk on fire"), http.StatusInternalServerError},
		{fmt.Errorf("wrapped: %w", store.ErrNotFound), http.StatusNotFound},
		{fmt.Errorf("wrapped: %w", store.ErrInvalid), http.StatusBadRequest},
		{store.ErrReadOnly, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		h := NewHandler(failingBackend{DB: db, err: tt.err}, fixedNow, testLogger(t))
		for _, req := range []*http.Request{
			httptest.NewRequest("GET", PathPrefix+"tickets", nil),
			httptest.NewRequest("POST", PathPrefix+"tickets/"+n[0]+"/close", nil),
		} {
			req.Host = "127.0.0.1:9120"
			req.Header.Set(AdminHeader, "1")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			resp := rec.Result()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("%s %s with backend error %v = %d, want %d", req.Method, req.URL.Path, tt.err, resp.StatusCode, tt.wantStatus)
			}
			if msg := errorOf(t, resp); !strings.Contains(msg, tt.err.Error()) {
				t.Errorf("error message %q does not say %q", msg, tt.err)
			}
		}
	}
}

func TestRegisterLeavesOtherPathsToTheMux(t *testing.T) {
	db := openStore(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	Register(mux, db, nil, nil)
	for path, want := range map[string]int{"/healthz": 200, PathPrefix + "ping": 200, "/metrics": 404} {
		req := httptest.NewRequest("GET", path, nil)
		req.Host = "localhost"
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("GET %s = %d, want %d", path, rec.Code, want)
		}
	}
}
