package oauth

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// maxRequestBody bounds the token request body that scopeTransport reads.
const maxRequestBody = 64 << 10

// withScope returns a copy of c whose transport adds scope to refresh
// requests. x/oauth2 sends no scope when refreshing (golang/oauth2 issue
// 447), and Microsoft may then narrow the new token to its default
// audience, which IMAP and SMTP refuse.
func withScope(c *http.Client, scope string) *http.Client {
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cc := *c
	cc.Transport = &scopeTransport{base: base, scope: scope}
	return &cc
}

// scopeTransport adds a scope parameter to form-encoded POSTs with
// grant_type=refresh_token that lack one.
type scopeTransport struct {
	base  http.RoundTripper
	scope string
}

func (t *scopeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || req.GetBody == nil {
		return t.base.RoundTrip(req)
	}
	if mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return t.base.RoundTrip(req)
	}
	form, err := readForm(req)
	if err != nil {
		closeBody(req)
		return nil, fmt.Errorf("oauth: adding the scope to the token request: %w", err)
	}
	if form.Get("grant_type") != "refresh_token" || form.Has("scope") {
		return t.base.RoundTrip(req)
	}
	form.Set("scope", t.scope)
	body := form.Encode()

	out := req.Clone(req.Context())
	out.Body = io.NopCloser(strings.NewReader(body))
	out.ContentLength = int64(len(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	closeBody(req) // a RoundTripper must close the request body
	return t.base.RoundTrip(out)
}

// readForm parses a copy of the request body (from GetBody), leaving
// req.Body unread.
func readForm(req *http.Request) (url.Values, error) {
	rc, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxRequestBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxRequestBody {
		return nil, fmt.Errorf("request body over %d bytes", maxRequestBody)
	}
	return url.ParseQuery(string(b))
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
