package registration

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// A group records its messages in one transaction and answers in the
// order they were added; a message recorded twice is a duplicate.
func TestGroupCommitsInOrder(t *testing.T) {
	r := newRig(t)
	db := r.open()
	defer db.Close()
	reg := New(db, r.cfg.Policy(), r.settings)
	ctx := context.Background()
	names := []string{"en-incident-screenshot.eml", "rejected-en-stranger.eml", "en-question-how-to.eml"}
	group := reg.NewGroup()
	for i, name := range names {
		p := reg.Prepare(ctx, withMessageID(fixture(t, name), fmt.Sprintf("<group-%d@example.com>", i)), time.Now())
		if p.ParseErr != nil || reg.OwnTransaction(p) {
			t.Fatalf("%s: parse error %v, own transaction %v", name, p.ParseErr, reg.OwnTransaction(p))
		}
		if err := group.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	outs, err := group.Commit()
	if err != nil || len(outs) != len(names) || group.Len() != len(names) {
		t.Fatalf("commit: %d outcomes, %v", len(outs), err)
	}
	want := []struct{ verdict, ticket string }{{"accepted", "SUP-000001"}, {"rejected", ""}, {"accepted", "SUP-000002"}}
	for i, w := range want {
		if outs[i].Verdict != w.verdict || outs[i].Ticket != w.ticket || outs[i].Duplicate {
			t.Errorf("outcome %d = %+v, want %s %q", i, outs[i], w.verdict, w.ticket)
		}
	}
	again, err := reg.Record(ctx, withMessageID(fixture(t, names[0]), "<group-0@example.com>"), time.Now())
	if err != nil || !again.Duplicate || again.Ticket != "SUP-000001" {
		t.Errorf("recorded again: %+v, %v", again, err)
	}
}
