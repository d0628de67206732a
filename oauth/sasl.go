package oauth

import (
	"context"
	"encoding/json"

	"github.com/emersion/go-sasl"
)

// ServerRejection is what a mail server said when it refused an access
// token: the JSON of RFC 7628 section 3.2.2, which XOAUTH2 shares.
type ServerRejection struct {
	Mechanism string
	Status    string `json:"status"` // e.g. "invalid_token", or "400" (Gmail XOAUTH2)
	Schemes   string `json:"schemes"`
	Scope     string `json:"scope"` // the scope the server wanted
}

func parseRejection(mech string, challenge []byte) ServerRejection {
	r := ServerRejection{}
	_ = json.Unmarshal(challenge, &r) // best effort: only logged
	r.Mechanism = mech
	return r
}

// SASLClient fetches an access token (see Token) and returns a SASL client
// for one login as user, with the mechanism of Config.Mechanism; set it as
// mailbox.Config.Auth. Make a new one for every connection: a token lives
// about an hour.
//
// When the server refuses the token, the client logs the server's reason
// and calls Invalidate, so the next SASLClient call refreshes it.
func (ts *TokenSource) SASLClient(ctx context.Context, user string) (sasl.Client, error) {
	token, err := ts.Token(ctx)
	if err != nil {
		return nil, err
	}
	onReject := func(r ServerRejection) {
		ts.cfg.Logger.Warn("oauth: the mail server refused the access token; the next login refreshes it",
			"mechanism", r.Mechanism, "user", user, "status", r.Status, "scope", r.Scope)
		ts.Invalidate(token)
	}
	if ts.cfg.Mechanism == MechanismOAuthBearer {
		return &oauthBearerClient{user: user, token: token, onReject: onReject}, nil
	}
	return &xoauth2Client{user: user, token: token, onReject: onReject}, nil
}
