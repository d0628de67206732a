// Package registration turns one raw email into what ticketd records and
// answers: it judges the message (parsing with intake, ticketd's own DKIM
// check when configured, the rules), finds the conversation a reply
// belongs to, records a new ticket, a turned-away message or a follow-up
// in one store transaction, and composes the emails that transaction
// queues.
//
// The inbox worker and `ticketd replay` both judge through Judge, so the
// two can never disagree. Registration does no IMAP and no SMTP: it reads
// and writes only the store it is given.
package registration
