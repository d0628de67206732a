package admin

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/store"
)

const testHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"

// startUsersAPI serves the whole admin API with the user routes on db.
func startUsersAPI(t *testing.T, db *store.DB) (*Client, *Server) {
	t.Helper()
	mux := http.NewServeMux()
	Register(mux, db, fixedNow, testLogger(t))
	RegisterUsers(mux, db, fixedNow, testLogger(t))
	return serveAPI(t, mux)
}

func TestClientUsers(t *testing.T) {
	db := openStore(t)
	c, _ := startUsersAPI(t, db)
	ctx := t.Context()

	us, err := c.Users(ctx)
	if err != nil || us == nil || len(us) != 0 {
		t.Fatalf("Users on an empty store = %#v, %v; want []", us, err)
	}
	ana, err := c.AddUser(ctx, NewUser{Name: "Ana", Email: "Ana@V.example", Role: store.RoleLead, PasswordHash: testHash})
	if err != nil || ana.Name != "ana" || ana.Email != "ana@v.example" || !ana.HasPassword || !ana.CreatedAt.Equal(testNow) {
		t.Fatalf("AddUser = %+v, %v", ana, err)
	}
	bob, err := c.AddUser(ctx, NewUser{Name: "bob", Role: store.RoleAgent})
	if err != nil || bob.HasPassword {
		t.Fatalf("AddUser without a password = %+v, %v", bob, err)
	}
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"same name", func() error { _, err := c.AddUser(ctx, NewUser{Name: "ana", Role: store.RoleAgent}); return err }, store.ErrExists},
		{"same address", func() error {
			_, err := c.AddUser(ctx, NewUser{Name: "ana2", Email: "ana@v.example", Role: store.RoleAgent})
			return err
		}, store.ErrExists},
		{"bad role", func() error { _, err := c.AddUser(ctx, NewUser{Name: "cy", Role: "root"}); return err }, store.ErrInvalid},
		{"bad name", func() error { _, err := c.AddUser(ctx, NewUser{Name: "c y", Role: store.RoleAgent}); return err }, store.ErrInvalid},
		{"password of nobody", func() error { _, err := c.SetPassword(ctx, "nobody", testHash); return err }, store.ErrNotFound},
		{"empty hash", func() error { _, err := c.SetPassword(ctx, "bob", ""); return err }, store.ErrInvalid},
		{"disable nobody", func() error { _, err := c.DisableUser(ctx, "nobody"); return err }, store.ErrNotFound},
		{"enable nobody", func() error { _, err := c.EnableUser(ctx, "nobody"); return err }, store.ErrNotFound},
		{"a name with a slash", func() error { _, err := c.DisableUser(ctx, "../tickets"); return err }, store.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}

	tok, err := db.NewSession("ana", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if ui, err := c.SetPassword(ctx, "BOB", testHash); err != nil || !ui.HasPassword || ui.Name != "bob" {
		t.Errorf("SetPassword = %+v, %v", ui, err)
	}
	if ui, err := c.DisableUser(ctx, "ana"); err != nil || !ui.Disabled {
		t.Errorf("DisableUser = %+v, %v", ui, err)
	}
	if _, err := db.SessionUser(tok, testNow, time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ana's session after disabling her: %v", err)
	}
	if ui, err := c.EnableUser(ctx, "ana"); err != nil || ui.Disabled {
		t.Errorf("EnableUser = %+v, %v", ui, err)
	}
	us, err = c.Users(ctx)
	if err != nil || len(us) != 2 || us[0].Name != "ana" || us[1].Name != "bob" {
		t.Errorf("Users = %+v, %v", us, err)
	}
}

// The user routes keep the API's guards, never show a hash, and refuse
// bodies that are not what they expect.
func TestUsersRoutes(t *testing.T) {
	db := openStore(t)
	if err := db.AddUser(store.User{Name: "ana", Role: store.RoleAgent, PasswordHash: testHash}, testNow); err != nil {
		t.Fatal(err)
	}
	_, s := startUsersAPI(t, db)
	base := "http://" + s.Addr()
	users := PathPrefix + "users"
	tests := []struct {
		name       string
		method     string
		path       string
		header     string
		host       string
		body       string
		wantStatus int
		wantAllow  string
	}{
		{"list", "GET", users, "", "", "", 200, ""},
		{"list, rebinding host", "GET", users, "", "evil.example", "", 403, ""},
		{"add without header", "POST", users, "", "", `{"name":"bob","role":"agent"}`, 403, ""},
		{"password without header", "POST", users + "/ana/password", "", "", `{"password_hash":"x"}`, 403, ""},
		{"disable without header", "POST", users + "/ana/disable", "", "", "", 403, ""},
		{"enable without header", "POST", users + "/ana/enable", "", "", "", 403, ""},
		{"disable, rebinding host", "POST", users + "/ana/disable", "1", "evil.example", "", 403, ""},
		{"DELETE users", "DELETE", users, "1", "", "", 405, "GET, HEAD, POST"},
		{"GET disable", "GET", users + "/ana/disable", "1", "", "", 405, "POST"},
		{"add, unknown field", "POST", users, "1", "", `{"name":"bob","role":"agent","password":"hunter22hunter22"}`, 400, ""},
		{"add, not JSON", "POST", users, "1", "", `name=bob`, 400, ""},
		{"add, two values", "POST", users, "1", "", `{"name":"bob","role":"agent"}{}`, 400, ""},
		{"add, too large", "POST", users, "1", "", `{"name":"` + strings.Repeat("b", 20000) + `","role":"agent"}`, 413, ""},
		{"add, empty body", "POST", users, "1", "", ``, 400, ""},
		{"add, exists", "POST", users, "1", "", `{"name":"ana","role":"agent"}`, 409, ""},
		{"password, unknown user", "POST", users + "/bob/password", "1", "", `{"password_hash":"x"}`, 404, ""},
		{"unknown action", "POST", users + "/ana/delete", "1", "", ``, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, base+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.header != "" {
				req.Header.Set(AdminHeader, tt.header)
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, resp.StatusCode, body, tt.wantStatus)
			}
			if got := resp.Header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
			if strings.Contains(string(body), "argon2") || strings.Contains(string(body), "password_hash") {
				t.Errorf("the answer shows a hash: %s", body)
			}
		})
	}
	if _, err := db.User("bob"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused request added bob: %v", err)
	}
	u, err := db.User("ana")
	if err != nil || u.Disabled || u.PasswordHash != testHash {
		t.Errorf("refused requests changed ana: %+v, %v", u, err)
	}
}
