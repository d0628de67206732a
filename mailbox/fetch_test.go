package mailbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

func TestFetch(t *testing.T) {
	big := message("big", "Adjuntos", strings.Repeat("línea de texto con acentos: ñandú\r\n", 2000))
	tests := []struct {
		name     string
		raw      string
		flags    []imap.Flag
		maxBytes int64
	}{
		{name: "small", raw: message("small", "Hola", "Necesito ayuda")},
		{name: "8bit body over many literal chunks", raw: big},
		{name: "no final newline", raw: "Subject: x\r\nFrom: a@b.c\r\n\r\nbody without newline"},
		{name: "already seen", raw: message("seen", "Hi", "x"), flags: []imap.Flag{imap.FlagSeen}},
		{name: "exactly at the limit", raw: message("limit", "Hi", "x"), maxBytes: int64(len(message("limit", "Hi", "x")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, capsRev2)
			uid := ts.seed(t, "INBOX", tt.raw, tt.flags...)
			c := dial(t, ts.config())

			f, err := c.Fetch(context.Background(), uid, tt.maxBytes)
			if err != nil {
				t.Fatalf("Fetch() error = %v", err)
			}
			if string(f.Raw) != tt.raw {
				t.Errorf("Fetch().Raw differs: got %d bytes, want %d", len(f.Raw), len(tt.raw))
			}
			if f.UID != uid || f.Size != int64(len(tt.raw)) {
				t.Errorf("Fetch() UID, Size = %d, %d; want %d, %d", f.UID, f.Size, uid, len(tt.raw))
			}
			if want := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC); !f.InternalDate.Equal(want) {
				t.Errorf("Fetch().InternalDate = %v, want %v", f.InternalDate, want)
			}
			wantSeen := len(tt.flags) > 0
			if seen := hasFlag(ts.flags(t, "INBOX")[uid], imap.FlagSeen); seen != wantSeen {
				t.Errorf("after Fetch, \\Seen = %v, want %v", seen, wantSeen)
			}
		})
	}
}

func TestFetchTooLargeDoesNotDownload(t *testing.T) {
	ts := startServerWith(t, serverOptions{caps: capsRev2, record: true})
	const marker = "UNIQUE-BODY-MARKER-7f3a"
	raw := message("large", "Video", strings.Repeat(marker+"\r\n", 100))
	uid := ts.seed(t, "INBOX", raw)
	c := dial(t, ts.config())

	_, err := c.Fetch(context.Background(), uid, int64(len(raw))-1)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Fetch() error = %v, want ErrTooLarge", err)
	}
	if strings.Contains(ts.wire.String(), marker) {
		t.Error("the server sent the body of a message over the limit")
	}
	// The connection is still usable, and the message is intact and unseen.
	if _, err := c.UIDs(context.Background()); err != nil {
		t.Errorf("UIDs() after ErrTooLarge: %v", err)
	}
	if hasFlag(ts.flags(t, "INBOX")[uid], imap.FlagSeen) {
		t.Error("message over the limit was marked \\Seen")
	}
}

func TestFetchMissing(t *testing.T) {
	ts := startServer(t, capsRev2)
	uid := ts.seed(t, "INBOX", message("only", "x", "y"))
	c := dial(t, ts.config())
	tests := []struct {
		name         string
		uid          imap.UID
		wantNotFound bool
	}{
		{name: "unknown UID", uid: uid + 10, wantNotFound: true},
		{name: "UID 0 is not *", uid: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := c.Fetch(context.Background(), tt.uid, 0)
			if err == nil {
				t.Fatalf("Fetch(%d) = %d bytes, want an error", tt.uid, len(f.Raw))
			}
			if errors.Is(err, ErrNotFound) != tt.wantNotFound {
				t.Errorf("Fetch(%d) error = %v, ErrNotFound wanted: %v", tt.uid, err, tt.wantNotFound)
			}
		})
	}
}

func TestReadLiteral(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		size    int64
		wantErr bool
	}{
		{name: "exact", data: "hello", size: 5},
		{name: "empty", data: "", size: 0},
		{name: "short", data: "hel", size: 5, wantErr: true},
		{name: "negative size", data: "", size: -1, wantErr: true},
		{name: "announced size beyond the preallocation, data short", data: "abc", size: maxPrealloc + 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readLiteral(strings.NewReader(tt.data), tt.size, 0)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("readLiteral() = %q, want error", got)
				}
				return
			}
			if err != nil || string(got) != tt.data {
				t.Errorf("readLiteral() = %q, %v; want %q", got, err, tt.data)
			}
		})
	}
}
