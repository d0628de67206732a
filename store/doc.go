// Package store keeps ticketd's state in one bbolt file: tickets and their
// numbers, the raw messages they came from, message de-duplication, the
// per-organization quota ledger, the log of turned-away mail, quarantine
// reasons and a durable outbox of emails to send.
//
// Everything one incoming message changes is written by [DB.Record] in a
// single bbolt transaction, so a crash leaves either all of it or none of
// it. Values are JSON (simple to inspect with bbolt's CLI); raw messages,
// which can be tens of megabytes, live in their own bucket as plain bytes.
//
// Buckets:
//
//	tickets     big-endian seq      -> Ticket JSON (the bucket sequence numbers tickets)
//	raw         dedupe key          -> raw RFC 5322 message
//	dedupe      dedupe key          -> which ticket or turned-away record it made
//	msgids      Message-ID (no <>)  -> ticket number, for follow-up lookup
//	ledger      org NUL period      -> LedgerEntry JSON
//	turnedaway  received ns + seq   -> TurnedAwayRecord JSON
//	quarantine  dedupe key          -> reason JSON
//	outbox      big-endian id       -> pending OutboxItem JSON (the bucket sequence numbers items)
//	sent        big-endian id       -> sent OutboxItem JSON (a restart never re-sends them)
//	failed      big-endian id       -> OutboxItem JSON that failed for good
//	autoreply   recipient address   -> big-endian unix-ns times of recent automatic emails
//	outboxpayload big-endian id     -> an outbox item's payload (the email's data)
//	pruned      dedupe key          -> when and why (retention, erasure) its raw message was deleted
//	erasures    big-endian seq      -> ErasureRecord JSON (counts, no personal data)
//	ratelimits  "tickets:"/"heldnotice:" contact, "kind:" kind -> big-endian unix-ns times (held.go)
//	users       login name          -> User JSON (users.go)
//	sessions    SHA-256 of token    -> session JSON: user, created, last seen (sessions.go)
//
// Damage: Open reads the file before bbolt maps it and refuses (ErrDamaged,
// naming the file and the restore procedure) an empty file, a file
// shorter than its meta pages say, or a bad meta page; it never
// re-initialises an existing file. Options.CheckMaxSize adds the full check
// (DB.CheckContext) at Open for files up to that size.
//
// Write failures: DB.Healthy reports writes that fail (ENOSPC, EIO) until
// one succeeds; Options.FailWrites simulates them in tests.
//
// Space: DB.Prune deletes old copies (Retention) in small transactions;
// bbolt reuses the freed pages but never shrinks its file, which Compact
// (offline) or DB.CompactTo does. DB.EraseSender serves erasure requests.
//
// Locking: bbolt takes an flock on the file. A writer holds it exclusively,
// so while ticketd runs, every other Open (even ReadOnly) fails with
// [ErrLocked] after Options.Timeout; and a ReadOnly opener (shared lock)
// blocks a writer the same way. Several ReadOnly openers can coexist.
package store
