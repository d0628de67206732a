package mailbox

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/internal/memimap"
)

const (
	testUser     = "support@example.com"
	testPassword = "s3cret"
)

var (
	// capsRev2 gives MOVE and UIDPLUS (imapmemserver implements both).
	capsRev2 = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	// capsRev1 has neither MOVE nor UIDPLUS. imapserver still advertises
	// IDLE for IMAP4rev1, so tests of polling use Config.DisableIDLE.
	capsRev1 = imap.CapSet{imap.CapIMAP4rev1: {}}
)

// testServer is mailtest's IMAP server with the test user's credentials.
type testServer struct {
	srv  *mailtest.IMAPServer
	addr string
	user *imapmemserver.User
	wire *mailtest.Buffer // what the server sent, when recording
}

type serverOptions struct {
	caps        imap.CapSet
	implicitTLS bool // TLS from the first byte
	startTLS    bool // offer STARTTLS
	record      bool // record server output in testServer.wire
}

func startServer(t *testing.T, caps imap.CapSet) *testServer {
	t.Helper()
	return startServerWith(t, serverOptions{caps: caps})
}

func startServerWith(t *testing.T, o serverOptions) *testServer {
	t.Helper()
	opts := []mailtest.IMAPOption{mailtest.WithCaps(o.caps), mailtest.WithCredentials(testUser, testPassword)}
	if o.implicitTLS {
		opts = append(opts, mailtest.WithImplicitTLS())
	}
	if o.startTLS {
		opts = append(opts, mailtest.WithSTARTTLS())
	}
	ts := &testServer{}
	if o.record {
		ts.wire = &mailtest.Buffer{}
		opts = append(opts, mailtest.WithWire(ts.wire))
	}
	srv := mailtest.StartIMAP(t, opts...)
	ts.srv, ts.addr, ts.user = srv, srv.Addr, srv.User
	return ts
}

// config returns a Config for ts with cleartext LOGIN.
func (ts *testServer) config() Config {
	return Config{
		Address:           ts.addr,
		Security:          SecurityNone,
		Username:          testUser,
		Password:          testPassword,
		ProcessedMailbox:  "Processed",
		QuarantineMailbox: "Quarantine",
		DialTimeout:       5 * time.Second,
		CommandTimeout:    5 * time.Second,
	}
}

// dial connects with cfg and closes the client at the end of the test.
func dial(t *testing.T, cfg Config) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// seed appends raw to mailbox on the server side and returns its UID.
func (ts *testServer) seed(t *testing.T, mailbox, raw string, flags ...imap.Flag) imap.UID {
	t.Helper()
	data, err := ts.user.Append(mailbox, memimap.Literal([]byte(raw)), &imap.AppendOptions{
		Flags: flags,
		Time:  time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC),
	})
	if err != nil {
		t.Fatalf("seed %s: %v", mailbox, err)
	}
	return data.UID
}

// flags returns the flags of every message in mailbox, by UID, as seen by a
// separate read-only connection.
func (ts *testServer) flags(t *testing.T, mailbox string) map[imap.UID][]imap.Flag {
	t.Helper()
	cl := ts.rawClient(t)
	defer cl.Close()
	sel, err := cl.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("examine %s: %v", mailbox, err)
	}
	out := map[imap.UID][]imap.Flag{}
	if sel.NumMessages == 0 {
		return out
	}
	msgs, err := cl.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatalf("fetch flags of %s: %v", mailbox, err)
	}
	for _, m := range msgs {
		out[m.UID] = m.Flags
	}
	return out
}

// mailboxes returns the mailbox names LIST shows.
func (ts *testServer) mailboxes(t *testing.T) []string {
	t.Helper()
	cl := ts.rawClient(t)
	defer cl.Close()
	list, err := cl.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var names []string
	for _, d := range list {
		names = append(names, d.Mailbox)
	}
	slices.Sort(names)
	return names
}

// rawClient is a plain go-imap client, logged in, for checking server state
// independently of the code under test.
func (ts *testServer) rawClient(t *testing.T) *imapclient.Client {
	t.Helper()
	cl, err := imapclient.DialInsecure(ts.addr, nil)
	if err != nil {
		t.Fatalf("raw dial: %v", err)
	}
	if err := cl.Login(testUser, testPassword).Wait(); err != nil {
		cl.Close()
		t.Fatalf("raw login: %v", err)
	}
	return cl
}

// message builds a small RFC 5322 message with Message-ID <id@example.com>.
func message(id, subject, body string) string {
	return "From: Ana <ana@example.com>\r\n" +
		"To: support@example.com\r\n" +
		"Subject: " + subject + "\r\n" +
		"Message-ID: <" + id + "@example.com>\r\n" +
		"Date: Tue, 04 Mar 2025 05:06:07 +0000\r\n" +
		"\r\n" + body + "\r\n"
}
