package store

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/oneline"
	bolt "go.etcd.io/bbolt"
)

// This file holds the local users: the people who log in to the console
// and the agents of desk.agents, one identity each. Passwords arrive
// already hashed (internal/password): the store never sees one.

// Role is what a user may do in the console.
type Role string

// The roles.
const (
	RoleAgent Role = "agent"
	RoleLead  Role = "lead"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r == RoleAgent || r == RoleLead }

// User is one local user.
type User struct {
	Name         string    `json:"name"`                    // login name, lower-case [a-z0-9._-]{1,64}, starting with a letter or digit
	Email        string    `json:"email,omitempty"`         // lower-case; an agent's desk.agents address
	Role         Role      `json:"role"`                    // agent or lead
	PasswordHash string    `json:"password_hash,omitempty"` // "": cannot log in until one is set
	Disabled     bool      `json:"disabled,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// maxUserName and maxHashLen bound what a user record holds.
const (
	maxUserName = 64
	maxHashLen  = 512
)

// UserName returns name lower-cased if it can be a login name: 1 to 64 of
// a-z, 0-9, '.', '_' and '-', the first a letter or digit (so that no
// name is "." or ".." in a URL path). Otherwise it returns an error
// wrapping ErrInvalid.
func UserName(name string) (string, error) {
	n := strings.ToLower(name)
	ok := n != "" && len(n) <= maxUserName
	for i := 0; ok && i < len(n); i++ {
		c := n[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		ok = alnum || i > 0 && (c == '.' || c == '_' || c == '-')
	}
	if !ok {
		return "", fmt.Errorf("%w: %q is not a user name (1 to %d of a-z, 0-9, '.', '_', '-', starting with a letter or digit)",
			ErrInvalid, oneline.Cut(name, maxUserName+8), maxUserName)
	}
	return n, nil
}

// userEmail returns addr lower-cased if it is a bare email address or
// empty.
func userEmail(addr string) (string, error) {
	a := strings.ToLower(strings.TrimSpace(addr))
	if a == "" {
		return "", nil
	}
	p, err := mail.ParseAddress(a)
	if err != nil || p.Address != a || p.Name != "" || len(a) > 254 {
		return "", fmt.Errorf("%w: %q is not a bare email address", ErrInvalid, oneline.Cut(addr, 80))
	}
	return a, nil
}

// checkUser normalizes u's name and email and checks its role and hash.
func checkUser(u *User) error {
	var err error
	if u.Name, err = UserName(u.Name); err != nil {
		return err
	}
	if u.Email, err = userEmail(u.Email); err != nil {
		return fmt.Errorf("user %s: %w", u.Name, err)
	}
	if !u.Role.Valid() {
		return fmt.Errorf("user %s: %w: role %q is not %s or %s", u.Name, ErrInvalid, oneline.Cut(string(u.Role), 20), RoleAgent, RoleLead)
	}
	if len(u.PasswordHash) > maxHashLen {
		return fmt.Errorf("user %s: %w: password hash longer than %d bytes", u.Name, ErrInvalid, maxHashLen)
	}
	return nil
}

// AddUser adds u, created at at. Its name and email are lower-cased; a
// bad name, email or role is an error wrapping ErrInvalid, and a name or
// email another user has one wrapping ErrExists. An empty PasswordHash
// makes a user who cannot log in until SetPassword.
func (db *DB) AddUser(u User, at time.Time) error {
	if err := checkUser(&u); err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	u.CreatedAt, u.UpdatedAt = at, at
	err := db.update(func(tx *bolt.Tx) error {
		return addUser(tx, u)
	})
	if err != nil {
		return fmt.Errorf("add user %s: %w", u.Name, err)
	}
	return nil
}

// addUser writes u, checked, unless its name or email is taken.
func addUser(tx *bolt.Tx, u User) error {
	b := tx.Bucket(bucketUsers)
	if b.Get([]byte(u.Name)) != nil {
		return fmt.Errorf("%w: a user named %s", ErrExists, u.Name)
	}
	if u.Email != "" {
		other, err := userByEmail(tx, u.Email)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if other != nil {
			return fmt.Errorf("%w: user %s has the address %s", ErrExists, other.Name, u.Email)
		}
	}
	return putJSON(b, []byte(u.Name), &u)
}

// User returns the user named name (any case), or an error wrapping
// ErrNotFound.
func (db *DB) User(name string) (*User, error) {
	n, err := UserName(name)
	if err != nil {
		return nil, fmt.Errorf("user: %w", err)
	}
	var u *User
	err = db.view(func(tx *bolt.Tx) error {
		u, err = getUser(tx, n)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", n, err)
	}
	return u, nil
}

// getUser reads the user named n (normalized), or ErrNotFound.
func getUser(tx *bolt.Tx, n string) (*User, error) {
	var u User
	found, err := getJSON(tx.Bucket(bucketUsers), []byte(n), &u)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrNotFound
	}
	return &u, nil
}

// UserByEmail returns the user whose address is email (any case), or an
// error wrapping ErrNotFound.
func (db *DB) UserByEmail(email string) (*User, error) {
	a := strings.ToLower(strings.TrimSpace(email))
	if a == "" {
		return nil, fmt.Errorf("user by email: %w: empty address", ErrNotFound)
	}
	var u *User
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		u, err = userByEmail(tx, a)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("user with address %s: %w", oneline.Cut(a, 80), err)
	}
	return u, nil
}

// userByEmail finds the user of the lower-case address a: users are few,
// so it reads them all rather than keep an index.
func userByEmail(tx *bolt.Tx, a string) (*User, error) {
	var found *User
	err := forEachUser(tx, func(u *User) error {
		if u.Email == a {
			found = u
		}
		return nil
	})
	if err == nil && found == nil {
		err = ErrNotFound
	}
	return found, err
}

// forEachUser calls fn with each user, by name.
func forEachUser(tx *bolt.Tx, fn func(u *User) error) error {
	b := tx.Bucket(bucketUsers)
	if b == nil {
		return nil // a read-only file from before users
	}
	return b.ForEach(func(k, v []byte) error {
		var u User
		if err := decodeJSON(k, v, &u); err != nil {
			return err
		}
		return fn(&u)
	})
}

// Users returns every user, by name.
func (db *DB) Users() ([]User, error) {
	var out []User
	err := db.view(func(tx *bolt.Tx) error {
		return forEachUser(tx, func(u *User) error {
			out = append(out, *u)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	return out, nil
}

// changeUser applies fn to the user named name in one transaction and
// stamps UpdatedAt when fn reports a change; endSessions also ends every
// session of the user.
func (db *DB) changeUser(what, name string, at time.Time, endSessions bool, fn func(u *User) (bool, error)) error {
	n, err := UserName(name)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	err = db.update(func(tx *bolt.Tx) error {
		u, err := getUser(tx, n)
		if err != nil {
			return err
		}
		changed, err := fn(u)
		if err != nil {
			return err
		}
		if changed {
			u.UpdatedAt = at
			if err := putJSON(tx.Bucket(bucketUsers), []byte(n), u); err != nil {
				return err
			}
		}
		if endSessions {
			_, err = deleteSessions(tx, func(s *session) bool { return s.User == n })
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("%s of user %s: %w", what, n, err)
	}
	return nil
}

// SetPassword sets the user's password hash (from internal/password) and
// ends every session of the user. An empty hash wraps ErrInvalid.
func (db *DB) SetPassword(name, hash string, at time.Time) error {
	return db.changeUser("set password", name, at, true, func(u *User) (bool, error) {
		if hash == "" || len(hash) > maxHashLen {
			return false, fmt.Errorf("%w: password hash empty or longer than %d bytes", ErrInvalid, maxHashLen)
		}
		u.PasswordHash = hash
		return true, nil
	})
}

// SetRole changes the user's role.
func (db *DB) SetRole(name string, role Role, at time.Time) error {
	return db.changeUser("set role", name, at, false, func(u *User) (bool, error) {
		if !role.Valid() {
			return false, fmt.Errorf("%w: role %q is not %s or %s", ErrInvalid, oneline.Cut(string(role), 20), RoleAgent, RoleLead)
		}
		changed := u.Role != role
		u.Role = role
		return changed, nil
	})
}

// DisableUser disables the user, who can no longer log in, and ends
// every session of the user. Disabling a disabled user changes nothing.
func (db *DB) DisableUser(name string, at time.Time) error {
	return db.changeUser("disable", name, at, true, func(u *User) (bool, error) {
		changed := !u.Disabled
		u.Disabled = true
		return changed, nil
	})
}

// EnableUser enables a disabled user. Enabling an enabled user changes
// nothing.
func (db *DB) EnableUser(name string, at time.Time) error {
	return db.changeUser("enable", name, at, false, func(u *User) (bool, error) {
		changed := u.Disabled
		u.Disabled = false
		return changed, nil
	})
}

// EnsureAgents makes every agent a user, in one transaction: an agent
// whose Email or Name an existing user has is left alone (existing users
// are never changed), any other is created with RoleAgent, no password
// and enabled. An agent without Name gets the local part of its email
// address, lower-cased, with every character a name may not hold
// replaced by '-' (Agent "Ana.Perez+x@v.example" is user "ana.perez-x").
// It returns the names created, in the order given. An agent whose name
// or address is bad fails the whole call (ErrInvalid) and nothing is
// created.
func (db *DB) EnsureAgents(agents []User, at time.Time) (created []string, err error) {
	want := make([]User, 0, len(agents))
	for _, a := range agents {
		u := User{Name: a.Name, Email: a.Email, Role: RoleAgent, CreatedAt: at, UpdatedAt: at}
		if u.Name == "" {
			u.Name = nameFromEmail(a.Email)
		}
		if err := checkUser(&u); err != nil {
			return nil, fmt.Errorf("ensure agents: %w", err)
		}
		want = append(want, u)
	}
	err = db.update(func(tx *bolt.Tx) error {
		created = created[:0]
		for _, u := range want {
			if tx.Bucket(bucketUsers).Get([]byte(u.Name)) != nil {
				continue
			}
			if u.Email != "" {
				if _, err := userByEmail(tx, u.Email); !errors.Is(err, ErrNotFound) {
					if err != nil {
						return err
					}
					continue
				}
			}
			if err := addUser(tx, u); err != nil {
				return err
			}
			created = append(created, u.Name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ensure agents: %w", err)
	}
	return created, nil
}

// nameFromEmail is the login name EnsureAgents gives an agent without one.
func nameFromEmail(addr string) string {
	local := strings.ToLower(strings.TrimSpace(addr))
	if i := strings.LastIndexByte(local, '@'); i >= 0 {
		local = local[:i]
	}
	b := []byte(local)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '-'
		}
	}
	n := strings.TrimLeft(string(b), "._-")
	if len(n) > maxUserName {
		n = n[:maxUserName]
	}
	return n
}
