package console

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/ticketd/ticketd/internal/password"
	"github.com/ticketd/ticketd/store"
)

// sessionCookie names the session cookie.
const sessionCookie = "ticketd_session"

type ctxKey int

const userKey ctxKey = 0

// userOf is the signed-in user of a request that passed authenticate.
func userOf(r *http.Request) *store.User {
	u, _ := r.Context().Value(userKey).(*store.User)
	return u
}

// authenticate lets a request through with its user: from the trusted
// proxy's header, when configured and the request comes from a trusted
// address, else from the session cookie. Without either, pages redirect
// to the login form and other requests get 401.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := s.proxyUser(r)
		if u == nil {
			if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
				u, _ = s.o.Store.SessionUser(c.Value, s.o.Now(), s.o.SessionIdle)
			}
		}
		if u == nil {
			if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/events") {
				http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	})
}

// lead lets only leads through.
func lead(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if u := userOf(r); u == nil || u.Role != store.RoleLead {
			http.Error(w, "this page is for leads", http.StatusForbidden)
			return
		}
		next(w, r)
	}
}

// proxyUser is the user named by the trusted header, when the request
// comes from loopback or a trusted proxy and the user exists and is not
// disabled.
func (s *Server) proxyUser(r *http.Request) *store.User {
	if s.o.TrustedHeader == "" {
		return nil
	}
	name := strings.TrimSpace(r.Header.Get(s.o.TrustedHeader))
	if name == "" || !s.trustedPeer(r) {
		return nil
	}
	var u *store.User
	var err error
	if strings.Contains(name, "@") {
		u, err = s.o.Store.UserByEmail(strings.ToLower(name))
	} else {
		u, err = s.o.Store.User(strings.ToLower(name))
	}
	if err != nil || u.Disabled {
		return nil
	}
	return u
}

// trustedPeer reports whether the request's peer is loopback or in
// TrustedProxies.
func (s *Server) trustedPeer(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	if ip.IsLoopback() {
		return true
	}
	for _, p := range s.o.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// secure reports whether the browser reached the console over HTTPS:
// served with TLS, or a trusted proxy says so.
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || (s.trustedPeer(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

// loginForm shows the form.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", map[string]any{"Next": safeNext(r.URL.Query().Get("next"))})
}

// login checks the name and password, throttled per name and address,
// and starts a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	name := strings.ToLower(strings.TrimSpace(r.PostFormValue("name")))
	pw := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	now := s.o.Now()
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	keys := []string{"user:" + name, "addr:" + host}
	fail := func(status int, msg string) {
		s.render(w, r, status, "login", map[string]any{"Next": next, "Name": name, "Error": msg})
	}
	if s.throttle.blocked(now, keys...) {
		s.o.Log.Warn("console login throttled", "user", name, "remote", host)
		fail(http.StatusTooManyRequests, "Too many failed sign-ins. Wait 15 minutes and try again.")
		return
	}
	u, err := s.o.Store.User(name)
	if err != nil || u.Disabled || u.PasswordHash == "" || !password.Verify(u.PasswordHash, pw) {
		s.throttle.fail(now, keys...)
		s.o.Log.Warn("console login failed", "user", name, "remote", host)
		fail(http.StatusUnauthorized, "Wrong name or password.")
		return
	}
	token, err := s.o.Store.NewSession(u.Name, now)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.throttle.succeed(keys...)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
	s.o.Log.Info("console login", "user", u.Name, "remote", host)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session on the server and clears the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.o.Store.EndSession(c.Value); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.serverError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a redirect target on this site: a path, never a scheme
// or another host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
