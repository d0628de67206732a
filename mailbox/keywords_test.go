package mailbox

import (
	"context"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestKeywordsTravelWithMove(t *testing.T) {
	for _, tt := range []struct {
		name string
		caps imap.CapSet
	}{{"MOVE", capsRev2}, {"COPY fallback", capsRev1}} {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.caps)
			uid := ts.seed(t, "INBOX", message("kw", "x", "y"))
			c := dial(t, ts.config())
			ctx := context.Background()
			if err := c.AddKeyword(ctx, uid, "$TicketdTooLarge"); err != nil {
				t.Fatal(err)
			}
			if err := c.AddKeyword(ctx, uid, `\Seen`); err == nil {
				t.Error("a system flag was accepted as a keyword")
			}
			if err := c.MoveTo(ctx, uid, "Quarantine"); err != nil {
				t.Fatal(err)
			}
			if err := c.Select(ctx, "Quarantine"); err != nil {
				t.Fatal(err)
			}
			list, err := c.List(ctx)
			if err != nil || len(list) != 1 {
				t.Fatalf("List = %v, %v", list, err)
			}
			if !HasKeyword(list[0].Flags, "$TicketdTooLarge") {
				t.Fatalf("keyword lost in the move: %v", list[0].Flags)
			}
			if err := c.RemoveKeyword(ctx, list[0].UID, "$TicketdTooLarge"); err != nil {
				t.Fatal(err)
			}
			list, err = c.List(ctx)
			if err != nil || HasKeyword(list[0].Flags, "$TicketdTooLarge") {
				t.Fatalf("keyword not removed: %v, %v", list, err)
			}
		})
	}
}
