// Package mailtest is ticketd's one fake IMAP and SMTP server: go-imap's
// in-memory IMAP server (with TLS, STARTTLS, OAuth and capability options)
// and a recording go-smtp server with failure injection (AUTH, TLS, hidden
// PIPELINING or CHUNKING, wire recording, held DATA), both in-process on
// loopback, both able to stop and restart on the same address to test
// reconnects. Tests use StartIMAP and StartSMTP; the benchmark, NewIMAP
// and NewSMTP. It also holds what the tests of several packages share:
// fixtures, configuration files, loggers and waiting.
//
// Only tests and cmd/ticketd-bench import it: the shipped binary carries
// no in-memory server.
package mailtest
