package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/store"
)

// The browser tests drive the console in Debian's headless Chromium
// through chromedp, against a daemon with the in-process IMAP and SMTP
// servers. They skip when chromium is not on PATH, unless
// TICKETD_CHROMIUM=require (CI sets it). One browser serves every test of
// the package (each test gets its own browser context, so no cookies are
// shared); TestMain stops it.

// browser is the shared Chromium, started by the first test that needs it.
var browser struct {
	once   sync.Once
	ctx    context.Context // a chromedp context whose browser runs
	cancel func()          // stops the browser, then the allocator
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	os.Exit(code)
}

// chromiumPath finds chromium on PATH, or skips the test (fails it with
// TICKETD_CHROMIUM=require).
func chromiumPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("TICKETD_CHROMIUM") == "require" {
			t.Fatal("TICKETD_CHROMIUM=require but chromium is not on PATH (apt-get install chromium)")
		}
		t.Skip("chromium not on PATH (apt-get install chromium); set TICKETD_CHROMIUM=require to make the browser tests mandatory")
	}
	return path
}

// newTab opens a tab in a fresh browser context (its own cookies) of the
// shared browser, closed when the test ends.
func newTab(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	browser.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.WindowSize(1280, 900),
			chromedp.WSURLReadTimeout(30*time.Second),
		)
		if os.Geteuid() == 0 {
			opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
		}
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		browser.ctx, browser.cancel = bctx, func() { bcancel(); acancel() }
		browser.err = chromedp.Do(bctx) // starts the browser; no deadline here, or it would end the browser
	})
	if browser.err != nil {
		t.Fatalf("start chromium: %v", browser.err)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return ctx
}

// browseTimeout bounds each step of a browser test.
const browseTimeout = 10 * time.Second

// run runs actions in the tab within browseTimeout and fails the test with
// what when they fail.
func run(t *testing.T, tab context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	runWithin(t, tab, browseTimeout, what, actions...)
}

func runWithin(t *testing.T, tab context.Context, d time.Duration, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, d)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the tab's page.
func eval[T any](t *testing.T, tab context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, browseTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// addTicket appends a fixture to the inbox and waits for its ticket.
func (r *consoleRig) addTicket(t *testing.T, name, number string) *store.Ticket {
	t.Helper()
	r.imap.Append("INBOX", fixture(t, name))
	var tk *store.Ticket
	waitUntil(t, 10*time.Second, "ticket "+number, func() bool {
		var err error
		tk, err = r.d.db.Ticket(number)
		return err == nil
	})
	return tk
}

// login signs in through the form and waits for the queue page.
func (r *consoleRig) login(t *testing.T, tab context.Context, name, pw string) {
	t.Helper()
	run(t, tab, "sign in as "+name,
		chromedp.Navigate(r.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SetValue(chromedp.CSS("#name"), name),
		chromedp.SetValue(chromedp.CSS("#password"), pw),
		load(chromedp.Click(chromedp.CSS(`.login button[type="submit"]`))),
		chromedp.WaitVisible(chromedp.CSS(`form.logout`)),
	)
}

// signIn gives the tab a session of name made in the store, as the login
// form would, without the form (and its password check: argon2id is slow
// under the race detector), for tests about something else.
func (r *consoleRig) signIn(t *testing.T, tab context.Context, name string) {
	t.Helper()
	token, err := r.d.db.NewSession(name, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	run(t, tab, "a session for "+name,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetCookies, network.SetCookiesParams{Cookies: []*network.CookieParam{{
				Name: "ticketd_session", Value: token, URL: r.base + "/", HTTPOnly: true, SameSite: network.CookieSameSiteLax,
			}}})
			return err
		}),
		chromedp.Navigate(r.base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`form.logout`)),
	)
}

// location is the tab's current URL path and query.
func location(t *testing.T, tab context.Context) string {
	t.Helper()
	return eval[string](t, tab, "location.pathname + location.search")
}

