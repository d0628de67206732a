// Package dovecot starts a private Dovecot IMAP server on loopback, for
// the tests that need a real server and for ticketd-bench --dovecot.
package dovecot

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/loopback"
)

// Server is a private Dovecot (Debian's dovecot-imapd) on a loopback
// port, with its configuration, maildir and log under one directory, and
// one user whose password is Password. Its mail processes run as the
// system user "mail": Dovecot refuses root.
type Server struct {
	Addr, User, Password string
	LogPath              string
	dir                  string
	cmd                  *exec.Cmd
	exited               chan error
}

// ErrNotInstalled and ErrNotRoot say why Start cannot start Dovecot here.
var (
	ErrNotInstalled = errors.New("dovecot is not installed (apt-get install dovecot-imapd)")
	ErrNotRoot      = errors.New("starting Dovecot needs root (its mail processes run as the user mail)")
)

// Available reports whether Start can start Dovecot here: nil, or an
// error that wraps ErrNotInstalled or ErrNotRoot.
func Available() error {
	_, err := binary()
	return err
}

// binary finds the dovecot binary, when the process may start it.
func binary() (string, error) {
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
			if _, serr := os.Stat(p); serr == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNotInstalled, err)
	}
	if os.Geteuid() != 0 {
		return "", ErrNotRoot
	}
	return bin, nil
}

// Start starts Dovecot with its files in a new directory under parent (on
// a real disk: Dovecot fsyncs its maildir and indexes; "" for the system's
// temporary directory). It needs root and the dovecot binary; Close stops
// it.
func Start(parent string) (*Server, error) {
	bin, err := binary()
	if err != nil {
		return nil, err
	}
	mailUser, err := user.Lookup("mail")
	if err != nil {
		return nil, fmt.Errorf("system user mail: %w", err)
	}
	uid, _ := strconv.Atoi(mailUser.Uid)
	gid, _ := strconv.Atoi(mailUser.Gid)
	port, err := loopback.FreePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, "dovecot-")
	if err != nil {
		return nil, err
	}
	d := &Server{
		Addr: fmt.Sprintf("127.0.0.1:%d", port), User: "support", Password: "ticketd-dovecot",
		dir: dir, LogPath: filepath.Join(dir, "dovecot.log"),
	}
	if err := d.configure(uid, gid, port); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := d.start(bin); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return d, nil
}

func (d *Server) configure(uid, gid, port int) error {
	if err := os.Chmod(d.dir, 0o755); err != nil {
		return err
	}
	mailDir := filepath.Join(d.dir, "mail")
	for _, sub := range []string{mailDir, filepath.Join(d.dir, "run"), filepath.Join(d.dir, "state")} {
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
	}
	if err := os.Chown(mailDir, uid, gid); err != nil {
		return err
	}
	users := fmt.Sprintf("%s:{PLAIN}%s:%d:%d::%s/%s\n", d.User, d.Password, uid, gid, mailDir, d.User)
	if err := os.WriteFile(filepath.Join(d.dir, "users"), []byte(users), 0o644); err != nil {
		return err
	}
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[2]s
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/users
}
userdb {
  driver = passwd-file
  args = username_format=%%u %[1]s/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[3]d
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`, d.dir, d.LogPath, port)
	return os.WriteFile(filepath.Join(d.dir, "dovecot.conf"), []byte(conf), 0o644)
}

// start runs Dovecot in the foreground (-F) as this program's child and
// waits until it listens.
func (d *Server) start(bin string) error {
	out := &strings.Builder{}
	d.cmd = exec.Command(bin, "-F", "-c", filepath.Join(d.dir, "dovecot.conf"))
	d.cmd.Stdout, d.cmd.Stderr = out, out
	if err := d.cmd.Start(); err != nil {
		return fmt.Errorf("start dovecot: %w", err)
	}
	d.exited = make(chan error, 1)
	go func() { d.exited <- d.cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", d.Addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case err := <-d.exited:
			log, _ := os.ReadFile(d.LogPath)
			return fmt.Errorf("dovecot exited: %w\n%s\n%s", err, out.String(), log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			d.Close()
			log, _ := os.ReadFile(d.LogPath)
			return fmt.Errorf("dovecot did not listen on %s: %s\n%s", d.Addr, out.String(), log)
		}
	}
}

// Close stops the Dovecot Start started (its master, by the
// process it started; the master stops its own children) and removes its
// files.
func (d *Server) Close() {
	if d.cmd != nil && d.cmd.Process != nil {
		_ = d.cmd.Process.Signal(os.Interrupt)
		select {
		case <-d.exited:
		case <-time.After(5 * time.Second):
			_ = d.cmd.Process.Kill()
			<-d.exited
		}
		d.cmd = nil
	}
	os.RemoveAll(d.dir)
}
