package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/rules"
)

// judgement is what the pipeline makes of one raw message: the parsed
// message and its verdict. Replay and the daemon both go through judge, so
// a fixture replayed offline is judged exactly as the daemon judges it.
type judgement struct {
	Msg     *intake.Message
	Verdict rules.Verdict
}

// judge parses raw and evaluates it. received is the time the message
// arrived; when zero, the message's Date header is used (replay), and the
// current time when that is missing too.
//
// auth, when not nil, adds ticketd's own DKIM verdict (security.verify_dkim;
// the daemon only: replay never opens a network connection).
func judge(raw []byte, policy *rules.Policy, limits intake.Limits, received time.Time, auth *authenticator) (*judgement, error) {
	msg, err := intake.Parse(bytes.NewReader(raw), limits)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if auth != nil {
		auth.authenticate(raw, msg)
	}
	if received.IsZero() {
		received = msg.Date
	}
	if received.IsZero() {
		received = time.Now()
	}
	return &judgement{Msg: msg, Verdict: rules.Evaluate(msg, policy, received)}, nil
}
