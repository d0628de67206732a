package store

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// sessionDB has users ana (agent) and lea (lead), both with a password.
func sessionDB(t *testing.T) *testDB {
	t.Helper()
	db := mustOpenTestDB(t)
	for _, u := range []User{{Name: "ana", Role: RoleAgent, PasswordHash: testHash}, {Name: "lea", Role: RoleLead, PasswordHash: testHash}} {
		if err := db.AddUser(u, db.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func mustSession(t *testing.T, db *testDB, user string, now time.Time) string {
	t.Helper()
	tok, err := db.NewSession(user, now)
	if err != nil {
		t.Fatalf("NewSession(%s): %v", user, err)
	}
	return tok
}

// countSessions is how many sessions the store holds.
func countSessions(t *testing.T, db *testDB) int {
	t.Helper()
	n := 0
	if err := db.view(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketSessions).Stats().KeyN
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNewSession(t *testing.T) {
	db := sessionDB(t)
	now := db.clock.Now()
	if err := db.DisableUser("lea", now); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user string
		want error
	}{
		{"ana", nil},
		{"ANA", nil},
		{"lea", ErrNotFound},
		{"nobody", ErrNotFound},
		{"a b", ErrInvalid},
	}
	for _, tt := range tests {
		tok, err := db.NewSession(tt.user, now)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("NewSession(%s) = %v, want %v", tt.user, err, tt.want)
			continue
		}
		if err != nil {
			continue
		}
		raw, derr := base64.RawURLEncoding.Strict().DecodeString(tok)
		if derr != nil || len(raw) != 32 {
			t.Errorf("token %q: %d bytes, %v", tok, len(raw), derr)
		}
	}
	// Only the token's SHA-256 is stored: the token itself appears
	// nowhere in the file.
	tok := mustSession(t, db, "ana", now)
	sum := sha256.Sum256([]byte(tok))
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		if b.Get(sum[:]) == nil {
			t.Error("no session under the token's SHA-256")
		}
		return b.ForEach(func(k, v []byte) error {
			if strings.Contains(string(k)+string(v), tok) {
				t.Errorf("the token is stored: %q -> %s", k, v)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustSession(t, db, "ana", now), mustSession(t, db, "ana", now); a == b {
		t.Error("two sessions have the same token")
	}
}

func TestSessionUser(t *testing.T) {
	const idle = 30 * time.Minute
	t0 := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		// steps run at t0 plus each offset; each wants the user or an
		// error.
		steps []time.Duration
		setup func(db *testDB, tok string)
		want  []error
	}{
		{"fresh", []time.Duration{0, time.Second}, nil, []error{nil, nil}},
		{"within idle, each time", []time.Duration{20 * time.Minute, 40 * time.Minute, 65 * time.Minute}, nil, []error{nil, nil, nil}},
		{"exactly idle", []time.Duration{idle}, nil, []error{nil}},
		{"idle too long, then gone", []time.Duration{idle + time.Second, 0}, nil, []error{ErrNotFound, ErrNotFound}},
		{"clock backwards", []time.Duration{-time.Hour}, nil, []error{nil}},
		{"ended", []time.Duration{0}, func(db *testDB, tok string) {
			if err := db.EndSession(tok); err != nil {
				t.Fatal(err)
			}
		}, []error{ErrNotFound}},
		{"user disabled", []time.Duration{0}, func(db *testDB, _ string) {
			if err := db.DisableUser("ana", t0); err != nil {
				t.Fatal(err)
			}
		}, []error{ErrNotFound}},
		{"password changed", []time.Duration{0}, func(db *testDB, _ string) {
			if err := db.SetPassword("ana", testHash, t0); err != nil {
				t.Fatal(err)
			}
		}, []error{ErrNotFound}},
		{"role changed: still logged in", []time.Duration{0}, func(db *testDB, _ string) {
			if err := db.SetRole("ana", RoleLead, t0); err != nil {
				t.Fatal(err)
			}
		}, []error{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := sessionDB(t)
			tok := mustSession(t, db, "ana", t0)
			other := mustSession(t, db, "lea", t0)
			if tt.setup != nil {
				tt.setup(db, tok)
			}
			for i, d := range tt.steps {
				u, err := db.SessionUser(tok, t0.Add(d), idle)
				if !errors.Is(err, tt.want[i]) || (tt.want[i] == nil) != (err == nil) {
					t.Fatalf("step %d (+%v): %v, want %v", i, d, err, tt.want[i])
				}
				if err == nil && u.Name != "ana" {
					t.Fatalf("step %d: user %+v", i, u)
				}
			}
			// Another user's session is untouched by what happened to
			// ana's.
			if u, err := db.SessionUser(other, t0, idle); err != nil || u.Name != "lea" {
				t.Errorf("lea's session: %+v, %v", u, err)
			}
		})
	}
}

// Last seen is written at most once a minute, and an expired session is
// deleted when found.
func TestSessionUserRefreshAndExpiry(t *testing.T) {
	const idle = 10 * time.Minute
	db := sessionDB(t)
	t0 := db.clock.Now()
	tok := mustSession(t, db, "ana", t0)
	lastSeen := func() time.Time {
		var s session
		err := db.view(func(tx *bolt.Tx) error {
			_, err := getJSON(tx.Bucket(bucketSessions), sessionKey(tok), &s)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return s.LastSeen
	}
	steps := []struct {
		at   time.Duration
		seen time.Duration // LastSeen after the call
	}{
		{30 * time.Second, 0},
		{59 * time.Second, 0},
		{time.Minute, time.Minute},
		{90 * time.Second, time.Minute},
		{9 * time.Minute, 9 * time.Minute},
		{18 * time.Minute, 18 * time.Minute},
	}
	for _, s := range steps {
		if _, err := db.SessionUser(tok, t0.Add(s.at), idle); err != nil {
			t.Fatalf("+%v: %v", s.at, err)
		}
		if got := lastSeen(); !got.Equal(t0.Add(s.seen)) {
			t.Errorf("+%v: last seen %v, want +%v", s.at, got.Sub(t0), s.seen)
		}
	}
	if n := countSessions(t, db); n != 1 {
		t.Fatalf("%d sessions", n)
	}
	if _, err := db.SessionUser(tok, t0.Add(29*time.Minute), idle); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after 11 idle minutes: %v", err)
	}
	if n := countSessions(t, db); n != 0 {
		t.Errorf("the expired session is kept: %d sessions", n)
	}
}

func TestSessionTokensThatAreNot(t *testing.T) {
	db := sessionDB(t)
	now := db.clock.Now()
	tok := mustSession(t, db, "ana", now)
	for _, bad := range []string{"", "x", tok + "A", tok[:42], strings.ToUpper(tok), tok[:42] + "!", strings.Repeat("A", 1<<16)} {
		if bad == tok {
			continue
		}
		if _, err := db.SessionUser(bad, now, time.Hour); !errors.Is(err, ErrNotFound) {
			t.Errorf("SessionUser(%.50q) = %v", bad, err)
		}
		if err := db.EndSession(bad); err != nil {
			t.Errorf("EndSession(%.50q) = %v", bad, err)
		}
	}
	if _, err := db.SessionUser(tok, now, 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("idle 0: %v", err)
	}
	if _, err := db.PruneSessions(now, -time.Second); !errors.Is(err, ErrInvalid) {
		t.Errorf("prune with a negative idle: %v", err)
	}
	// Logout twice is fine.
	for range 2 {
		if err := db.EndSession(tok); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SessionUser(tok, now, time.Hour); !errors.Is(err, ErrNotFound) {
		t.Errorf("after logout: %v", err)
	}
}

func TestPruneSessions(t *testing.T) {
	const idle = time.Hour
	db := sessionDB(t)
	t0 := db.clock.Now()
	if err := db.AddUser(User{Name: "max", Role: RoleAgent, PasswordHash: testHash}, t0); err != nil {
		t.Fatal(err)
	}
	old := mustSession(t, db, "ana", t0)
	fresh := mustSession(t, db, "ana", t0.Add(50*time.Minute))
	mustSession(t, db, "max", t0.Add(50*time.Minute))
	lea := mustSession(t, db, "lea", t0.Add(50*time.Minute))
	// max is disabled behind the store's back (as a file from an older
	// version could have it): prune still drops the session.
	if err := db.update(func(tx *bolt.Tx) error {
		u, err := getUser(tx, "max")
		if err != nil {
			return err
		}
		u.Disabled = true
		return putJSON(tx.Bucket(bucketUsers), []byte("max"), u)
	}); err != nil {
		t.Fatal(err)
	}
	n, err := db.PruneSessions(t0.Add(90*time.Minute), idle)
	if err != nil || n != 2 {
		t.Fatalf("PruneSessions = %d, %v; want 2 (ana's old one and max's)", n, err)
	}
	if _, err := db.SessionUser(old, t0.Add(90*time.Minute), 24*time.Hour); !errors.Is(err, ErrNotFound) {
		t.Errorf("the old session survived: %v", err)
	}
	for _, tok := range []string{fresh, lea} {
		if _, err := db.SessionUser(tok, t0.Add(90*time.Minute), idle); err != nil {
			t.Errorf("a fresh session was pruned: %v", err)
		}
	}
	if n, err := db.PruneSessions(t0.Add(90*time.Minute), idle); err != nil || n != 0 {
		t.Errorf("second prune = %d, %v", n, err)
	}
}

// Many requests at once on one session that is due to be seen again:
// each finds its user.
func TestSessionUserConcurrent(t *testing.T) {
	db := sessionDB(t)
	t0 := db.clock.Now()
	tok := mustSession(t, db, "ana", t0)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			u, err := db.SessionUser(tok, t0.Add(2*time.Minute+time.Duration(i)*time.Millisecond), time.Hour)
			if err == nil && u.Name != "ana" {
				err = errors.New("wrong user " + u.Name)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
