package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

const testHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"

func TestAddUser(t *testing.T) {
	db := mustOpenTestDB(t)
	at := db.clock.Now()
	if err := db.AddUser(User{Name: "ana", Email: "Ana@V.example", Role: RoleLead, PasswordHash: testHash}, at); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		u    User
		want error
	}{
		{"agent", User{Name: "bo.b-1_x", Role: RoleAgent}, nil},
		{"upper case is lowered", User{Name: "Carla", Email: "carla@v.example", Role: RoleAgent}, nil},
		{"same name", User{Name: "ana", Role: RoleAgent}, ErrExists},
		{"same name, other case", User{Name: "ANA", Role: RoleAgent}, ErrExists},
		{"same email, other case", User{Name: "ana2", Email: "ANA@v.example", Role: RoleAgent}, ErrExists},
		{"empty name", User{Role: RoleAgent}, ErrInvalid},
		{"space in name", User{Name: "ana p", Role: RoleAgent}, ErrInvalid},
		{"slash in name", User{Name: "a/b", Role: RoleAgent}, ErrInvalid},
		{"dot dot", User{Name: "..", Role: RoleAgent}, ErrInvalid},
		{"leading dash", User{Name: "-rf", Role: RoleAgent}, ErrInvalid},
		{"non-ASCII", User{Name: "añа", Role: RoleAgent}, ErrInvalid},
		{"65 characters", User{Name: strings.Repeat("a", 65), Role: RoleAgent}, ErrInvalid},
		{"64 characters", User{Name: strings.Repeat("a", 64), Role: RoleAgent}, nil},
		{"no role", User{Name: "dan"}, ErrInvalid},
		{"unknown role", User{Name: "dan", Role: "admin"}, ErrInvalid},
		{"email with a name", User{Name: "dan", Role: RoleAgent, Email: "Dan <dan@v.example>"}, ErrInvalid},
		{"not an email", User{Name: "dan", Role: RoleAgent, Email: "dan"}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.AddUser(tt.u, at)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("AddUser(%+v) = %v, want %v", tt.u, err, tt.want)
			}
		})
	}

	db = db.mustReopen()
	u, err := db.User("ANA")
	if err != nil || u.Name != "ana" || u.Email != "ana@v.example" || u.Role != RoleLead || u.PasswordHash != testHash || !u.CreatedAt.Equal(at) || !u.UpdatedAt.Equal(at) {
		t.Errorf("User(ANA) = %+v, %v", u, err)
	}
	if u, err := db.UserByEmail(" ANA@v.example"); err != nil || u.Name != "ana" {
		t.Errorf("UserByEmail = %+v, %v", u, err)
	}
	for _, f := range []func() error{
		func() error { _, err := db.User("nobody"); return err },
		func() error { _, err := db.UserByEmail("nobody@v.example"); return err },
		func() error { _, err := db.UserByEmail(""); return err },
	} {
		if err := f(); !errors.Is(err, ErrNotFound) {
			t.Errorf("a missing user: %v, want ErrNotFound", err)
		}
	}
	if _, err := db.User("a/b"); !errors.Is(err, ErrInvalid) {
		t.Errorf("User(a/b) = %v, want ErrInvalid", err)
	}
	us, err := db.Users()
	var names []string
	for _, u := range us {
		names = append(names, u.Name)
	}
	want := []string{strings.Repeat("a", 64), "ana", "bo.b-1_x", "carla"}
	if err != nil || !slices.Equal(names, want) {
		t.Errorf("Users = %v, %v; want %v", names, err, want)
	}
}

func TestChangeUser(t *testing.T) {
	db := mustOpenTestDB(t)
	t0 := db.clock.Now()
	if err := db.AddUser(User{Name: "ana", Role: RoleAgent}, t0); err != nil {
		t.Fatal(err)
	}
	t1 := t0.Add(time.Hour)
	tests := []struct {
		name    string
		change  func() error
		want    error
		check   func(u *User) bool
		updated bool
	}{
		{"set password", func() error { return db.SetPassword("Ana", testHash, t1) }, nil,
			func(u *User) bool { return u.PasswordHash == testHash }, true},
		{"empty hash", func() error { return db.SetPassword("ana", "", t1) }, ErrInvalid,
			func(u *User) bool { return u.PasswordHash == testHash }, false},
		{"set role", func() error { return db.SetRole("ana", RoleLead, t1) }, nil,
			func(u *User) bool { return u.Role == RoleLead }, true},
		{"same role", func() error { return db.SetRole("ana", RoleLead, t1) }, nil,
			func(u *User) bool { return u.Role == RoleLead }, false},
		{"bad role", func() error { return db.SetRole("ana", "root", t1) }, ErrInvalid,
			func(u *User) bool { return u.Role == RoleLead }, false},
		{"disable", func() error { return db.DisableUser("ana", t1) }, nil,
			func(u *User) bool { return u.Disabled }, true},
		{"disable again", func() error { return db.DisableUser("ana", t1) }, nil,
			func(u *User) bool { return u.Disabled }, false},
		{"enable", func() error { return db.EnableUser("ana", t1) }, nil,
			func(u *User) bool { return !u.Disabled }, true},
		{"enable again", func() error { return db.EnableUser("ana", t1) }, nil,
			func(u *User) bool { return !u.Disabled }, false},
		{"unknown user", func() error { return db.DisableUser("bob", t1) }, ErrNotFound, nil, false},
		{"bad name", func() error { return db.EnableUser("b b", t1) }, ErrInvalid, nil, false},
		{"unknown user's password", func() error { return db.SetPassword("bob", testHash, t1) }, ErrNotFound, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, err := db.User("ana")
			if err != nil {
				t.Fatal(err)
			}
			t1 = t1.Add(time.Minute)
			err = tt.change()
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			after, err := db.User("ana")
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil && !tt.check(after) {
				t.Errorf("user after: %+v", after)
			}
			if updated := !after.UpdatedAt.Equal(before.UpdatedAt); updated != tt.updated {
				t.Errorf("UpdatedAt %v -> %v; want changed %v", before.UpdatedAt, after.UpdatedAt, tt.updated)
			}
			if !after.CreatedAt.Equal(t0) {
				t.Errorf("CreatedAt changed: %v", after.CreatedAt)
			}
		})
	}
}

