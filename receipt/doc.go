// Package receipt builds the emails ticketd sends back to customers and
// delivers them over SMTP.
//
// An Email is a plain value (it is JSON-encoded into the durable outbox) and
// Build turns it into a go-mail message deterministically: the same Email
// always gives the same bytes, so a message can be rebuilt at every delivery
// attempt. Every email is an automatic reply (RFC 3834) with text and HTML
// alternatives in the customer's language (English or Spanish). Every string
// that comes from a customer is reduced to one line before it reaches a
// header and is HTML-escaped in the HTML part.
//
// A Sender delivers a batch of emails over one SMTP connection and reports one
// error per email; Permanent tells a failure that must not be retried (an SMTP
// 5xx answer, or an email that cannot be built) from a temporary one.
package receipt
