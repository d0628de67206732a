package registration

import (
	"bytes"
	"context"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
)

// dkimLookupTimeout bounds the DNS lookups of one verification.
const dkimLookupTimeout = 10 * time.Second

// Authenticator adds ticketd's own DKIM verdict to a message that carries
// no Authentication-Results header from a trusted server
// (security.verify_dkim). Headers claiming ticketd's own authserv-id are
// removed first: only ticketd writes them.
type Authenticator struct {
	trusted   []string
	lookupTXT func(ctx context.Context, domain string) ([]string, error)
}

// NewAuthenticator returns an Authenticator that trusts the
// Authentication-Results of the servers named trusted and looks DKIM keys
// up with lookupTXT (the system resolver when nil; tests pass their own).
func NewAuthenticator(trusted []string, lookupTXT func(ctx context.Context, domain string) ([]string, error)) *Authenticator {
	if lookupTXT == nil {
		lookupTXT = (&net.Resolver{}).LookupTXT
	}
	return &Authenticator{trusted: trusted, lookupTXT: lookupTXT}
}

func (a *Authenticator) authenticate(ctx context.Context, raw []byte, m *intake.Message) {
	kept := m.AuthResults[:0:0]
	trustedPresent := false
	for _, h := range m.AuthResults {
		id := authServID(h)
		if strings.EqualFold(id, config.OwnAuthServID) {
			continue
		}
		if containsFold(a.trusted, id) {
			trustedPresent = true
		}
		kept = append(kept, h)
	}
	m.AuthResults = kept
	if trustedPresent {
		return
	}
	m.AuthResults = append([]string{a.verify(ctx, raw)}, m.AuthResults...)
}

// verify checks every DKIM signature of raw and describes the result as
// an Authentication-Results value under ticketd's own authserv-id.
func (a *Authenticator) verify(ctx context.Context, raw []byte) string {
	ctx, cancel := context.WithTimeout(ctx, dkimLookupTimeout)
	defer cancel()
	verifications, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{
		LookupTXT: func(domain string) ([]string, error) { return a.lookupTXT(ctx, domain) },
	})
	var results []authres.Result
	switch {
	case err != nil:
		results = append(results, &authres.DKIMResult{Value: authres.ResultPermError, Reason: oneline.Cut(err.Error(), 100)})
	case len(verifications) == 0:
		results = append(results, &authres.DKIMResult{Value: authres.ResultNone})
	}
	for _, v := range verifications {
		r := &authres.DKIMResult{Value: authres.ResultPass, Domain: v.Domain, Identifier: v.Identifier}
		if v.Err != nil {
			r.Value = authres.ResultFail
			if dkim.IsTempFail(v.Err) {
				r.Value = authres.ResultTempError
			}
			r.Reason = oneline.Cut(v.Err.Error(), 100)
		}
		results = append(results, r)
	}
	return authres.Format(config.OwnAuthServID, results)
}

// authServID is the authserv-id an Authentication-Results value starts with.
func authServID(h string) string {
	id, _, _ := strings.Cut(h, ";")
	id = strings.TrimSpace(id)
	if i := strings.IndexAny(id, " \t("); i >= 0 {
		id = id[:i]
	}
	return id
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
