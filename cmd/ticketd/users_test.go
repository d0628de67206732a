package main

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/password"
	"github.com/ticketd/ticketd/store"
)

// The users commands on the file while the daemon is down, then through
// its admin API: passwords from standard input or a file, hashed by the
// command, never shown; each mistake with its exit status.
func TestUsersCommands(t *testing.T) {
	r := newRig(t)
	pwFile := filepath.Join(t.TempDir(), "bob.pw")
	writeFile(t, pwFile, "bob's long password\n")
	offline := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string // the whole of standard output
		stderr string // contained in standard error
	}{
		{"add with a password on stdin", "correct horse battery\n", []string{"users", "add", "Ana", "--role", "lead", "--email", "Ana@Ticketd.example"}, 0,
			"user ana added (lead)\n", ""},
		{"add without a password", "", []string{"users", "add", "bob", "--role", "agent"}, 0,
			"user bob added (agent) without a password: it cannot log in until `ticketd users passwd bob` sets one\n", ""},
		{"add again", "", []string{"users", "add", "ana", "--role", "agent"}, 1, "", "ticketd users add: user ana already exists; user ana not added\n"},
		{"add, an address taken", "", []string{"users", "add", "ana2", "--role", "agent", "--email", "ANA@ticketd.example"}, 1, "", "ticketd users add: the address ana@ticketd.example is user ana's; user ana2 not added\n"},
		{"add, a short password", "short\n", []string{"users", "add", "cy", "--role", "agent"}, 1, "", "password too short"},
		{"add, a blank password", "            \n", []string{"users", "add", "cy", "--role", "agent"}, 1, "", "only whitespace"},
		{"add, no role", "", []string{"users", "add", "cy"}, 2, "", `--role "" is not agent or lead`},
		{"add, bad role", "", []string{"users", "add", "cy", "--role", "admin"}, 2, "", `--role "admin" is not agent or lead`},
		{"add, bad name", "", []string{"users", "add", "c/y", "--role", "agent"}, 2, "", `"c/y" is not a user name`},
		{"add, bad address", "", []string{"users", "add", "cy", "--role", "agent", "--email", "Cy <cy@x.example>"}, 2, "", "is not a bare email address"},
		{"a password flag", "", []string{"users", "add", "cy", "--role", "agent", "--password", "correct horse battery"}, 2, "", "unknown flag: --password"},
		{"add, no name", "", []string{"users", "add", "--role", "agent"}, 2, "", "takes 1 argument"},
		{"passwd from a file", "ignored\n", []string{"users", "passwd", "BOB", "--password-file", pwFile}, 0,
			"password of bob set; bob's sessions ended\n", ""},
		{"passwd, a missing file", "", []string{"users", "passwd", "bob", "--password-file", pwFile + ".missing"}, 1, "", "no such file"},
		{"passwd, nobody", "correct horse battery\n", []string{"users", "passwd", "nobody"}, 1, "", "no user nobody"},
		{"passwd, nothing on stdin", "", []string{"users", "passwd", "bob"}, 1, "", "password empty or only whitespace"},
		{"disable nobody", "", []string{"users", "disable", "nobody"}, 1, "", "ticketd users disable: no user nobody\n"},
		{"disable", "", []string{"users", "disable", "bob"}, 0, "user bob disabled; bob's sessions ended\n", ""},
		{"enable", "", []string{"users", "enable", "bob"}, 0, "user bob enabled\n", ""},
		{"list, bad format", "", []string{"users", "list", "--format", "yaml"}, 2, "", "--format must be text or json"},
	}
	for _, tt := range offline {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := r.runCLIIn(tt.stdin, tt.args...)
			if code != tt.code || (tt.code == 0 && out != tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout: %q\nwant:   %q\nstderr: %q\nwant it to hold %q", code, tt.code, out, tt.stdout, errOut, tt.stderr)
			}
			r.checkListed(t, listedAfter[tt.name])
		})
	}
	db := r.openStore()
	if _, err := db.User("cy"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused add created cy: %v", err)
	}
	db.Close()
	if _, errOut, code := runArgs("users", "delete", "bob"); code != 2 || !strings.Contains(errOut, `unknown subcommand "delete"`) {
		t.Errorf("users delete: exit %d: %s", code, errOut)
	}
	out, errOut, code := r.runCLI("users", "list")
	if code != 0 || !regexpMatch(`(?m)^ana\s+lead\s+ana@ticketd.example\s+yes\s`, out) || !regexpMatch(`(?m)^bob\s+agent\s+-\s+yes\s`, out) {
		t.Errorf("users list on the file: exit %d: %s\n%s", code, errOut, out)
	}

	// A session of ana's, which her new password will end.
	db = r.openStore()
	session, err := db.NewSession("ana", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Through the daemon, which makes the agents of desk.agents users.
	r.cfg.Desk.Agents = []config.Agent{{Email: "Bea.Ruiz@ticketd.example", Name: "Bea"}, {Email: "ana@ticketd.example", Name: "Ana"}}
	stop := r.start()
	out, errOut, code = r.runCLI("users", "list", "--format", "json")
	var infos []admin.UserInfo
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ui admin.UserInfo
		if err := json.Unmarshal([]byte(line), &ui); err != nil {
			t.Fatalf("users list --format json: %v: %q", err, line)
		}
		infos = append(infos, ui)
	}
	if code != 0 || len(infos) != 3 || infos[0].Name != "ana" || infos[1].Name != "bea.ruiz" || infos[1].HasPassword || infos[1].Role != store.RoleAgent ||
		infos[1].Email != "bea.ruiz@ticketd.example" || infos[2].Name != "bob" || !infos[2].HasPassword {
		t.Errorf("users list through the daemon: exit %d: %s\n%+v", code, errOut, infos)
	}
	if strings.Contains(out, "argon2") || strings.Contains(out, "hash") {
		t.Errorf("users list shows a hash:\n%s", out)
	}
	online := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"passwd from stdin", "new password 123\r\n", []string{"users", "passwd", "ana"}, 0, "password of ana set; ana's sessions ended\n", ""},
		{"passwd of an agent made at start", "bea's password!\n", []string{"users", "passwd", "bea.ruiz"}, 0, "password of bea.ruiz set; bea.ruiz's sessions ended\n", ""},
		{"passwd, too long", strings.Repeat("x", password.MaxLength+1) + "\n", []string{"users", "passwd", "ana"}, 1, "", "password too long"},
		{"disable", "", []string{"users", "disable", "bob"}, 0, "user bob disabled; bob's sessions ended\n", ""},
		{"enable", "", []string{"users", "enable", "bob"}, 0, "user bob enabled\n", ""},
		{"add without a password", "", []string{"users", "add", "cy", "--role", "agent", "--email", "cy@ticketd.example"}, 0,
			"user cy added (agent) without a password: it cannot log in until `ticketd users passwd cy` sets one\n", ""},
		{"add with a password", "cy2's password\n", []string{"users", "add", "cy2", "--role", "lead"}, 0, "user cy2 added (lead)\n", ""},
		{"add again", "", []string{"users", "add", "cy", "--role", "agent"}, 1, "", "ticketd users add: user cy already exists; user cy not added\n"},
		{"add, an address taken", "", []string{"users", "add", "cy3", "--role", "agent", "--email", "cy@ticketd.example"}, 1, "", "ticketd users add: the address cy@ticketd.example is user cy's; user cy3 not added\n"},
		{"disable nobody", "", []string{"users", "disable", "nobody"}, 1, "", "ticketd users disable: no user nobody\n"},
		{"enable nobody", "", []string{"users", "enable", "nobody"}, 1, "", "ticketd users enable: no user nobody\n"},
		{"passwd nobody", "correct horse battery\n", []string{"users", "passwd", "nobody"}, 1, "", "ticketd users passwd: no user nobody\n"},
	}
	for _, tt := range online {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := r.runCLIIn(tt.stdin, tt.args...)
			if code != tt.code || (tt.code == 0 && out != tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout: %q\nwant:   %q\nstderr: %q\nwant it to hold %q", code, tt.code, out, tt.stdout, errOut, tt.stderr)
			}
			r.checkListed(t, listedAfter[tt.name])
		})
	}
	stop()
	if strings.Contains(r.logs.String(), "argon2") {
		t.Error("the daemon logged a password hash")
	}

	db = r.openStore()
	for _, c := range []struct{ user, pw string }{{"ana", "new password 123"}, {"bob", "bob's long password"}, {"bea.ruiz", "bea's password!"}, {"cy2", "cy2's password"}} {
		u, err := db.User(c.user)
		if err != nil || !password.Verify(u.PasswordHash, c.pw) || u.Disabled {
			t.Errorf("%s: %+v, %v; want enabled with password %q", c.user, u, err, c.pw)
		}
	}
	if _, err := db.SessionUser(session, time.Now(), time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ana's session after her new password: %v", err)
	}
	if u, err := db.User("cy"); err != nil || u.PasswordHash != "" || u.Email != "cy@ticketd.example" {
		t.Errorf("cy: %+v, %v", u, err)
	}
}

// listedAfter is what `users list` must show after the cases of
// TestUsersCommands that change a user: the command's message alone does
// not say the store changed.
var listedAfter = map[string]string{
	"disable": `(?m)^bob\s+agent\s+-\s+no \(disabled\)`,
	"enable":  `(?m)^bob\s+agent\s+-\s+yes\s`,
}

// checkListed fails t unless `users list` matches pattern ("": no check).
func (r *rig) checkListed(t *testing.T, pattern string) {
	t.Helper()
	if pattern == "" {
		return
	}
	if out, errOut, code := r.runCLI("users", "list"); code != 0 || !regexpMatch(pattern, out) {
		t.Errorf("users list: exit %d: %s\n%s\nwant it to match %s", code, errOut, out, pattern)
	}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
