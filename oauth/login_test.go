package oauth

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ticketd/ticketd/mailbox"
)

const imapUser = "support@example.com"

// dialWith logs in to srv with a SASL client from ts.
func dialWith(t *testing.T, ts *TokenSource, addr string) (*mailbox.Client, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	auth, err := ts.SASLClient(ctx, imapUser)
	if err != nil {
		t.Fatalf("SASLClient: %v", err)
	}
	return mailbox.Dial(ctx, mailbox.Config{
		Address:  addr,
		Security: mailbox.SecurityNone,
		Username: imapUser, // for mailbox's messages only
		Auth:     auth,
	})
}

func TestIMAPLogin(t *testing.T) {
	for _, mech := range []string{MechanismXOAuth2, MechanismOAuthBearer} {
		t.Run(mech, func(t *testing.T) {
			wantMech := map[string]string{MechanismXOAuth2: "XOAUTH2", MechanismOAuthBearer: "OAUTHBEARER"}[mech]
			tokens := startTokenServer(t)
			imapSrv := startOAuthIMAP(t, imapUser)
			cfg := testConfig(tokens)
			cfg.Mechanism = mech
			ts := newTestSource(t, cfg, nil)

			// The server takes only access-2: the first login is refused,
			// which makes the next one refresh.
			imapSrv.Accept("access-2")
			c, err := dialWith(t, ts, imapSrv.Addr)
			if err == nil {
				_ = c.Close()
				t.Fatal("Dial with a refused token succeeded")
			}
			if !errors.Is(err, mailbox.ErrAuthFailed) {
				t.Fatalf("Dial with a refused token: err = %v, want mailbox.ErrAuthFailed", err)
			}

			c, err = dialWith(t, ts, imapSrv.Addr)
			if err != nil {
				t.Fatalf("Dial with a good token: %v", err)
			}
			defer c.Close()
			if c.UIDValidity() == 0 {
				t.Error("INBOX not selected: UIDVALIDITY is 0")
			}
			if !slices.Contains(c.Caps().Auth, wantMech) {
				t.Errorf("server advertised %v, want %s among them", c.Caps().Auth, wantMech)
			}

			want := []authAttempt{
				{Mechanism: wantMech, User: imapUser, Token: "access-1", OK: false},
				{Mechanism: wantMech, User: imapUser, Token: "access-2", OK: true},
			}
			got := imapSrv.Attempts()
			if len(got) != len(want) {
				t.Fatalf("attempts = %+v, want %+v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("attempt %d = %+v, want %+v", i, got[i], want[i])
				}
			}
			if tokens.Calls() != 2 {
				t.Errorf("token endpoint calls = %d, want 2", tokens.Calls())
			}
		})
	}
}

func TestIMAPLoginRefreshFailure(t *testing.T) {
	tokens := startTokenServer(t)
	tokens.Fail("invalid_grant", "")
	ts := newTestSource(t, testConfig(tokens), nil)
	_, err := ts.SASLClient(context.Background(), imapUser)
	if !errors.Is(err, ErrRefresh) || !errors.Is(err, ErrCredentials) {
		t.Fatalf("SASLClient: err = %v, want ErrRefresh and ErrCredentials", err)
	}
}
