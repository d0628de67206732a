package oauth

import (
	"errors"
	"testing"

	"github.com/emersion/go-sasl"
)

func TestSASLClients(t *testing.T) {
	tests := []struct {
		name      string
		client    func(rejected *[]ServerRejection) sasl.Client
		wantMech  string
		wantIR    string
		challenge string
		wantResp  string
		wantStat  string
	}{
		{
			name: "xoauth2",
			client: func(r *[]ServerRejection) sasl.Client {
				return &xoauth2Client{user: "support@example.com", token: "ya29.tok", onReject: func(x ServerRejection) { *r = append(*r, x) }}
			},
			wantMech:  "XOAUTH2",
			wantIR:    "user=support@example.com\x01auth=Bearer ya29.tok\x01\x01",
			challenge: `{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}`,
			wantResp:  "",
			wantStat:  "400",
		},
		{
			name: "oauthbearer escapes the authzid",
			client: func(r *[]ServerRejection) sasl.Client {
				return &oauthBearerClient{user: "a,b=c@example.com", token: "tok", onReject: func(x ServerRejection) { *r = append(*r, x) }}
			},
			wantMech:  "OAUTHBEARER",
			wantIR:    "n,a=a=2Cb=3Dc@example.com,\x01auth=Bearer tok\x01\x01",
			challenge: `{"status":"invalid_token","schemes":"bearer"}`,
			wantResp:  "\x01",
			wantStat:  "invalid_token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rejected []ServerRejection
			c := tt.client(&rejected)
			mech, ir, err := c.Start()
			if err != nil || mech != tt.wantMech || string(ir) != tt.wantIR {
				t.Fatalf("Start = %q, %q, %v; want %q, %q", mech, ir, err, tt.wantMech, tt.wantIR)
			}
			resp, err := c.Next([]byte(tt.challenge))
			if err != nil || resp == nil || string(resp) != tt.wantResp {
				t.Fatalf("Next(error challenge) = %q (nil %v), %v; want %q", resp, resp == nil, err, tt.wantResp)
			}
			if len(rejected) != 1 || rejected[0].Status != tt.wantStat || rejected[0].Mechanism != tt.wantMech {
				t.Errorf("rejections = %+v, want one with status %q", rejected, tt.wantStat)
			}
			if _, err := c.Next([]byte("more")); !errors.Is(err, sasl.ErrUnexpectedServerChallenge) {
				t.Errorf("second Next: err = %v, want ErrUnexpectedServerChallenge", err)
			}
			// Start again resets the client for another attempt.
			if _, _, err := c.Start(); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Next([]byte(tt.challenge)); err != nil {
				t.Errorf("Next after a new Start: %v", err)
			}
		})
	}
}

func TestSASLClientsRefuseBadCredentials(t *testing.T) {
	for _, tc := range []struct{ user, token string }{
		{"u", ""},
		{"u\x01x", "tok"},
		{"u", "tok\x01auth=Bearer other"},
		{"u", "tok en"},
	} {
		for _, c := range []sasl.Client{NewXOAuth2Client(tc.user, tc.token), NewOAuthBearerClient(tc.user, tc.token)} {
			if mech, ir, err := c.Start(); err == nil {
				t.Errorf("Start(%q, %q) = %q, %q; want an error", tc.user, tc.token, mech, ir)
			}
		}
	}
}
