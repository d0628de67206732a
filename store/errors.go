package store

import "errors"

// These errors can be returned by Open and by the methods of DB. Test for
// them with errors.Is: they are usually wrapped with context.
var (
	// ErrLocked is returned by Open when another process (or another DB in
	// this process) holds the database file's lock for longer than
	// Options.Timeout.
	ErrLocked = errors.New("database locked")

	// ErrNotFound is returned when a ticket, raw message, outbox item or
	// quarantine reason does not exist.
	ErrNotFound = errors.New("not found")

	// ErrReadOnly is returned when a method that writes is called on a DB
	// opened with Options.ReadOnly.
	ErrReadOnly = errors.New("database opened read-only")

	// ErrInvalid is returned when an argument is unusable: an Intake given
	// to Record that lacks a field it needs (key, prefix, period) or has an
	// unknown outcome, an Outgoing without kind or recipient, an empty key.
	ErrInvalid = errors.New("invalid argument")

	// ErrTicketClosed is returned by AppendFollowUp when the ticket was
	// closed: the message must be recorded as a new one.
	ErrTicketClosed = errors.New("ticket closed")

	// ErrNotPending is returned when an outbox item is asked to start or
	// fail an attempt, or to be marked sent, but is no longer pending
	// (already sent, or failed for good).
	ErrNotPending = errors.New("outbox item not pending")
)
