package mailbox

import (
	"context"
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestUIDs(t *testing.T) {
	for _, srv := range []struct {
		name string
		caps imap.CapSet
	}{{"IMAP4rev2", capsRev2}, {"IMAP4rev1", capsRev1}} {
		t.Run(srv.name, func(t *testing.T) {
			tests := []struct {
				name  string
				seed  [][]imap.Flag // one message per entry, with its flags
				wantI []int         // indexes into seed of the UIDs wanted
			}{
				{name: "empty mailbox"},
				{
					name:  "seen and answered messages are listed",
					seed:  [][]imap.Flag{nil, {imap.FlagSeen}, {imap.FlagSeen, imap.FlagAnswered}, {imap.FlagFlagged}},
					wantI: []int{0, 1, 2, 3},
				},
				{
					name:  "deleted messages are skipped",
					seed:  [][]imap.Flag{{imap.FlagDeleted}, nil, {imap.FlagDeleted, imap.FlagSeen}, {imap.FlagSeen}},
					wantI: []int{1, 3},
				},
				{
					// The search answer is empty while EXISTS is not: the
					// FETCH FLAGS cross-check must confirm, not fail.
					name: "every message deleted",
					seed: [][]imap.Flag{{imap.FlagDeleted}, {imap.FlagDeleted}},
				},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					ts := startServer(t, srv.caps)
					var seeded []imap.UID
					for i, flags := range tt.seed {
						seeded = append(seeded, ts.seed(t, "INBOX", message("m"+string(rune('a'+i)), "hello", "body"), flags...))
					}
					var want []imap.UID
					for _, i := range tt.wantI {
						want = append(want, seeded[i])
					}
					c := dial(t, ts.config())
					got, err := c.UIDs(context.Background())
					if err != nil {
						t.Fatalf("UIDs() error = %v", err)
					}
					if !slices.Equal(got, want) {
						t.Errorf("UIDs() = %v, want %v", got, want)
					}
				})
			}
		})
	}
}

func TestSearchUIDs(t *testing.T) {
	tests := []struct {
		name        string
		all         imap.NumSet
		want        []imap.UID
		wantTrusted bool
	}{
		{name: "uid set", all: imap.UIDSetNum(7, 3, 5), want: []imap.UID{3, 5, 7}, wantTrusted: true},
		{name: "uid range", all: imap.UIDSet{{Start: 2, Stop: 4}}, want: []imap.UID{2, 3, 4}, wantTrusted: true},
		{name: "empty uid set from plain SEARCH", all: imap.UIDSet(nil), want: nil, wantTrusted: true},
		{name: "ESEARCH without ALL leaves nil", all: nil, wantTrusted: false},
		{name: "ESEARCH without UID atom gives a SeqSet", all: imap.SeqSetNum(1, 2), wantTrusted: false},
		{name: "dynamic set", all: imap.UIDSet{{Start: 1, Stop: 0}}, wantTrusted: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, trusted := searchUIDs(&imap.SearchData{All: tt.all})
			if trusted != tt.wantTrusted || !slices.Equal(got, tt.want) {
				t.Errorf("searchUIDs() = %v, %v; want %v, %v", got, trusted, tt.want, tt.wantTrusted)
			}
		})
	}
}