// trackEventSources makes every page of the tab record its EventSources
// in window.__sources, so that a test can wait until the live script
// listens before it changes anything.
func trackEventSources() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
			if (window.EventSource) {
				const Native = window.EventSource;
				window.__sources = [];
				window.EventSource = class extends Native {
					constructor(url, init) { super(url, init); window.__sources.push(this); }
				};
			}`})
		return err
	})
}

// load runs steps that navigate (a click on a link or a form's button)
// and waits until the new page has loaded.
func load(steps ...chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.RunResponse(ctx, steps...)
		return chromedp.Void{}, err
	}
}

// waitText waits until an element matching sel contains text.
func waitText(sel, text string) chromedp.Action[chromedp.Void] {
	s, _ := json.Marshal(sel)
	x, _ := json.Marshal(text)
	return chromedp.Poll[chromedp.Void](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%s)).some(e => e.textContent.includes(%s))`, s, x),
		chromedp.WithPollingInterval(10*time.Millisecond))
}

// sessionCookie is the console's session cookie in the tab's browser
// context.
func sessionCookie(t *testing.T, tab context.Context, base string) *network.Cookie {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, browseTimeout)
	defer cancel()
	res, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Cookies {
		if c.Name == "ticketd_session" {
			return c
		}
	}
	return nil
}

