package admin

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// TestTurnedAwayAndEraseRoutes: a stranger's rejected mail is listed
// (with since), erasure needs the admin header, removes their data and
// counts it, and a raw message erased then answers 410 (ErrPruned).
func TestTurnedAwayAndEraseRoutes(t *testing.T) {
	db := openStore(t)
	seed(t, db)
	_, err := db.Record(&store.Intake{
		Key: "mid:spam@x.test", MessageID: "spam@x.test", From: "Mallory@x.test", Subject: "win",
		ReceivedAt: time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC), Raw: []byte("From: mallory@x.test\r\n\r\nwin\r\n"),
		Outcome: rules.Rejected, Lang: rules.English, Prefix: "SUP",
	})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := startAPI(t, db)
	rs, err := c.TurnedAway(t.Context(), time.Time{})
	if err != nil || len(rs) != 1 || rs[0].From != "mallory@x.test" {
		t.Fatalf("TurnedAway = %+v, %v", rs, err)
	}
	if rs, err := c.TurnedAway(t.Context(), time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)); err != nil || len(rs) != 0 {
		t.Errorf("TurnedAway since after it = %d, %v", len(rs), err)
	}

	// Without the admin header a page in a browser cannot erase.
	req, _ := http.NewRequest(http.MethodPost, "http://"+c.Addr()+PathPrefix+"erase?sender=ana@example.com", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("erase without the admin header: %d, want 403", resp.StatusCode)
	}

	res, err := c.Erase(t.Context(), "ana@example.com", "dpo")
	if err != nil || res.Stats.Tickets != 3 || res.Stats.RawMessages != 3 {
		t.Fatalf("Erase = %+v, %v; want 3 tickets and 3 raw messages", res, err)
	}
	if _, err := c.Raw(t.Context(), "SUP-000001", 1); !errors.Is(err, store.ErrPruned) {
		t.Errorf("Raw of an erased message = %v, want ErrPruned (410)", err)
	}
	if _, err := c.Erase(t.Context(), "", "dpo"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Erase of no address = %v, want ErrInvalid", err)
	}
	if recs, err := db.Erasures(); err != nil || len(recs) != 1 || recs[0].RequestedBy != "dpo" {
		t.Errorf("erasure records = %+v, %v", recs, err)
	}
}
