package registration

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/rules"
)

// Judgement is what the pipeline makes of one raw message: the parsed
// message and its verdict. Replay and the daemon both go through Judge, so
// a fixture replayed offline is judged exactly as the daemon judges it.
type Judgement struct {
	Msg     *intake.Message
	Verdict rules.Verdict
	// DKIMSkipped is how many DKIM signatures ticketd's own check left
	// unverified (over MaxDKIMVerifications).
	DKIMSkipped int
}

// Judge parses raw and evaluates it. received is the time the message
// arrived; when zero, the message's Date header is used (replay), and the
// current time when that is missing too.
//
// auth, when not nil, adds ticketd's own DKIM verdict (security.verify_dkim;
// replay passes nil and never opens a network connection); it verifies at
// most MaxDKIMVerifications signatures, and its DNS lookups end with ctx or
// when the message's time budget (limits.MaxDuration, counted from the
// start of parsing) runs out.
func Judge(ctx context.Context, raw []byte, policy *rules.Policy, limits intake.Limits, received time.Time, auth *Authenticator) (*Judgement, error) {
	start := time.Now()
	msg, err := intake.Parse(bytes.NewReader(raw), limits)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	skipped := 0
	if auth != nil {
		actx := ctx
		if limits.MaxDuration > 0 {
			var cancel context.CancelFunc
			actx, cancel = context.WithDeadline(ctx, start.Add(limits.MaxDuration))
			defer cancel()
		}
		skipped = auth.authenticate(actx, raw, msg)
	}
	if received.IsZero() {
		received = msg.Date
	}
	if received.IsZero() {
		received = time.Now()
	}
	return &Judgement{Msg: msg, Verdict: rules.Evaluate(msg, policy, received), DKIMSkipped: skipped}, nil
}

// ParseError is a message that cannot be parsed: it goes to quarantine,
// its reason kept in the store under Key.
type ParseError struct {
	Key string // dedupe key of the raw bytes (see ContentKey)
	Err error
}

func (e *ParseError) Error() string { return "cannot parse message: " + e.Err.Error() }
func (e *ParseError) Unwrap() error { return e.Err }

// Prepared is one message judged and ready to be recorded: Judgement is
// set, or ParseErr when the message cannot be parsed.
type Prepared struct {
	Raw       []byte
	Received  time.Time
	Policy    *rules.Policy
	Judgement *Judgement
	ParseErr  *ParseError
	// Took is how long judging this message took (parse, DKIM, rules):
	// its own share of the "message processed" duration.
	Took time.Duration
}

// Prepare judges raw with the policy in force. It does no I/O beyond the
// DKIM lookups of security.verify_dkim, so messages can be prepared in
// parallel. A zero received means now.
func (r *Registrar) Prepare(ctx context.Context, raw []byte, received time.Time) *Prepared {
	if received.IsZero() {
		received = r.s.Now()
	}
	start := time.Now()
	p := &Prepared{Raw: raw, Received: received, Policy: r.Policy()}
	j, err := Judge(ctx, raw, p.Policy, r.s.Limits, received, r.s.Auth)
	p.Took = time.Since(start)
	if err != nil {
		p.ParseErr = &ParseError{Key: ContentKey(raw), Err: err}
		return p
	}
	p.Judgement = j
	if j.DKIMSkipped > 0 {
		r.s.Log.Warn("DKIM signatures skipped: more than the check verifies", "message_id", j.Msg.MessageID, "verified", MaxDKIMVerifications, "skipped", j.DKIMSkipped)
	}
	return p
}

// rawMessageID finds a Message-ID in a message that could not be parsed,
// the way the IMAP server's ENVELOPE reports it.
var rawMessageID = regexp.MustCompile(`(?im)^message-id:[ \t]*<([^>\r\n]{1,500})>`)

// ContentKey identifies raw bytes that could not be parsed: by the
// Message-ID when one can be found, else by a hash of the content.
func ContentKey(raw []byte) string {
	head := raw
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	if m := rawMessageID.FindSubmatch(head); m != nil {
		return "mid:" + string(m[1])
	}
	h := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(h[:])
}
