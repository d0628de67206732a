// Package outbox delivers what the store's outbox holds: the worker wakes
// when kicked (new emails were queued) and when the earliest retry falls
// due, sends what is due in groups to a Destination, records each
// acceptance as it comes (group commits alongside the sessions) and
// reschedules failures with capped exponential backoff until they succeed,
// fail for good or grow too old.
//
// A Destination is where items go: SMTP receipts today (SMTP in this
// package, over receipt.Sender); webhooks and notifications are the next
// kinds. The outbox never composes what it sends: registration queued each
// payload complete, in the same transaction as its ticket.
package outbox
