package store

import "errors"

// These errors can be returned by Open and by the methods of DB. Test for
// them with errors.Is: they are usually wrapped with context.
var (
	// ErrLocked is returned by Open when another process (or another DB in
	// this process) holds the database file's lock for longer than
	// Options.Timeout.
	ErrLocked = errors.New("database locked")

	// ErrNotFound is returned when a ticket, raw message, outbox item,
	// quarantine reason, user or session does not exist (a session also
	// when it expired or its user is disabled).
	ErrNotFound = errors.New("not found")

	// ErrReadOnly is returned when a method that writes is called on a DB
	// opened with Options.ReadOnly.
	ErrReadOnly = errors.New("database opened read-only")

	// ErrExists is returned by AddUser for a user whose name, or email
	// address, another user already has.
	ErrExists = errors.New("store: already exists")

	// ErrInvalid is returned when an argument is unusable: an Intake given
	// to Record that lacks a field it needs (key, prefix, period) or has an
	// unknown outcome, an Outgoing without kind or recipient, an empty key, a user's name,
	// role or email address that is not one (users.go), a session's idle
	// timeout that is not positive.
	ErrInvalid = errors.New("invalid argument")

	// ErrTicketClosed is returned by AppendFollowUp when the ticket was
	// closed: the message must be recorded as a new one.
	ErrTicketClosed = errors.New("ticket closed")

	// ErrNotPending is returned when an outbox item is asked to start or
	// fail an attempt, or to be marked sent, but is no longer pending
	// (already sent, or failed for good).
	ErrNotPending = errors.New("outbox item not pending")

	// ErrDamaged is returned by Open when the database file exists but is
	// not a whole bbolt database: empty (0 bytes), shorter than its meta
	// pages say, with a meta page that fails its magic, version or
	// checksum, or (when Options.CheckMaxSize asks for the full check, and
	// from DB.CheckContext) with a page that bbolt's consistency check or
	// the store's own page walk rejects. The message names the file and the
	// restore procedure. The file is never modified or re-initialised.
	ErrDamaged = errors.New("database damaged")

	// ErrPruned is returned by Raw when the raw message was deleted by
	// DB.Prune (retention) or DB.EraseSender (erasure): the ticket or
	// turned-away record that referred to it remains.
	ErrPruned = errors.New("raw message pruned")

	// ErrWritesFailing is wrapped by the error DB.Healthy returns while
	// store writes fail (for example with ENOSPC on a full disk).
	ErrWritesFailing = errors.New("store writes failing")
)
