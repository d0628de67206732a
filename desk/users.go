package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/store"
)

// Users lists the local users, by name, without their password hashes.
func (a *Desk) Users(ctx context.Context) ([]admin.UserInfo, error) {
	if a.client != nil {
		return a.client.Users(ctx)
	}
	us, err := a.db.Users()
	if err != nil {
		return nil, err
	}
	out := make([]admin.UserInfo, 0, len(us))
	for _, u := range us {
		out = append(out, admin.InfoOf(u))
	}
	return out, nil
}

// AddUser adds a user; u.PasswordHash is already hashed ("" for a user
// who cannot log in yet). A taken name or address is "user ana already
// exists" wrapping store.ErrExists. u's name and email are expected
// lower-case (store.UserName).
func (a *Desk) AddUser(ctx context.Context, u store.User) (admin.UserInfo, error) {
	if a.client != nil {
		ui, err := a.client.AddUser(ctx, admin.NewUser{Name: u.Name, Email: u.Email, Role: u.Role, PasswordHash: u.PasswordHash})
		return ui, a.userExists(ctx, u, err)
	}
	if err := a.db.AddUser(u, time.Now()); err != nil {
		return admin.UserInfo{}, a.userExists(ctx, u, err)
	}
	return a.fileUser(u.Name)
}

// SetPassword sets a user's password hash and ends the user's sessions.
func (a *Desk) SetPassword(ctx context.Context, name, hash string) (admin.UserInfo, error) {
	if a.client != nil {
		ui, err := a.client.SetPassword(ctx, name, hash)
		return ui, noUser(name, err)
	}
	if err := a.db.SetPassword(name, hash, time.Now()); err != nil {
		return admin.UserInfo{}, noUser(name, err)
	}
	return a.fileUser(name)
}

// DisableUser disables a user and ends the user's sessions.
func (a *Desk) DisableUser(ctx context.Context, name string) (admin.UserInfo, error) {
	if a.client != nil {
		ui, err := a.client.DisableUser(ctx, name)
		return ui, noUser(name, err)
	}
	if err := a.db.DisableUser(name, time.Now()); err != nil {
		return admin.UserInfo{}, noUser(name, err)
	}
	return a.fileUser(name)
}

// EnableUser enables a disabled user.
func (a *Desk) EnableUser(ctx context.Context, name string) (admin.UserInfo, error) {
	if a.client != nil {
		ui, err := a.client.EnableUser(ctx, name)
		return ui, noUser(name, err)
	}
	if err := a.db.EnableUser(name, time.Now()); err != nil {
		return admin.UserInfo{}, noUser(name, err)
	}
	return a.fileUser(name)
}

// fileUser reads a user back from the file after a change.
func (a *Desk) fileUser(name string) (admin.UserInfo, error) {
	u, err := a.db.User(name)
	if err != nil {
		return admin.UserInfo{}, noUser(name, err)
	}
	return admin.InfoOf(*u), nil
}

// userError is a user error worded for support staff that still
// unwraps to the store's error.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.err }

// noUser says "no user NAME" for an unknown user.
func noUser(name string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &userError{msg: "no user " + name, err: err}
	}
	return err
}

// userExists says which user has the name or address of u when they are
// taken: "user ana already exists", "the address ana@example.com is user
// ana's".
func (a *Desk) userExists(ctx context.Context, u store.User, err error) error {
	if !errors.Is(err, store.ErrExists) {
		return err
	}
	msg := fmt.Sprintf("user %s already exists", u.Name)
	if us, lerr := a.Users(ctx); lerr == nil {
		for _, x := range us {
			if x.Name != u.Name && u.Email != "" && x.Email == u.Email {
				msg = fmt.Sprintf("the address %s is user %s's", u.Email, x.Name)
			}
		}
	}
	return &userError{msg: msg + "; user " + u.Name + " not added", err: err}
}
