package intake

import "errors"

// Sentinel errors. Parse wraps them with context; test for them with
// errors.Is.
var (
	// ErrTooLarge is returned when the raw message is larger than
	// Limits.MaxMessageBytes.
	ErrTooLarge = errors.New("message too large")

	// ErrHeaderTooLarge is returned when one header block (of the message,
	// of a MIME part or of a forwarded message) is larger than
	// Limits.MaxHeaderBytes.
	ErrHeaderTooLarge = errors.New("header too large")

	// ErrTooManyParts is returned when the message has more MIME parts than
	// Limits.MaxParts.
	ErrTooManyParts = errors.New("too many MIME parts")

	// ErrTooDeep is returned when multipart or forwarded messages are nested
	// deeper than Limits.MaxDepth.
	ErrTooDeep = errors.New("MIME structure nested too deep")

	// ErrDecodedTooLarge is returned when the decoded content of all parts
	// together is larger than Limits.MaxDecodedBytes.
	ErrDecodedTooLarge = errors.New("decoded content too large")

	// ErrTimeout is returned when parsing one message takes longer than
	// Limits.MaxDuration.
	ErrTimeout = errors.New("parsing took too long")

	// ErrMalformed is returned when the input is not an RFC 5322 message:
	// it is empty, its header cannot be read, or it has none of the fields
	// every message has.
	ErrMalformed = errors.New("malformed message")
)