func TestEnsureAgents(t *testing.T) {
	db := mustOpenTestDB(t)
	at := db.clock.Now()
	if err := db.AddUser(User{Name: "ana", Email: "ana@v.example", Role: RoleLead, PasswordHash: testHash, Disabled: true}, at); err != nil {
		t.Fatal(err)
	}
	if err := db.AddUser(User{Name: "bob", Role: RoleLead}, at); err != nil {
		t.Fatal(err)
	}
	later := at.Add(time.Hour)
	tests := []struct {
		name    string
		agents  []User
		created []string
		want    error
	}{
		{"none", nil, nil, nil},
		{"existing by email, other case", []User{{Email: "ANA@v.example"}}, nil, nil},
		{"existing by name", []User{{Name: "bob", Email: "bob@v.example"}}, nil, nil},
		{"new, named from the address", []User{{Email: "Carla.Diaz+Desk@v.example"}, {Email: "ana@v.example"}, {Name: "Dan", Email: "dan@w.example"}},
			[]string{"carla.diaz-desk", "dan"}, nil},
		{"again: nothing new", []User{{Email: "carla.diaz+desk@v.example"}, {Name: "dan", Email: "dan@w.example"}}, nil, nil},
		{"one bad address fails them all", []User{{Email: "eve@v.example"}, {Email: "not an address"}}, nil, ErrInvalid},
		{"one bad name fails them all", []User{{Email: "eve@v.example"}, {Name: "e v e", Email: "eve2@v.example"}}, nil, ErrInvalid},
		{"the same name twice: the first wins", []User{{Email: "fay@v.example"}, {Email: "fay@w.example"}}, []string{"fay"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			created, err := db.EnsureAgents(tt.agents, later)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) || !slices.Equal(created, tt.created) {
				t.Errorf("EnsureAgents = %v, %v; want %v, %v", created, err, tt.created, tt.want)
			}
		})
	}
	if _, err := db.User("eve"); !errors.Is(err, ErrNotFound) {
		t.Errorf("eve was created by a failed call: %v", err)
	}
	// Existing users are never changed, however they differ.
	ana, err := db.User("ana")
	if err != nil || ana.Role != RoleLead || !ana.Disabled || ana.PasswordHash != testHash || !ana.UpdatedAt.Equal(at) {
		t.Errorf("ana changed: %+v, %v", ana, err)
	}
	bob, err := db.User("bob")
	if err != nil || bob.Email != "" || bob.Role != RoleLead {
		t.Errorf("bob changed: %+v, %v", bob, err)
	}
	carla, err := db.User("carla.diaz-desk")
	if err != nil || carla.Role != RoleAgent || carla.PasswordHash != "" || carla.Disabled || carla.Email != "carla.diaz+desk@v.example" || !carla.CreatedAt.Equal(later) {
		t.Errorf("carla: %+v, %v", carla, err)
	}
	if fay, err := db.User("fay"); err != nil || fay.Email != "fay@v.example" {
		t.Errorf("fay: %+v, %v; want the first address, fay@v.example", fay, err)
	}
}

// A read-only file written before users existed has neither bucket: it
// has no users and no sessions, without failing.
func TestUsersOnAFileWithoutTheBuckets(t *testing.T) {
	db := mustOpenTestDB(t)
	path := db.Path()
	if err := db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketUsers); err != nil {
			return err
		}
		return tx.DeleteBucket(bucketSessions)
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db.closed = true
	ro, err := Open(path, Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if us, err := ro.Users(); err != nil || len(us) != 0 {
		t.Errorf("Users = %v, %v", us, err)
	}
	if _, err := ro.User("ana"); !errors.Is(err, ErrNotFound) {
		t.Errorf("User = %v", err)
	}
	if _, err := ro.UserByEmail("ana@v.example"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserByEmail = %v", err)
	}
	if _, err := ro.SessionUser("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", time.Now(), time.Hour); !errors.Is(err, ErrNotFound) {
		t.Errorf("SessionUser = %v", err)
	}
	if err := ro.AddUser(User{Name: "ana", Role: RoleAgent}, time.Now()); !errors.Is(err, ErrReadOnly) {
		t.Errorf("AddUser on a read-only file = %v", err)
	}
}
