// Package mailbox is the IMAP side of ticketd: it connects to the support
// mailbox, lists and downloads messages without marking them \Seen, moves
// handled messages to the Processed or Quarantine folder, and waits for new
// mail with IDLE (or by polling when the server lacks IDLE).
//
// The go-imap v2 client it wraps takes no context. Every blocking call here
// takes one and closes the connection when the context ends or when
// Config.CommandTimeout passes, which makes the pending command return; the
// caller then dials again (see internal/retry). Such errors wrap
// ErrConnClosed.
//
// A Client serialises its commands: it is safe to use from several
// goroutines, and Close may be called while another call (IDLE included) is
// blocked, which makes that call return an error.
package mailbox
