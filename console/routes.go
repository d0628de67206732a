package console

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed templates/*.html static/*
var assets embed.FS

// pageNames are the templates/*.html pages; each is rendered inside
// templates/layout.html.
var pageNames = []string{"login", "queue", "ticket", "ledger", "held", "quarantine", "health", "users", "error"}

// parsePages parses every page with the layout and the functions.
func parsePages() (map[string]*template.Template, error) {
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// routes is every path the console serves, behind the security headers
// and cross-origin protection; all but the login form and the static
// files need a user.
func (s *Server) routes() http.Handler {
	app := http.NewServeMux()
	app.HandleFunc("GET /{$}", s.queue)
	app.HandleFunc("GET /queue/{name}", s.queue)
	app.HandleFunc("GET /events", s.events)
	app.HandleFunc("GET /tickets/{number}", s.ticket)
	app.HandleFunc("GET /tickets/{number}/messages/{msg}/files/{file}", s.download)
	app.HandleFunc("POST /tickets/{number}/{action}", s.act)
	app.HandleFunc("POST /logout", s.logout)
	app.HandleFunc("GET /ledger", lead(s.ledger))
	app.HandleFunc("GET /held", lead(s.held))
	app.HandleFunc("POST /held/{id}/release", lead(s.release))
	app.HandleFunc("GET /quarantine", lead(s.quarantine))
	app.HandleFunc("POST /quarantine/{uid}/retry", lead(s.retry))
	app.HandleFunc("GET /health", lead(s.health))
	app.HandleFunc("GET /users", lead(s.users))
	app.HandleFunc("POST /users", lead(s.addUser))
	app.HandleFunc("POST /users/{name}/{action}", lead(s.changeUser))

	root := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	root.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	root.HandleFunc("GET /login", s.loginForm)
	root.HandleFunc("POST /login", s.login)
	root.Handle("/", s.authenticate(app))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.o.Log.Warn("console: cross-origin request refused", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	}))
	return securityHeaders(cop.Handler(limitBody(root)))
}

// maxFormBytes bounds a request body (a reply or a note).
const maxFormBytes = 1 << 20

func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		next.ServeHTTP(w, r)
	})
}

// pageCSP allows only the console's own scripts, styles and images; no
// frames, no forms to elsewhere.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"

// securityHeaders sets what every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// render writes page name with data, the signed-in user and the nav.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["User"] = userOf(r)
	data["Path"] = r.URL.Path
	data["Now"] = s.o.Now()
	if _, ok := data["Title"]; !ok {
		data["Title"] = strings.ToUpper(name[:1]) + name[1:]
	}
	var b strings.Builder
	if err := s.pages[name].Execute(&b, data); err != nil {
		s.o.Log.Error("console: render", "page", name, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, b.String())
}

// serverError logs err and shows a short page.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.o.Log.Error("console: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	s.render(w, r, http.StatusInternalServerError, "error", map[string]any{"Title": "Error", "Message": "Something went wrong; the log says what."})
}

// notFound shows a short page.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, what string) {
	s.render(w, r, http.StatusNotFound, "error", map[string]any{"Title": "Not found", "Message": what})
}

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"since": func(now, t time.Time) string { return humanDuration(now.Sub(t)) },
	"dur":   humanDuration,
	"date":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"add":   func(a, b int) int { return a + b },
}

// humanDuration is "3 d 4 h", "2 h 5 min", "40 min", "less than a minute".
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
	}
}
