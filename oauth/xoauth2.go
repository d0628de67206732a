package oauth

import (
	"errors"
	"strings"

	"github.com/emersion/go-sasl"
)

// XOAuth2 is the XOAUTH2 mechanism name.
const XOAuth2 = "XOAUTH2"

// NewXOAuth2Client returns a SASL client for Google's XOAUTH2 mechanism
// (also accepted by Microsoft 365), which go-sasl lacks. Its initial
// response is "user=" + user + "\x01auth=Bearer " + token + "\x01\x01". When
// the server refuses the token it sends a JSON challenge; the client
// answers with an empty response, after which the server fails the
// command.
func NewXOAuth2Client(user, token string) sasl.Client {
	return &xoauth2Client{user: user, token: token}
}

type xoauth2Client struct {
	user, token string
	onReject    func(ServerRejection) // optional
	answered    bool
}

func (c *xoauth2Client) Start() (string, []byte, error) {
	c.answered = false
	if err := checkCredential(c.user, c.token); err != nil {
		return "", nil, err
	}
	return XOAuth2, []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

func (c *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	if c.answered {
		return nil, sasl.ErrUnexpectedServerChallenge
	}
	c.answered = true
	if c.onReject != nil {
		c.onReject(parseRejection(XOAuth2, challenge))
	}
	return []byte{}, nil
}

// checkCredential refuses a user or token that would break the SASL
// framing (\x01 separators; commas in OAUTHBEARER are escaped).
func checkCredential(user, token string) error {
	if token == "" {
		return errors.New("oauth: empty access token")
	}
	if strings.ContainsAny(user, "\x00\x01") || strings.ContainsAny(token, "\x00\x01 \r\n") {
		return errors.New("oauth: user or access token contains a control character or space")
	}
	return nil
}