// TestBrowserAgentFlow: an agent signs in; a ticket arriving while the
// queue is open appears within 2 s without a reload; the agent opens it,
// answers (the customer gets the answer from the support address, in
// their thread), adds a note (nothing reaches the customer), closes it
// (the customer is told) and signs out.
func TestBrowserAgentFlow(t *testing.T) {
	tab := newTab(t)
	r := newConsoleRig(t)
	run(t, tab, "track event sources", trackEventSources())
	r.login(t, tab, "luis", browserAgentPassword)
	if got := location(t, tab); got != "/" {
		t.Fatalf("signed in at %s, want /", got)
	}

	// The live script listens; mark the document to tell a reload apart.
	run(t, tab, "the queue's event stream opens",
		chromedp.WaitVisible(chromedp.CSS(`[data-live="queue"]`)),
		chromedp.Poll[chromedp.Void](`window.__sources && window.__sources.length > 0 && window.__sources.every(s => s.readyState === EventSource.OPEN)`,
			chromedp.WithPollingInterval(10*time.Millisecond)),
		chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`),
	)
	appended := time.Now()
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	runWithin(t, tab, 2*time.Second, "the new ticket on the open queue page within 2 s",
		chromedp.WaitVisible(chromedp.CSS(`a[href="/tickets/SUP-000001"]`)))
	t.Logf("the new ticket appeared %s after it reached the inbox", time.Since(appended).Round(time.Millisecond))
	if !eval[bool](t, tab, `window.__sameDocument === true`) {
		t.Fatal("the queue page was reloaded: the ticket should appear through the live script")
	}

	// Open it and answer.
	const answer = "Hello Alice,\nthe Valencia depot optimizes again: a stop had no coordinates."
	run(t, tab, "open the ticket and answer",
		load(chromedp.Click(chromedp.CSS(`a[href="/tickets/SUP-000001"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#answer`)),
		waitText("h1", "Route planner shows error"),
		chromedp.SetValue(chromedp.CSS(`#answer`), answer),
		load(chromedp.Click(chromedp.CSS(`form[action$="/answer"] button`))),
		waitText("p.done", "on its way to the customer"),
		waitText(".conversation .support-reply", "a stop had no coordinates"),
	)
	var reply mailtest.Message
	waitUntil(t, 10*time.Second, "the answer at the SMTP server", func() bool {
		for _, m := range r.smtp.MessagesTo("alice@acme.example") {
			if text, _ := mailtest.TextOf(t, m); strings.Contains(text, "a stop had no coordinates") {
				reply = m
				return true
			}
		}
		return false
	})
	if reply.From != "support@ticketd.example" || !strings.Contains(mailtest.Header(t, reply, "From"), "support@ticketd.example") {
		t.Errorf("the answer came from %s (From: %s), want the support address", reply.From, mailtest.Header(t, reply, "From"))
	}
	const customerID = "<CAVqqPlixW25VH3m1GrX6teGhznfdjDrVt5=yHukUkEZF0_S@mail.gmail.com>"
	if refs := mailtest.Header(t, reply, "References") + " " + mailtest.Header(t, reply, "In-Reply-To"); !strings.Contains(refs, customerID) {
		t.Errorf("the answer is not in the customer's thread: References/In-Reply-To %q", refs)
	}

	// A note, then close: the closing email is the only one after the answer.
	const note = "Root cause: the import dropped the geocode of stop 17."
	run(t, tab, "add a note",
		chromedp.SetValue(chromedp.CSS(`#note`), note),
		load(chromedp.Click(chromedp.CSS(`form[action$="/note"] button`))),
		waitText("p.done", "Note added"),
		waitText(".conversation .support-note", "geocode of stop 17"),
	)
	before := len(r.smtp.MessagesTo("alice@acme.example"))
	run(t, tab, "close",
		load(chromedp.Click(chromedp.CSS(`form[action$="/close"] button`))),
		waitText("p.done", "Ticket closed"),
		waitText(".facts .status", "closed"),
	)
	waitUntil(t, 10*time.Second, "the closing email", func() bool { return len(r.smtp.MessagesTo("alice@acme.example")) > before })
	for _, m := range r.smtp.Messages() {
		if text, _ := mailtest.TextOf(t, m); strings.Contains(text, "geocode of stop 17") || strings.Contains(string(m.Data), "geocode") {
			t.Errorf("the note reached %v", m.To)
		}
	}
	if n := len(r.smtp.MessagesTo("alice@acme.example")); n != before+1 {
		t.Errorf("%d emails to the customer after closing, want %d (the closing email only)", n, before+1)
	}
	tk, err := r.d.db.Ticket("SUP-000001")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range tk.Conversation {
		kinds = append(kinds, string(e.Kind)+" by "+e.Agent)
	}
	if got, want := strings.Join(kinds, ", "), "reply by luis@vendor.example, note by luis@vendor.example, close by luis@vendor.example"; got != want || tk.Status != store.StatusClosed {
		t.Errorf("ticket %s with %s, want closed with %s", tk.Status, got, want)
	}

	// Sign out.
	run(t, tab, "sign out",
		load(chromedp.Click(chromedp.CSS(`form.logout button`))),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
	)
	if got := location(t, tab); got != "/login" {
		t.Errorf("signed out at %s, want /login", got)
	}
	if c := sessionCookie(t, tab, r.base); c != nil {
		t.Errorf("the session cookie is still in the browser after signing out: %+v", c)
	}
}

// TestBrowserRefused: what the console refuses, as a browser meets it.
func TestBrowserRefused(t *testing.T) {
	chromiumPath(t) // skip before starting a daemon
	r := newConsoleRig(t)
	r.addTicket(t, "en-incident-screenshot.eml", "SUP-000001")
	unchanged := func(t *testing.T) {
		t.Helper()
		tk, err := r.d.db.Ticket("SUP-000001")
		if err != nil {
			t.Fatal(err)
		}
		if tk.Status != store.StatusOpen || len(tk.Conversation) != 0 {
			t.Errorf("the ticket changed: status %s, %d conversation entries", tk.Status, len(tk.Conversation))
		}
	}

	t.Run("no session", func(t *testing.T) {
		tab := newTab(t)
		run(t, tab, "open a ticket without a session",
			chromedp.Navigate(r.base+"/tickets/SUP-000001"),
			chromedp.WaitVisible(chromedp.CSS(`#password`)),
		)
		if got := location(t, tab); got != "/login?next=/tickets/SUP-000001" {
			t.Errorf("landed on %s, want the login form with next=/tickets/SUP-000001", got)
		}
		if eval[bool](t, tab, `document.querySelector("form.logout") !== null || document.body.textContent.includes("Route planner")`) {
			t.Error("the login form shows a user or the ticket")
		}
		// Signing in from there leads back to the ticket.
		run(t, tab, "sign in from the login form",
			chromedp.SendKeys(chromedp.CSS("#name"), "luis"),
			chromedp.SendKeys(chromedp.CSS("#password"), browserAgentPassword),
			load(chromedp.Click(chromedp.CSS(`.login button[type="submit"]`))),
			chromedp.WaitVisible(chromedp.CSS(`#answer`)),
		)
		if got := location(t, tab); got != "/tickets/SUP-000001" {
			t.Errorf("signed in at %s, want /tickets/SUP-000001", got)
		}
	})

	t.Run("cross-site post", func(t *testing.T) {
		tab := newTab(t)
		r.signIn(t, tab, "lena")
		// Another origin of the same site (another port on 127.0.0.1), the
		// case SameSite cookies do not cover: the browser sends the session
		// cookie along, and only the cross-origin check stands in the way.
		evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><title>Win a prize</title>
<form id="f" method="post" action="%s/tickets/SUP-000001/%s"><input name="words" value="Your ticket is closed, pay here."></form>
<script>document.getElementById("f").submit()</script>`, r.base, strings.TrimPrefix(req.URL.Path, "/"))
		}))
		defer evil.Close()
		for _, action := range []string{"close", "answer", "note"} {
			// The page posts its form as it loads; the console's answer is
			// plain text, which Chromium shows in a <pre>.
			run(t, tab, "the other origin's form posting "+action,
				chromedp.Navigate(evil.URL+"/"+action),
				chromedp.WaitVisible(chromedp.CSS("body > pre")),
			)
			if got := eval[string](t, tab, "location.origin + location.pathname"); got != r.base+"/tickets/SUP-000001/"+action {
				t.Fatalf("the form did not reach the console: at %s", got)
			}
			if status := pageStatus(t, tab); status != http.StatusForbidden {
				t.Errorf("cross-site %s: %d, want 403", action, status)
			}
			if text := eval[string](t, tab, "document.body.textContent"); !strings.Contains(text, "cross-origin request refused") {
				t.Errorf("cross-site %s answered %q", action, text)
			}
		}
		unchanged(t)
		if sessionCookie(t, tab, r.base) == nil {
			t.Fatal("no session in the browser: the check proved nothing")
		}
	})

	t.Run("session after logout", func(t *testing.T) {
		tab := newTab(t)
		r.login(t, tab, "lena", browserLeadPassword)
		old := sessionCookie(t, tab, r.base)
		if old == nil {
			t.Fatal("no session cookie after signing in")
		}
		run(t, tab, "sign out", load(chromedp.Click(chromedp.CSS(`form.logout button`))), chromedp.WaitVisible(chromedp.CSS(`#password`)))
		// Put the old cookie back, as someone who copied it would.
		run(t, tab, "restore the old session cookie", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetCookies, network.SetCookiesParams{Cookies: []*network.CookieParam{{
				Name: old.Name, Value: old.Value, URL: r.base + "/", HTTPOnly: true, SameSite: network.CookieSameSiteLax,
			}}})
			return err
		}))
		if c := sessionCookie(t, tab, r.base); c == nil || c.Value != old.Value {
			t.Fatal("the old cookie was not restored")
		}
		run(t, tab, "open a queue with the old session",
			chromedp.Navigate(r.base+"/queue/open"),
			chromedp.WaitVisible(chromedp.CSS(`#password`)),
		)
		if got := location(t, tab); !strings.HasPrefix(got, "/login") {
			t.Errorf("the old session opened %s", got)
		}
		// A same-origin POST with the old cookie (from the login page).
		status := evalAwait[int](t, tab, `fetch("/tickets/SUP-000001/note", {method: "POST", body: new URLSearchParams({words: "stale"}), redirect: "manual"}).then(r => r.status)`)
		if status != http.StatusUnauthorized {
			t.Errorf("a note with the old session: %d, want 401", status)
		}
		unchanged(t)
	})

	t.Run("agent on a lead page", func(t *testing.T) {
		tab := newTab(t)
		r.signIn(t, tab, "luis")
		if eval[bool](t, tab, `document.querySelector('header nav a[href="/users"], header nav a[href="/ledger"]') !== null`) {
			t.Error("an agent's navigation links to lead pages")
		}
		for _, path := range []string{"/users", "/ledger", "/held", "/quarantine", "/health"} {
			run(t, tab, "open "+path, chromedp.Navigate(r.base+path))
			if status := pageStatus(t, tab); status != http.StatusForbidden {
				t.Errorf("agent on %s: %d, want 403", path, status)
			}
		}
		if text := eval[string](t, tab, "document.body.textContent"); !strings.Contains(text, "this page is for leads") {
			t.Errorf("the refusal says %q", text)
		}
	})
}

