// Package inbox is the inbox worker: it keeps one IMAP session to the
// support mailbox alive (reconnecting with backoff), lists the messages
// waiting there by UID (never by \Seen) and takes each in: fetch, judge
// (registration), commit (one store transaction per batch), move to the
// processed folder (or quarantine), kick the outbox. takeAll in take.go
// reads that way top to bottom.
//
// The worker is the store's only writer while the daemon runs. It never
// sends mail (the outbox does) and never judges by itself (registration
// does); it decides only what is fetched, when, and where each message is
// filed.
package inbox
