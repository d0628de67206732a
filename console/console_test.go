package console_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/console"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/internal/password"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

const (
	leadPassword  = "lead-password-1"
	agentPassword = "agent-password-1"
)

// deskRig is a console over a store with one ticket (SUP-000001, from a
// fixture with a screenshot), a lead "lena" and an agent "luis".
type deskRig struct {
	t   *testing.T
	db  *store.DB
	reg *registration.Registrar
	srv *console.Server
	web *httptest.Server
}

func newDeskRig(t *testing.T, opts ...func(*console.Options)) *deskRig {
	t.Helper()
	cfg, err := config.Load(filepath.Join(mailtest.Root(), "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "ticketd.db"), store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := registration.New(db, cfg.Policy(), registration.Settings{Prefix: "SUP", From: "support@ticketd.example", FromName: "Support", Limits: cfg.IntakeLimits()})
	if _, err := reg.Record(context.Background(), mailtest.Fixture(t, "en-incident-screenshot.eml"), time.Now()); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, u := range []struct {
		name, pw string
		role     store.Role
	}{{"lena", leadPassword, store.RoleLead}, {"luis", agentPassword, store.RoleAgent}} {
		hash, err := password.Hash(u.pw)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddUser(store.User{Name: u.name, Email: u.name + "@vendor.example", Role: u.role, PasswordHash: hash}, now); err != nil {
			t.Fatal(err)
		}
	}
	o := console.Options{Store: db, Actions: actions{reg}, Prefix: "SUP", Limits: cfg.IntakeLimits(), Log: mailtest.Logger(t, &mailtest.Buffer{})}
	for _, org := range cfg.Organizations {
		o.Organizations = append(o.Organizations, console.Organization{ID: org.ID, Name: org.Name, TicketsIncluded: org.TicketsIncluded})
	}
	for _, f := range opts {
		f(&o)
	}
	srv, err := console.New(o)
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(srv.Handler())
	t.Cleanup(web.Close)
	return &deskRig{t: t, db: db, reg: reg, srv: srv, web: web}
}

// actions adapts registration to console.Actions, as the daemon does.
type actions struct{ reg *registration.Registrar }

func by(a console.Author) registration.Author {
	return registration.Author{Address: a.Address, Name: a.Name}
}
func (a actions) Answer(n string, b console.Author, w string) (*store.Ticket, error) {
	return a.reg.Answer(n, by(b), w)
}
func (a actions) Note(n string, b console.Author, w string) (*store.Ticket, error) {
	return a.reg.Note(n, by(b), w)
}
func (a actions) Assign(n string, b console.Author, to string) (*store.Ticket, error) {
	return a.reg.Assign(n, by(b), to)
}
func (a actions) Close(n string, b console.Author) (*store.Ticket, error) {
	return a.reg.Close(n, by(b))
}
func (a actions) Reopen(n string, b console.Author) (*store.Ticket, error) {
	return a.reg.Reopen(n, by(b))
}
func (a actions) Warranty(n string, b console.Author) (*store.Ticket, error) {
	return a.reg.Warranty(n, by(b))
}

// client is a browser: a cookie jar, no redirects followed.
func (r *deskRig) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// do sends a request as a same-origin browser form would.
func (r *deskRig) do(c *http.Client, method, path string, form url.Values, header ...string) (int, http.Header, string) {
	r.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, r.web.URL+path, body)
	if err != nil {
		r.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// login signs c in and fails the test when it cannot.
func (r *deskRig) login(c *http.Client, name, pw string) {
	r.t.Helper()
	code, h, body := r.do(c, "POST", "/login", url.Values{"name": {name}, "password": {pw}, "next": {"/"}})
	if code != http.StatusSeeOther || h.Get("Location") != "/" {
		r.t.Fatalf("login %s: %d %s", name, code, body)
	}
}

func TestLoginAndQueue(t *testing.T) {
	r := newDeskRig(t)
	c := r.client()
	if code, h, _ := r.do(c, "GET", "/queue/open", nil); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Fatalf("without a session: %d to %q, want a redirect to the login form", code, h.Get("Location"))
	}
	if code, _, body := r.do(c, "POST", "/login", url.Values{"name": {"lena"}, "password": {"wrong password"}}); code != http.StatusUnauthorized || !strings.Contains(body, "Wrong name or password") {
		t.Errorf("a wrong password: %d", code)
	}
	r.login(c, "lena", leadPassword)
	code, h, body := r.do(c, "GET", "/queue/open", nil)
	if code != http.StatusOK || !strings.Contains(body, "SUP-000001") {
		t.Fatalf("open queue: %d\n%s", code, body)
	}
	for _, header := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if h.Get(header) == "" {
			t.Errorf("page without %s", header)
		}
	}
	var session *http.Cookie
	for _, ck := range c.Jar.Cookies(mustURL(t, r.web.URL)) {
		if ck.Name == "ticketd_session" {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	// Logout ends the session on the server: the old cookie no longer works.
	if code, _, _ := r.do(c, "POST", "/logout", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	stale := r.client()
	stale.Jar.SetCookies(mustURL(t, r.web.URL), []*http.Cookie{session})
	if code, _, _ := r.do(stale, "GET", "/queue/open", nil); code != http.StatusSeeOther {
		t.Errorf("a session after logout: %d, want a redirect to the login form", code)
	}
	if code, _, _ := r.do(stale, "POST", "/tickets/SUP-000001/note", url.Values{"words": {"x"}}); code != http.StatusUnauthorized {
		t.Errorf("a POST with a session after logout: %d, want 401", code)
	}
}

func TestCrossSitePostRefused(t *testing.T) {
	r := newDeskRig(t)
	c := r.client()
	r.login(c, "lena", leadPassword)
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "", "Origin", "https://evil.example"}} {
		code, _, _ := r.do(c, "POST", "/tickets/SUP-000001/close", url.Values{}, h...)
		if code != http.StatusForbidden {
			t.Errorf("cross-site POST %v: %d, want 403", h, code)
		}
	}
	if tk, _ := r.db.Ticket("SUP-000001"); tk.Status == store.StatusClosed {
		t.Error("a cross-site POST closed the ticket")
	}
}

func TestAgentCannotOpenLeadPages(t *testing.T) {
	r := newDeskRig(t)
	c := r.client()
	r.login(c, "luis", agentPassword)
	for _, path := range []string{"/users", "/ledger", "/held", "/quarantine", "/health"} {
		if code, _, _ := r.do(c, "GET", path, nil); code != http.StatusForbidden {
			t.Errorf("agent GET %s: %d, want 403", path, code)
		}
	}
	if code, _, _ := r.do(c, "POST", "/users", url.Values{"name": {"eve"}, "role": {"lead"}}); code != http.StatusForbidden {
		t.Errorf("agent adding a user: %d, want 403", code)
	}
	lead := r.client()
	r.login(lead, "lena", leadPassword)
	for _, path := range []string{"/users", "/ledger?org=acme", "/held", "/quarantine", "/health"} {
		if code, _, body := r.do(lead, "GET", path, nil); code != http.StatusOK {
			t.Errorf("lead GET %s: %d\n%s", path, code, body)
		}
	}
}

func TestActionsAreRecordedOnTheTicket(t *testing.T) {
	r := newDeskRig(t)
	c := r.client()
	r.login(c, "luis", agentPassword)
	steps := []struct {
		action string
		form   url.Values
	}{
		{"answer", url.Values{"words": {"Hello Alice,\nthe planner is fixed."}}},
		{"note", url.Values{"words": {"Root cause: the cache."}}},
		{"assign", url.Values{"assignee": {"luis"}}},
		{"close", url.Values{}},
		{"reopen", url.Values{}},
		{"warranty", url.Values{}},
	}
	for _, st := range steps {
		code, h, body := r.do(c, "POST", "/tickets/SUP-000001/"+st.action, st.form)
		if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done="+st.action) {
			t.Fatalf("%s: %d to %q\n%s", st.action, code, h.Get("Location"), body)
		}
	}
	tk, err := r.db.Ticket("SUP-000001")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range tk.Conversation {
		kinds = append(kinds, string(e.Kind))
		if e.Agent != "luis@vendor.example" {
			t.Errorf("entry %s by %q, want luis@vendor.example", e.Kind, e.Agent)
		}
	}
	if got := strings.Join(kinds, ","); got != "reply,note,assign,close,reopen,warranty" {
		t.Errorf("conversation %s", got)
	}
	if tk.Status != store.StatusOpen || tk.Assignee != "luis" || !tk.Warranty {
		t.Errorf("ticket: status %s, assignee %q, warranty %v", tk.Status, tk.Assignee, tk.Warranty)
	}
	_, _, body := r.do(c, "GET", "/tickets/SUP-000001", nil)
	for _, want := range []string{"Answer to the customer", "the planner is fixed.", "Internal note", "Root cause: the cache."} {
		if !strings.Contains(body, want) {
			t.Errorf("ticket page lacks %q", want)
		}
	}
	if code, _, _ := r.do(c, "POST", "/tickets/SUP-000001/assign", url.Values{"assignee": {"nobody-here"}}); code != http.StatusSeeOther {
		t.Errorf("assign to an unknown user: %d", code)
	}
	if tk, _ := r.db.Ticket("SUP-000001"); tk.Assignee != "luis" {
		t.Errorf("assigned to an unknown user: %q", tk.Assignee)
	}
}

func TestLoginThrottled(t *testing.T) {
	r := newDeskRig(t)
	c := r.client()
	for range 5 {
		r.do(c, "POST", "/login", url.Values{"name": {"lena"}, "password": {"guess"}})
	}
	if code, _, _ := r.do(c, "POST", "/login", url.Values{"name": {"lena"}, "password": {leadPassword}}); code != http.StatusTooManyRequests {
		t.Errorf("the right password after 5 failures: %d, want 429", code)
	}
}

func TestTrustedHeaderOnlyFromTrustedPeers(t *testing.T) {
	tests := []struct {
		name     string
		proxies  []netip.Prefix
		remote   string
		user     string // the header's value
		disabled bool   // lena is disabled first
		want     int
	}{
		{"loopback", nil, "127.0.0.1:5000", "lena@vendor.example", false, http.StatusOK},
		{"trusted proxy", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "10.1.2.3:5000", "lena@vendor.example", false, http.StatusOK},
		{"stranger", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "192.0.2.7:5000", "lena@vendor.example", false, http.StatusSeeOther},
		{"a disabled user", nil, "127.0.0.1:5000", "lena@vendor.example", true, http.StatusSeeOther},
		{"no such user", nil, "127.0.0.1:5000", "eve@vendor.example", false, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newDeskRig(t, func(o *console.Options) { o.TrustedHeader, o.TrustedProxies = "X-Forwarded-User", tt.proxies })
			if tt.disabled {
				if err := r.db.DisableUser("lena", time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			req := httptest.NewRequest("GET", "/queue/open", nil)
			req.RemoteAddr = tt.remote
			req.Header.Set("X-Forwarded-User", tt.user)
			w := httptest.NewRecorder()
			r.srv.Handler().ServeHTTP(w, req)
			if w.Code != tt.want {
				t.Errorf("%s: %d, want %d", tt.name, w.Code, tt.want)
			}
		})
	}
}

func TestAttachmentDownloadIsSafe(t *testing.T) {
	r := newDeskRig(t)
	c := r.client()
	r.login(c, "luis", agentPassword)
	_, _, page := r.do(c, "GET", "/tickets/SUP-000001", nil)
	if !strings.Contains(page, "/tickets/SUP-000001/messages/0/files/0") {
		t.Fatalf("the ticket page has no download link:\n%s", page)
	}
	code, h, body := r.do(c, "GET", "/tickets/SUP-000001/messages/0/files/0", nil)
	if code != http.StatusOK || len(body) == 0 {
		t.Fatalf("download: %d, %d bytes", code, len(body))
	}
	if !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Type") != "application/octet-stream" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("download headers: %v", h)
	}
	if code, _, _ := r.do(c, "GET", "/tickets/SUP-000001/messages/0/files/9", nil); code != http.StatusNotFound {
		t.Errorf("a missing file: %d, want 404", code)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestEveryQueueRenders(t *testing.T) {
	r := newDeskRig(t)
	c := r.client()
	r.login(c, "luis", agentPassword)
	for _, q := range []string{"new", "mine", "waiting", "open", "closed", "overplan", "turnedaway"} {
		code, _, body := r.do(c, "GET", "/queue/"+q+"?org=acme&category=incident&q=route", nil)
		if code != http.StatusOK || !strings.Contains(body, `aria-current="page"`) {
			t.Errorf("queue %s: %d\n%s", q, code, body)
		}
	}
	if code, _, _ := r.do(c, "GET", "/queue/nope", nil); code != http.StatusNotFound {
		t.Errorf("an unknown queue: %d, want 404", code)
	}
	if code, _, _ := r.do(c, "GET", "/tickets/SUP-999999", nil); code != http.StatusNotFound {
		t.Errorf("an unknown ticket: %d, want 404", code)
	}
	if _, _, body := r.do(c, "GET", "/queue/open?q=valencia", nil); !strings.Contains(body, "SUP-000001") {
		t.Errorf("searching a subject word does not find the ticket")
	}
}

// TestCustomerTextIsNeverHTML: a customer's subject and words with markup
// are shown as text.
func TestCustomerTextIsNeverHTML(t *testing.T) {
	r := newDeskRig(t)
	raw := strings.Replace(string(mailtest.Fixture(t, "en-incident-screenshot.eml")), "Subject: ", "Subject: <script>alert(1)</script> ", 1)
	raw = strings.Replace(raw, "Message-ID: <", "Message-ID: <hostile-", 1)
	if _, err := r.reg.Record(context.Background(), []byte(raw), time.Now()); err != nil {
		t.Fatal(err)
	}
	c := r.client()
	r.login(c, "luis", agentPassword)
	for _, path := range []string{"/queue/open", "/tickets/SUP-000002"} {
		_, _, body := r.do(c, "GET", path, nil)
		if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)") {
			t.Errorf("%s shows the customer's markup unescaped (or not at all)", path)
		}
	}
}

func TestLedgerPlotCountsTheWeek(t *testing.T) {
	r := newDeskRig(t)
	c := r.client()
	r.login(c, "lena", leadPassword)
	_, _, body := r.do(c, "GET", "/ledger?org=acme", nil)
	if !strings.Contains(body, "<svg") || !strings.Contains(body, ": 1 tickets</title>") {
		t.Errorf("the plot does not count this week's ticket:\n%s", body)
	}
}

// TestTLSAndSecureCookies: served with TLS, or behind a trusted proxy that
// says https, the session cookie is Secure, HttpOnly and SameSite=Lax;
// over plain HTTP from a stranger claiming https it is not Secure.
func TestTLSAndSecureCookies(t *testing.T) {
	r := newDeskRig(t, func(o *console.Options) {
		o.Listen = "127.0.0.1:0"
		o.TLS = &tls.Config{Certificates: []tls.Certificate{mailtest.TestCert(t)}, MinVersion: tls.VersionTLS12}
	})
	if err := r.srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.srv.Shutdown(context.Background()) })
	c := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := c.PostForm("https://"+r.srv.Addr()+"/login", url.Values{"name": {"lena"}, "password": {leadPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ck := sessionCookieOf(resp); ck == nil || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie over TLS: %+v", ck)
	}
	for _, tt := range []struct {
		remote string
		secure bool
	}{{"127.0.0.1:4000", true}, {"192.0.2.9:4000", false}} {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"name": {"lena"}, "password": {leadPassword}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		req.RemoteAddr = tt.remote
		w := httptest.NewRecorder()
		r.srv.Handler().ServeHTTP(w, req)
		if ck := sessionCookieOf(w.Result()); ck == nil || ck.Secure != tt.secure {
			t.Errorf("X-Forwarded-Proto from %s: cookie %+v, want Secure %v", tt.remote, ck, tt.secure)
		}
	}
}

func sessionCookieOf(resp *http.Response) *http.Cookie {
	for _, ck := range resp.Cookies() {
		if ck.Name == "ticketd_session" {
			return ck
		}
	}
	return nil
}

// TestHealthListsWhatWaits: the outbox page lists every kind waiting, from
// the store, with its count; the rig's tickets left their receipts there.
func TestHealthListsWhatWaits(t *testing.T) {
	r := newDeskRig(t)
	byKind, err := r.db.OutboxStatsByKind(time.Now())
	if err != nil || byKind["receipt"].Pending == 0 {
		t.Fatalf("the rig queued no receipt: %v, %v", byKind, err)
	}
	c := r.client()
	r.login(c, "lena", leadPassword)
	code, _, body := r.do(c, "GET", "/health", nil)
	if code != http.StatusOK {
		t.Fatalf("GET /health: %d", code)
	}
	for kind, ks := range byKind {
		if want := fmt.Sprintf("<td>%s</td><td>%d</td>", kind, ks.Pending); !strings.Contains(body, want) {
			t.Errorf("/health lacks %q:\n%s", want, body)
		}
	}
}

// A ticket's page answers to the number as people type it.
func TestTicketNumberInThePath(t *testing.T) {
	r := newDeskRig(t)
	c := r.client()
	r.login(c, "luis", agentPassword)
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/tickets/SUP-000001", http.StatusOK},
		{"/tickets/sup-1", http.StatusOK},
		{"/tickets/1", http.StatusOK},
		{"/tickets/OPS-000001", http.StatusNotFound},
		{"/tickets/SUP-000099", http.StatusNotFound},
	} {
		if code, _, body := r.do(c, "GET", tt.path, nil); code != tt.want || tt.want == http.StatusOK && !strings.Contains(body, "SUP-000001") {
			t.Errorf("GET %s: %d, want %d", tt.path, code, tt.want)
		}
	}
}
