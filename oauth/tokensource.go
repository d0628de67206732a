package oauth

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

const (
	// refreshTimeout bounds one request to the token endpoint.
	refreshTimeout = 30 * time.Second
	// assumedLifetime is used when the endpoint does not say when the
	// access token expires (Google and Microsoft give an hour).
	assumedLifetime = time.Hour
	// minRemaining is how long a cached token must still be valid to be
	// used when a refresh fails.
	minRemaining = 30 * time.Second
)

// TokenSource hands out OAuth2 access tokens for one account. It caches
// the access token and refreshes it when it expires within
// Config.RefreshBefore. It is safe for concurrent use: concurrent callers
// wait for one refresh.
type TokenSource struct {
	cfg    Config
	oauth  *oauth2.Config
	client *http.Client     // for the token endpoint
	now    func() time.Time // the clock; tests replace it
	sem    chan struct{}    // held while checking and refreshing
	mu     sync.Mutex       // guards the fields below
	access string           // cached access token; "" when none
	expiry time.Time        // of access, by now()
	rt     string           // current refresh token
}

// NewTokenSource validates c and returns a TokenSource. It does not
// contact the token endpoint: the first Token call does.
func NewTokenSource(c Config) (*TokenSource, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	client := c.HTTPClient
	if len(c.Scopes) > 0 {
		client = withScope(client, strings.Join(c.Scopes, " "))
	}
	return &TokenSource{
		cfg: c,
		oauth: &oauth2.Config{
			ClientID:     c.ClientID,
			ClientSecret: c.ClientSecret,
			Scopes:       c.Scopes,
			// Google and Microsoft both take the credentials in the body;
			// auto-detection would send every failing request twice.
			Endpoint: oauth2.Endpoint{TokenURL: c.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
		},
		client: client,
		now:    time.Now,
		sem:    make(chan struct{}, 1),
		rt:     c.RefreshToken,
	}, nil
}

// Mechanism returns the SASL mechanism in use: MechanismXOAuth2 or
// MechanismOAuthBearer.
func (ts *TokenSource) Mechanism() string {
	return ts.cfg.Mechanism
}

// Token returns a valid access token, refreshing it first when it expires
// within Config.RefreshBefore.
//
// When the refresh fails but the cached token is still valid for a while,
// Token logs a warning and returns the cached token; later calls try the
// refresh again. Otherwise the error is a *RefreshError wrapping ErrRefresh
// (and ErrCredentials when only renewing a setting will help), whose text
// names what to renew. If ctx ends first, the error wraps ctx's error
// instead.
func (ts *TokenSource) Token(ctx context.Context) (string, error) {
	select {
	case ts.sem <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("oauth: waiting for a token refresh in progress: %w", context.Cause(ctx))
	}
	defer func() { <-ts.sem }()

	now := ts.now()
	ts.mu.Lock()
	access, expiry := ts.access, ts.expiry
	ts.mu.Unlock()
	if access != "" && now.Before(expiry.Add(-ts.cfg.RefreshBefore)) {
		return access, nil
	}

	fresh, err := ts.refresh(ctx, now)
	if err == nil {
		return fresh, nil
	}
	if ctx.Err() == nil && access != "" && ts.now().Before(expiry.Add(-minRemaining)) {
		ts.mu.Lock()
		stillCached := ts.access == access // not rejected meanwhile
		ts.mu.Unlock()
		if stillCached {
			ts.cfg.Logger.Warn("oauth: refresh failed; using the cached access token until it expires",
				"expires", expiry, "err", err)
			return access, nil
		}
	}
	return "", err
}

// Invalidate tells ts that a server refused token, so that the next Token
// call refreshes instead of returning it again. It does nothing when token
// is no longer the cached one. SASL clients from SASLClient call it
// themselves; call it after an SMTP XOAUTH2 login fails.
func (ts *TokenSource) Invalidate(token string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if token != "" && ts.access == token {
		ts.access, ts.expiry = "", time.Time{}
	}
}

// refresh fetches a new access token with the refresh token and caches
// it. The caller holds ts.sem; now is the time before the request.
func (ts *TokenSource) refresh(ctx context.Context, now time.Time) (string, error) {
	rctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	rctx = context.WithValue(rctx, oauth2.HTTPClient, ts.client)

	ts.mu.Lock()
	rt := ts.rt
	ts.mu.Unlock()

	tok, err := ts.oauth.TokenSource(rctx, &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		if ctx.Err() != nil { // the caller gave up: not the endpoint's fault
			return "", fmt.Errorf("oauth: refreshing the access token at %s: %w", redactURL(ts.cfg.TokenURL), err)
		}
		return "", newRefreshError(err, ts.cfg.TokenURL, ts.cfg.ConfigKey)
	}

	// Compute the expiry on ts's clock rather than trust tok.Expiry, which
	// x/oauth2 bases on time.Now.
	var expiry time.Time
	switch {
	case tok.ExpiresIn > 0:
		expiry = now.Add(time.Duration(tok.ExpiresIn) * time.Second)
	case !tok.Expiry.IsZero():
		expiry = now.Add(time.Until(tok.Expiry))
	default:
		expiry = now.Add(assumedLifetime)
	}

	ts.mu.Lock()
	ts.access, ts.expiry = tok.AccessToken, expiry
	rotated := tok.RefreshToken != "" && tok.RefreshToken != ts.rt
	if rotated {
		ts.rt = tok.RefreshToken
	}
	ts.mu.Unlock()

	if rotated && ts.cfg.OnRefreshTokenChange != nil {
		ts.cfg.OnRefreshTokenChange(tok.RefreshToken)
	}
	return tok.AccessToken, nil
}
