// Package mailtest runs real mail servers in-process on loopback for tests
// and benchmarks: go-imap's in-memory IMAP server and a recording go-smtp
// server with failure injection. Both can be stopped and restarted on the
// same address to test reconnects.
package mailtest
