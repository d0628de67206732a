// Package memimap adapts go-imap's in-memory IMAP server for ticketd's
// tests and benchmarks: sessions that announce the updates queued before
// IDLE (as real servers do), and the server side of SASL XOAUTH2. It has
// no dependency on package testing, so the bench command can use it.
package memimap