// pageStatus is the HTTP status of the page the tab shows.
func pageStatus(t *testing.T, tab context.Context) int {
	t.Helper()
	return eval[int](t, tab, `performance.getEntriesByType("navigation")[0].responseStatus`)
}

// evalAwait evaluates a JavaScript expression that yields a promise and
// returns what it resolves to.
func evalAwait[T any](t *testing.T, tab context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, browseTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// TestBrowserWithoutJavaScript: with scripts off, an agent signs in, opens
// a ticket from the queue and answers; the customer gets the answer.
func TestBrowserWithoutJavaScript(t *testing.T) {
	tab := newTab(t)
	r := newConsoleRig(t)
	r.addTicket(t, "en-incident-screenshot.eml", "SUP-000001")
	run(t, tab, "turn scripts off", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	r.login(t, tab, "luis", browserAgentPassword)
	// With scripting off, the parser makes the queue's <noscript> refresh a
	// real element: proof that the page's scripts did not run.
	if !eval[bool](t, tab, `document.querySelector('noscript > meta[http-equiv="refresh"]') !== null`) {
		t.Fatal("scripts still run in the page")
	}
	const answer = "Hello Alice, the Valencia depot optimizes again."
	run(t, tab, "open the ticket and answer",
		load(chromedp.Click(chromedp.CSS(`a[href="/tickets/SUP-000001"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#answer`)),
		chromedp.SendKeys(chromedp.CSS(`#answer`), answer),
		load(chromedp.Click(chromedp.CSS(`form[action$="/answer"] button`))),
		waitText("p.done", "on its way to the customer"),
		waitText(".conversation .support-reply", "optimizes again"),
	)
	if got := location(t, tab); got != "/tickets/SUP-000001?done=answer" {
		t.Errorf("after answering: %s", got)
	}
	waitUntil(t, 10*time.Second, "the answer at the SMTP server", func() bool {
		for _, m := range r.smtp.MessagesTo("alice@acme.example") {
			if text, _ := mailtest.TextOf(t, m); strings.Contains(text, "optimizes again") {
				return true
			}
		}
		return false
	})
}

// unlabelled lists the page's form controls that have neither a label
// nor an aria-label (or aria-labelledby).
const unlabelled = `Array.from(document.querySelectorAll("input, select, textarea"))
	.filter(el => el.type !== "hidden")
	.filter(el => !(el.labels && Array.from(el.labels).some(l => l.textContent.trim() !== "")) &&
		!(el.getAttribute("aria-label") || "").trim() && !el.getAttribute("aria-labelledby"))
	.map(el => el.outerHTML.slice(0, 120))`

// TestBrowserAccessibility: every form control of every page has a label,
// and the queue has no horizontal scroll on a 375×667 phone screen.
func TestBrowserAccessibility(t *testing.T) {
	tab := newTab(t)
	r := newConsoleRig(t)
	r.addTicket(t, "en-incident-screenshot.eml", "SUP-000001")
	run(t, tab, "open the login form", chromedp.Navigate(r.base+"/login"), chromedp.WaitVisible(chromedp.CSS(`#name`)))
	if bad := eval[[]string](t, tab, unlabelled); len(bad) > 0 {
		t.Errorf("/login: form controls without a label: %q", bad)
	}
	r.signIn(t, tab, "lena")
	for _, path := range []string{"/", "/queue/open", "/queue/turnedaway", "/tickets/SUP-000001", "/ledger?org=acme", "/held", "/quarantine", "/health", "/users"} {
		run(t, tab, "open "+path, chromedp.Navigate(r.base+path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if status := pageStatus(t, tab); status != http.StatusOK {
			t.Errorf("%s: %d", path, status)
		}
		if bad := eval[[]string](t, tab, unlabelled); len(bad) > 0 {
			t.Errorf("%s: form controls without a label: %q", path, bad)
		}
	}

	run(t, tab, "a phone's screen", chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile, chromedp.EmulateTouch))
	defer run(t, tab, "back to the desktop", chromedp.ResetViewport())
	for _, path := range []string{"/queue/open", "/tickets/SUP-000001"} {
		run(t, tab, "open "+path+" on a phone", chromedp.Navigate(r.base+path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		sizes := eval[[]int](t, tab, `[document.scrollingElement.scrollWidth, window.innerWidth]`)
		if sizes[0] > sizes[1] {
			t.Errorf("%s at 375×667 scrolls sideways: %d px of content in a %d px window", path, sizes[0], sizes[1])
		}
	}
}
