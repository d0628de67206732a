package mailbox

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestMoveTo(t *testing.T) {
	tests := []struct {
		name string
		caps imap.CapSet
		// wantLeftDeleted: without MOVE and UIDPLUS the source stays,
		// flagged \Deleted, and must not be expunged.
		wantLeftDeleted bool
	}{
		{name: "MOVE", caps: capsRev2},
		{name: "no MOVE, no UIDPLUS", caps: capsRev1, wantLeftDeleted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.caps)
			raw := message("move-me", "Ayuda", "por favor")
			uid := ts.seed(t, "INBOX", raw, imap.FlagSeen)
			other := ts.seed(t, "INBOX", message("stay", "x", "y"))
			// Someone else flagged this one \Deleted: it must survive our
			// move (no plain EXPUNGE).
			foreign := ts.seed(t, "INBOX", message("foreign", "x", "y"), imap.FlagDeleted)
			c := dial(t, ts.config())
			ctx := context.Background()

			if err := c.MoveTo(ctx, uid, "Processed"); err != nil {
				t.Fatalf("MoveTo() error = %v", err)
			}

			inbox := ts.flags(t, "INBOX")
			src, stillThere := inbox[uid]
			if stillThere != tt.wantLeftDeleted {
				t.Errorf("source in INBOX after move: %v, want %v", stillThere, tt.wantLeftDeleted)
			}
			if stillThere && !hasFlag(src, imap.FlagDeleted) {
				t.Errorf("source left in INBOX with flags %v, want \\Deleted", src)
			}
			if _, ok := inbox[foreign]; !ok && tt.wantLeftDeleted {
				t.Error("a message someone else flagged \\Deleted was expunged")
			}
			if flags, ok := inbox[other]; !ok || hasFlag(flags, imap.FlagDeleted) {
				t.Errorf("unrelated message: present %v, flags %v", ok, flags)
			}

			got, err := c.UIDs(ctx)
			if err != nil {
				t.Fatalf("UIDs() error = %v", err)
			}
			if want := []imap.UID{other}; !slices.Equal(got, want) {
				t.Errorf("UIDs() after move = %v, want %v", got, want)
			}

			if err := c.Select(ctx, "Processed"); err != nil {
				t.Fatalf("Select(Processed): %v", err)
			}
			moved, err := c.UIDs(ctx)
			if err != nil || len(moved) != 1 {
				t.Fatalf("UIDs() of Processed = %v, %v; want one message", moved, err)
			}
			f, err := c.Fetch(ctx, moved[0], 0)
			if err != nil {
				t.Fatalf("Fetch() from Processed: %v", err)
			}
			if string(f.Raw) != raw {
				t.Error("the message in Processed differs from the original")
			}
			if flags := ts.flags(t, "Processed")[moved[0]]; hasFlag(flags, imap.FlagDeleted) || !hasFlag(flags, imap.FlagSeen) {
				t.Errorf("moved message flags = %v, want \\Seen kept and no \\Deleted", flags)
			}
		})
	}
}

func TestMoveToFailureKeepsMessage(t *testing.T) {
	tests := []struct {
		name    string
		caps    imap.CapSet
		dest    string
		wantErr string
	}{
		{name: "COPY to a missing folder", caps: capsRev1, dest: "NoSuchFolder", wantErr: "copy"},
		{name: "MOVE to a missing folder", caps: capsRev2, dest: "NoSuchFolder", wantErr: "move"},
		{name: "to the selected mailbox", caps: capsRev1, dest: "INBOX", wantErr: "selected"},
		{name: "to inbox in another case", caps: capsRev1, dest: "inbox", wantErr: "selected"},
		{name: "empty destination", caps: capsRev1, dest: "", wantErr: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.caps)
			uid := ts.seed(t, "INBOX", message("keep", "x", "y"))
			c := dial(t, ts.config())
			ctx := context.Background()

			err := c.MoveTo(ctx, uid, tt.dest)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("MoveTo(%q) error = %v, want one mentioning %q", tt.dest, err, tt.wantErr)
			}
			flags, ok := ts.flags(t, "INBOX")[uid]
			if !ok {
				t.Fatal("the message left INBOX after a failed move")
			}
			if hasFlag(flags, imap.FlagDeleted) {
				t.Errorf("message flagged %v after a failed move", flags)
			}
			if got, err := c.UIDs(ctx); err != nil || !slices.Equal(got, []imap.UID{uid}) {
				t.Errorf("UIDs() after failed move = %v, %v; want [%d]", got, err, uid)
			}
		})
	}
}
