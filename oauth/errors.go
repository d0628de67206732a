package oauth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

var (
	// ErrRefresh is wrapped by every error that Token (and SASLClient)
	// returns because the access token could not be refreshed; the error
	// is a *RefreshError. The daemon should log it, fail readiness and try
	// again later; mail stays on the server meanwhile.
	ErrRefresh = errors.New("oauth: refreshing the access token failed")

	// ErrCredentials is wrapped, with ErrRefresh, when the token endpoint
	// refused the credentials (e.g. invalid_grant: the refresh token was
	// revoked or expired). Retrying will not help until someone renews or
	// fixes the setting the error names. Temporary failures (network,
	// HTTP 5xx or 429, temporarily_unavailable) do not wrap it.
	ErrCredentials = errors.New("oauth: credentials refused by the token endpoint")
)

// maxDescription bounds the endpoint's error_description quoted in errors
// (Microsoft's run to several lines of trace and correlation ids).
const maxDescription = 200

// RefreshError describes a failed refresh. It wraps ErrRefresh, Err and,
// when Credentials is set, ErrCredentials.
type RefreshError struct {
	Endpoint    string // token URL, without query
	Code        string // RFC 6749 error code such as "invalid_grant"; empty if none
	Description string // first line of the endpoint's error_description, shortened
	StatusCode  int    // HTTP status; 0 if there was no response
	// Action says what to renew or check, naming the settings, e.g.
	// "renew imap.oauth2.refresh_token"; empty for temporary failures.
	Action string
	// Credentials is set when the endpoint refused the credentials and
	// only an operator can fix it.
	Credentials bool
	Err         error // e.g. *oauth2.RetrieveError, or a network error
}

func (e *RefreshError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "oauth: refreshing the access token at %s failed: ", e.Endpoint)
	b.WriteString(e.reason())
	if e.Action != "" {
		b.WriteString(": ")
		b.WriteString(e.Action)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, " (endpoint said %q)", e.Description)
	}
	return b.String()
}

func (e *RefreshError) reason() string {
	meaning := ""
	if e.Code != "" {
		meaning = codeMeanings[e.Code].meaning
	}
	switch {
	case e.Code != "" && meaning != "":
		return e.Code + " (" + meaning + ")"
	case e.Code != "":
		return e.Code
	case e.StatusCode != 0 && e.Credentials:
		return fmt.Sprintf("HTTP %d", e.StatusCode)
	case e.StatusCode != 0:
		return fmt.Sprintf("HTTP %d (a temporary failure)", e.StatusCode)
	case e.Err != nil:
		return e.Err.Error()
	}
	return "unknown error"
}

// Unwrap returns ErrRefresh, ErrCredentials when it applies, and Err.
func (e *RefreshError) Unwrap() []error {
	errs := []error{ErrRefresh}
	if e.Credentials {
		errs = append(errs, ErrCredentials)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

type codeMeaning struct {
	meaning string
	action  string // with %[1]s for the config key
	// temporary codes do not wrap ErrCredentials.
	temporary bool
}

// codeMeanings covers RFC 6749 section 5.2 and the temporary codes some
// endpoints (Microsoft) return on the token endpoint.
var codeMeanings = map[string]codeMeaning{
	"invalid_grant": {
		meaning: "the refresh token was revoked or expired",
		action:  "renew %[1]s.refresh_token",
	},
	"invalid_client": {
		meaning: "the client id or secret is wrong, or the secret expired",
		action:  "check %[1]s.client_id and %[1]s.client_secret",
	},
	"unauthorized_client": {
		meaning: "this client may not use refresh tokens",
		action:  "check the app registration of %[1]s.client_id",
	},
	"invalid_scope": {
		meaning: "the scopes were not granted to this refresh token",
		action:  "check %[1]s.scopes, or renew %[1]s.refresh_token with those scopes",
	},
	"invalid_request": {
		meaning: "the endpoint refused the request as malformed",
		action:  "check %[1]s.token_url, %[1]s.client_id and %[1]s.scopes",
	},
	"unsupported_grant_type": {
		meaning: "the endpoint does not accept refresh tokens",
		action:  "check %[1]s.token_url",
	},
	"temporarily_unavailable": {meaning: "a temporary failure", temporary: true},
	"server_error":            {meaning: "a temporary failure", temporary: true},
	"slow_down":               {meaning: "a temporary failure", temporary: true},
}

// newRefreshError classifies err, returned by x/oauth2 for a refresh at
// tokenURL; key is Config.ConfigKey.
func newRefreshError(err error, tokenURL, key string) *RefreshError {
	e := &RefreshError{Endpoint: redactURL(tokenURL), Err: err}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return e // network error, unparsable answer: temporary
	}
	e.Code = re.ErrorCode
	e.Description = shortDescription(re.ErrorDescription)
	if re.Response != nil {
		e.StatusCode = re.Response.StatusCode
	}
	if m, ok := codeMeanings[e.Code]; ok {
		if !m.temporary {
			e.Credentials = true
			e.Action = fmt.Sprintf(m.action, key)
		}
		return e
	}
	// An unknown code or none: judge by the status.
	switch e.StatusCode {
	case http.StatusTooManyRequests, http.StatusRequestTimeout:
	default:
		if e.StatusCode >= 400 && e.StatusCode < 500 {
			e.Credentials = true
			e.Action = fmt.Sprintf("check %[1]s.client_id, %[1]s.client_secret and %[1]s.refresh_token", key)
		}
	}
	return e
}

// redactURL drops the query and any user info from a URL for messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the token endpoint"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// shortDescription keeps the first line of s, without control characters,
// at most maxDescription bytes.
func shortDescription(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > maxDescription {
		cut := maxDescription
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
