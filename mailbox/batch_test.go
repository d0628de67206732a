package mailbox

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestBatchFetchAndMove(t *testing.T) {
	for _, tt := range []struct {
		name string
		caps imap.CapSet
	}{{"MOVE", capsRev2}, {"COPY fallback", capsRev1}} {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.caps)
			raws := map[imap.UID]string{}
			var uids []imap.UID
			for i := range 5 {
				raw := message(fmt.Sprintf("batch-%d", i), "Asunto", fmt.Sprintf("cuerpo %d", i))
				if i == 3 {
					raw += string(make([]byte, 4000)) // over the limit below
				}
				uid := ts.seed(t, "INBOX", raw)
				raws[uid] = raw
				uids = append(uids, uid)
			}
			c := dial(t, ts.config())
			ctx := context.Background()

			sizes, err := c.Sizes(ctx, uids)
			if err != nil || len(sizes) != 5 {
				t.Fatalf("Sizes = %v, %v", sizes, err)
			}
			for _, s := range sizes {
				if s.Size != int64(len(raws[s.UID])) || s.InternalDate.IsZero() {
					t.Errorf("size of %d = %d, want %d", s.UID, s.Size, len(raws[s.UID]))
				}
			}

			got := map[imap.UID]string{}
			tooLarge := 0
			err = c.FetchMany(ctx, uids, 3000, func(f *Fetched, err error) error {
				if errors.Is(err, ErrTooLarge) {
					tooLarge++
					return nil
				}
				if err != nil {
					return err
				}
				got[f.UID] = string(f.Raw)
				return nil
			})
			if err != nil || tooLarge != 1 || len(got) != 4 {
				t.Fatalf("FetchMany: %d fetched, %d too large, %v", len(got), tooLarge, err)
			}
			for uid, raw := range got {
				if raw != raws[uid] {
					t.Errorf("UID %d: body differs", uid)
				}
			}
			for _, flags := range ts.flags(t, "INBOX") {
				if hasFlag(flags, imap.FlagSeen) {
					t.Error("FetchMany set \\Seen")
				}
			}

			stop := errors.New("stop")
			calls := 0
			if err := c.FetchMany(ctx, uids, 0, func(*Fetched, error) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
				t.Errorf("fn's error must stop the batch: %v after %d calls", err, calls)
			}
			if _, err := c.UIDs(ctx); err != nil {
				t.Fatalf("the connection is out of sync after a stopped batch: %v", err)
			}

			if err := c.MoveMany(ctx, uids[:4], "Processed"); err != nil {
				t.Fatal(err)
			}
			left, err := c.UIDs(ctx)
			if err != nil || len(left) != 1 || left[0] != uids[4] {
				t.Errorf("after MoveMany, INBOX lists %v, %v", left, err)
			}
			if n := len(ts.flags(t, "Processed")); n != 4 {
				t.Errorf("Processed has %d messages", n)
			}
			if err := c.MoveMany(ctx, uids[4:], "NoSuchFolder"); err == nil {
				t.Error("a move to a missing folder succeeded")
			}
			if left, _ := c.UIDs(ctx); len(left) != 1 {
				t.Errorf("a failed move lost the message: %v", left)
			}
		})
	}
}
