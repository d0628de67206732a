package mailbox

import (
	"context"
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// TestDeleteByMessageID: the messages with the given Message-IDs go (UID
// EXPUNGE of exactly them with UIDPLUS; flagged \Deleted and left without
// it), the others stay, and one flagged \Deleted by someone else survives.
func TestDeleteByMessageID(t *testing.T) {
	for _, tt := range []struct {
		name         string
		caps         imap.CapSet
		wantExpunged bool
	}{
		{"UIDPLUS", capsRev2, true},
		{"no UIDPLUS", capsRev1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.caps)
			gone1 := ts.seed(t, "INBOX", message("gone-1", "a", "b"))
			stay := ts.seed(t, "INBOX", message("stay", "a", "b"))
			gone2 := ts.seed(t, "INBOX", message("gone-2", "a", "b"))
			foreign := ts.seed(t, "INBOX", message("foreign", "a", "b"), imap.FlagDeleted)
			c := dial(t, ts.config())
			n, expunged, err := c.DeleteByMessageID(context.Background(), []string{"gone-1@example.com", "gone-2@example.com", "absent@example.com"})
			if err != nil || n != 2 || expunged != tt.wantExpunged {
				t.Fatalf("DeleteByMessageID = %d, %v, %v; want 2, %v, nil", n, expunged, err, tt.wantExpunged)
			}
			flags := ts.flags(t, "INBOX")
			for _, uid := range []imap.UID{gone1, gone2} {
				f, there := flags[uid]
				if tt.wantExpunged && there {
					t.Errorf("uid %d still there", uid)
				}
				if !tt.wantExpunged && (!there || !slices.Contains(f, imap.FlagDeleted)) {
					t.Errorf("uid %d: there %v, flags %v; want flagged \\Deleted", uid, there, f)
				}
			}
			if f, there := flags[stay]; !there || slices.Contains(f, imap.FlagDeleted) {
				t.Errorf("the other message: there %v, flags %v", there, f)
			}
			if _, there := flags[foreign]; !there {
				t.Error("a message flagged \\Deleted by someone else was expunged")
			}
		})
	}
}
