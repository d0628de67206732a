package registration

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
)

// dkimLookupTimeout bounds the DNS lookups of one verification when the
// message has no time budget of its own (limits.max_duration).
const dkimLookupTimeout = 10 * time.Second

// MaxDKIMVerifications is how many DKIM-Signature headers of one message
// are verified (one DNS lookup and one body hash each); the rest are
// skipped and counted. Real mail carries one to three.
const MaxDKIMVerifications = 5

// Authenticator adds ticketd's own DKIM verdict to a message that carries
// no Authentication-Results header from a trusted server
// (security.verify_dkim). Headers claiming ticketd's own authserv-id are
// removed first: only ticketd writes them.
type Authenticator struct {
	trusted   []string
	lookupTXT func(ctx context.Context, domain string) ([]string, error)
	// skipped counts the signatures over MaxDKIMVerifications left
	// unverified, for the metrics.
	skipped atomic.Int64
}

// SkippedSignatures is how many DKIM signatures were left unverified
// because a message carried more than MaxDKIMVerifications.
func (a *Authenticator) SkippedSignatures() int64 { return a.skipped.Load() }

// NewAuthenticator returns an Authenticator that trusts the
// Authentication-Results of the servers named trusted and looks DKIM keys
// up with lookupTXT (the system resolver when nil; tests pass their own).
func NewAuthenticator(trusted []string, lookupTXT func(ctx context.Context, domain string) ([]string, error)) *Authenticator {
	if lookupTXT == nil {
		lookupTXT = (&net.Resolver{}).LookupTXT
	}
	return &Authenticator{trusted: trusted, lookupTXT: lookupTXT}
}

// authenticate adds ticketd's own verdict to m unless a trusted server's is
// there; it returns how many signatures it skipped.
func (a *Authenticator) authenticate(ctx context.Context, raw []byte, m *intake.Message) int {
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
		return 0
	}
	res, skipped := a.verify(ctx, raw)
	m.AuthResults = append([]string{res}, m.AuthResults...)
	return skipped
}

// verify checks the first MaxDKIMVerifications DKIM signatures of raw,
// each key lookup ending with ctx (the message's time budget), and
// describes the result as an Authentication-Results value under ticketd's
// own authserv-id. It returns how many signatures it skipped.
func (a *Authenticator) verify(ctx context.Context, raw []byte) (string, int) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, dkimLookupTimeout)
		defer cancel()
	}
	verifications, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{
		LookupTXT: func(domain string) ([]string, error) {
			if err := ctx.Err(); err != nil {
				return nil, err // out of time: a temperror, no lookup
			}
			return a.lookupTXT(ctx, domain)
		},
		MaxVerifications: MaxDKIMVerifications,
	})
	skipped := 0
	if errors.Is(err, dkim.ErrTooManySignatures) {
		skipped = max(countDKIMSignatures(raw)-len(verifications), 0)
		a.skipped.Add(int64(skipped))
		err = nil
	}
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
	return authres.Format(config.OwnAuthServID, results), skipped
}

// countDKIMSignatures counts the DKIM-Signature fields in the header of raw.
func countDKIMSignatures(raw []byte) int {
	head := raw
	if i := bytes.Index(head, []byte("\r\n\r\n")); i >= 0 {
		head = head[:i]
	} else if i := bytes.Index(head, []byte("\n\n")); i >= 0 {
		head = head[:i]
	}
	n := 0
	for line := range bytes.Lines(head) {
		if len(line) >= 15 && bytes.EqualFold(line[:15], []byte("dkim-signature:")) {
			n++
		}
	}
	return n
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
