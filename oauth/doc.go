// Package oauth lets ticketd log in to Gmail and Microsoft 365 mailboxes,
// which no longer accept passwords over IMAP or SMTP: it turns a long-lived
// OAuth2 refresh token into short-lived access tokens and offers them to
// the mail server with SASL XOAUTH2 or OAUTHBEARER.
//
// A TokenSource caches the access token and refreshes it (with
// golang.org/x/oauth2) RefreshBefore its expiry. It is safe for concurrent
// use; concurrent callers share one refresh. When a refresh fails, the error
// wraps ErrRefresh and says which setting to renew or check, for example
//
//	oauth: refreshing the access token at https://login.microsoftonline.com/common/oauth2/v2.0/token failed: invalid_grant (the refresh token was revoked or expired): renew imap.oauth2.refresh_token
//
// Such errors also wrap ErrCredentials when retrying cannot help until an
// operator acts; errors.As with *RefreshError gives the details (for
// metrics). Nothing is lost by failing: the caller keeps the mail on the
// server and retries later.
//
// For IMAP, set mailbox.Config.Auth to the client from
// TokenSource.SASLClient, made afresh for each login.
//
// For SMTP with go-mail v0.8.1, use the token as the password:
//
//	tok, err := ts.Token(ctx)
//	// handle err
//	c, err := mail.NewClient(host,
//		mail.WithSMTPAuth(mail.SMTPAuthXOAUTH2),
//		mail.WithUsername(user), mail.WithPassword(tok))
//
// and fetch a fresh token (c.SetPassword) before each connection, since a
// token lives about an hour.
package oauth
