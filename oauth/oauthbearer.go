package oauth

import (
	"strings"

	"github.com/emersion/go-sasl"
)

// NewOAuthBearerClient returns a SASL client for OAUTHBEARER (RFC 7628).
// Unlike go-sasl's, whose Next returns the server's complaint as an error
// without answering (so the client abandons AUTHENTICATE mid-exchange and
// mailbox cannot report ErrAuthFailed), it answers a failure challenge with
// the dummy response %x01 that RFC 7628 section 3.2.3 requires; the server
// then fails the command with NO, which mailbox reports as ErrAuthFailed.
func NewOAuthBearerClient(user, token string) sasl.Client {
	return &oauthBearerClient{user: user, token: token}
}

type oauthBearerClient struct {
	user, token string
	onReject    func(ServerRejection) // optional
	answered    bool
}

// gs2Escaper escapes a GS2 saslname (RFC 5801 section 4).
var gs2Escaper = strings.NewReplacer("=", "=3D", ",", "=2C")

func (c *oauthBearerClient) Start() (string, []byte, error) {
	c.answered = false
	if err := checkCredential(c.user, c.token); err != nil {
		return "", nil, err
	}
	authzid := ""
	if c.user != "" {
		authzid = "a=" + gs2Escaper.Replace(c.user)
	}
	return sasl.OAuthBearer, []byte("n," + authzid + ",\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

func (c *oauthBearerClient) Next(challenge []byte) ([]byte, error) {
	if c.answered {
		return nil, sasl.ErrUnexpectedServerChallenge
	}
	c.answered = true
	if c.onReject != nil {
		c.onReject(parseRejection(sasl.OAuthBearer, challenge))
	}
	return []byte{0x01}, nil
}
