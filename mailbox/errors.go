package mailbox

import "errors"

// The sentinels carry no "mailbox:" prefix: the error that wraps one says
// "mailbox: WHAT: ..." once, so a chain reads
// `mailbox: login as "support": authentication failed: imap: NO ...`.

var (
	// ErrTooLarge is returned by Fetch when the message is bigger than the
	// limit it was given; the message has not been downloaded.
	ErrTooLarge = errors.New("message too large")

	// ErrNotFound is returned by Fetch when the UID is not (or no longer) in
	// the selected mailbox.
	ErrNotFound = errors.New("no message with that UID")

	// ErrConnClosed is returned (wrapped) by a call that failed because the
	// connection is gone: dropped by the server or the network, closed by
	// Close, or closed because the context ended or Config.CommandTimeout
	// passed. The Client is unusable afterwards; dial again.
	ErrConnClosed = errors.New("connection closed")

	// ErrCommandTimeout is returned (wrapped, with ErrConnClosed) when a
	// command took longer than Config.CommandTimeout.
	ErrCommandTimeout = errors.New("command timed out")

	// ErrAuthFailed is returned (wrapped) by Dial when the server refused the
	// credentials. Retrying with the same credentials will not help.
	ErrAuthFailed = errors.New("authentication failed")

	// ErrNoMailboxSelected is returned by calls that need a selected mailbox
	// after a Select failed.
	ErrNoMailboxSelected = errors.New("no mailbox selected")
)
