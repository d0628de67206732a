package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/ticketd/ticketd/store"
)

// UserInfo is a user as the admin API shows it: never the password hash,
// only whether there is one.
type UserInfo struct {
	Name        string     `json:"name"`
	Email       string     `json:"email,omitempty"`
	Role        store.Role `json:"role"`
	HasPassword bool       `json:"has_password"`
	Disabled    bool       `json:"disabled,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// InfoOf is u without its password hash.
func InfoOf(u store.User) UserInfo {
	return UserInfo{
		Name: u.Name, Email: u.Email, Role: u.Role, HasPassword: u.PasswordHash != "",
		Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
}

// NewUser is the body of POST /api/v1/users. PasswordHash is already
// hashed by the caller (internal/password): no password crosses the API.
type NewUser struct {
	Name         string     `json:"name"`
	Email        string     `json:"email,omitempty"`
	Role         store.Role `json:"role"`
	PasswordHash string     `json:"password_hash,omitempty"`
}

// passwordBody is the body of POST /api/v1/users/{name}/password.
type passwordBody struct {
	PasswordHash string `json:"password_hash"`
}

// maxUserBody bounds the body of a user route.
const maxUserBody = 16 << 10

// UsersBackend keeps the local users; *store.DB satisfies it.
type UsersBackend interface {
	Users() ([]store.User, error)
	User(name string) (*store.User, error)
	AddUser(u store.User, at time.Time) error
	SetPassword(name, hash string, at time.Time) error
	DisableUser(name string, at time.Time) error
	EnableUser(name string, at time.Time) error
}

var _ UsersBackend = (*store.DB)(nil)

// RegisterUsers mounts the user routes under [PathPrefix]: GET users,
// POST users (NewUser; 409 when the name or address is taken), POST
// users/{name}/password ({"password_hash": ...}; ends the user's
// sessions), POST users/{name}/disable (ends them too) and POST
// users/{name}/enable. Each POST answers the UserInfo. now nil means
// time.Now; log nil discards.
func RegisterUsers(mux *http.ServeMux, ub UsersBackend, now func() time.Time, log *slog.Logger) {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	u := &usersHandlers{h: &handlers{now: now, log: log}, b: ub}
	for _, rt := range []route{
		{http.MethodGet, PathPrefix + "users", u.list, false},
		{http.MethodPost, PathPrefix + "users", u.add, true},
		{http.MethodPost, PathPrefix + "users/{name}/password", u.password, true},
		{http.MethodPost, PathPrefix + "users/{name}/disable", u.disable, true},
		{http.MethodPost, PathPrefix + "users/{name}/enable", u.enable, true},
	} {
		var next http.Handler = rt.handle
		if rt.mutating {
			next = requireAdminHeader(next)
		}
		mux.Handle(rt.method+" "+rt.path, RequireIPHost(next))
		if rt.path != PathPrefix+"users" || rt.method == http.MethodGet {
			mux.Handle(rt.path, RequireIPHost(methodNotAllowed(usersAllowed(rt))))
		}
	}
}

// usersAllowed is the Allow header of a user route's path.
func usersAllowed(rt route) string {
	if rt.path == PathPrefix+"users" {
		return "GET, HEAD, POST"
	}
	return allowed(rt.method)
}

type usersHandlers struct {
	h *handlers
	b UsersBackend
}

func (u *usersHandlers) list(w http.ResponseWriter, r *http.Request) {
	us, err := u.b.Users()
	if err != nil {
		u.h.fail(w, r, err)
		return
	}
	out := make([]UserInfo, 0, len(us))
	for _, x := range us {
		out = append(out, InfoOf(x))
	}
	writeJSON(w, http.StatusOK, out)
}

func (u *usersHandlers) add(w http.ResponseWriter, r *http.Request) {
	var nu NewUser
	if !readBody(w, r, &nu) {
		return
	}
	err := u.b.AddUser(store.User{Name: nu.Name, Email: nu.Email, Role: nu.Role, PasswordHash: nu.PasswordHash}, u.h.now())
	if err != nil {
		u.h.fail(w, r, err)
		return
	}
	u.answer(w, r, "added", nu.Name)
}

func (u *usersHandlers) password(w http.ResponseWriter, r *http.Request) {
	var pb passwordBody
	if !readBody(w, r, &pb) {
		return
	}
	if err := u.b.SetPassword(r.PathValue("name"), pb.PasswordHash, u.h.now()); err != nil {
		u.h.fail(w, r, err)
		return
	}
	u.answer(w, r, "password set", r.PathValue("name"))
}

func (u *usersHandlers) disable(w http.ResponseWriter, r *http.Request) {
	if err := u.b.DisableUser(r.PathValue("name"), u.h.now()); err != nil {
		u.h.fail(w, r, err)
		return
	}
	u.answer(w, r, "disabled", r.PathValue("name"))
}

func (u *usersHandlers) enable(w http.ResponseWriter, r *http.Request) {
	if err := u.b.EnableUser(r.PathValue("name"), u.h.now()); err != nil {
		u.h.fail(w, r, err)
		return
	}
	u.answer(w, r, "enabled", r.PathValue("name"))
}

// answer logs a change and answers the user as it now is.
func (u *usersHandlers) answer(w http.ResponseWriter, r *http.Request, what, name string) {
	x, err := u.b.User(name)
	if err != nil {
		u.h.fail(w, r, err)
		return
	}
	u.h.log.Info("user changed through the admin API", slog.String("change", what),
		slog.String("user", x.Name), slog.String("role", string(x.Role)), slog.String("remote", r.RemoteAddr))
	writeJSON(w, http.StatusOK, InfoOf(*x))
}

// readBody decodes a JSON body of at most maxUserBody bytes with no
// unknown field into v, or answers 400 (413 when too large) and returns
// false.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxUserBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err != nil {
		status := http.StatusBadRequest
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		writeError(w, status, "request body: "+err.Error())
		return false
	}
	return true
}

// Users lists the users, by name.
func (c *Client) Users(ctx context.Context) ([]UserInfo, error) {
	var us []UserInfo
	if err := c.getJSON(ctx, PathPrefix+"users", nil, &us); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

// AddUser adds a user; a taken name or address gives an error wrapping
// store.ErrExists, a bad one store.ErrInvalid.
func (c *Client) AddUser(ctx context.Context, nu NewUser) (UserInfo, error) {
	var ui UserInfo
	if err := c.postBody(ctx, PathPrefix+"users", nu, &ui); err != nil {
		return ui, fmt.Errorf("add user %q: %w", nu.Name, err)
	}
	return ui, nil
}

// SetPassword sets a user's password hash, which ends the user's
// sessions; an unknown user gives an error wrapping store.ErrNotFound.
func (c *Client) SetPassword(ctx context.Context, name, hash string) (UserInfo, error) {
	var ui UserInfo
	if err := c.postBody(ctx, userPath(name, "password"), passwordBody{PasswordHash: hash}, &ui); err != nil {
		return ui, fmt.Errorf("set password of user %q: %w", name, err)
	}
	return ui, nil
}

// DisableUser disables a user and ends the user's sessions.
func (c *Client) DisableUser(ctx context.Context, name string) (UserInfo, error) {
	var ui UserInfo
	if err := c.postJSON(ctx, userPath(name, "disable"), nil, &ui); err != nil {
		return ui, fmt.Errorf("disable user %q: %w", name, err)
	}
	return ui, nil
}

// EnableUser enables a disabled user.
func (c *Client) EnableUser(ctx context.Context, name string) (UserInfo, error) {
	var ui UserInfo
	if err := c.postJSON(ctx, userPath(name, "enable"), nil, &ui); err != nil {
		return ui, fmt.Errorf("enable user %q: %w", name, err)
	}
	return ui, nil
}

// userPath is the path of one of a user's actions, the name escaped.
func userPath(name, action string) string {
	return PathPrefix + "users/" + url.PathEscape(name) + "/" + action
}

// postBody POSTs in as JSON with the admin header and decodes the JSON
// answer into out.
func (c *Client) postBody(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	resp, err := c.send(ctx, http.MethodPost, path, nil, true, bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxUserBody)).Decode(out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}
