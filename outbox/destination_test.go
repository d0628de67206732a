package outbox

import (
	"context"
	"errors"
	"net/textproto"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/store"
)

// The SMTP destination answers for each item by its index, also when
// some payloads cannot be decoded and are never sent.
func TestSMTPDeliverKeepsItemOrder(t *testing.T) {
	r := newRig(t)
	r.queue("en-incident-screenshot.eml", "<order-%d@acme.example>", 2)
	listed, err := r.db.DueOutbox(time.Now().Add(time.Hour), 0, 0)
	if err != nil || len(listed) != 2 {
		t.Fatalf("%d emails queued, %v", len(listed), err)
	}
	now := time.Now()
	due, err := r.db.BeginAttempts([]uint64{listed[0].ID, listed[1].ID}, now, now.Add(time.Hour))
	if err != nil || len(due) != 2 {
		t.Fatalf("begin attempts: %d, %v", len(due), err)
	}
	garbage := due[0]
	garbage.Payload = []byte("not json")
	items := []store.OutboxItem{due[0], garbage, due[1]}
	sender, err := receipt.NewSender(receipt.SMTPConfig{Address: r.smtp.Addr, Security: "none", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	dest := &SMTP{Sender: sender, Connections: 2}
	var mu sync.Mutex
	var accepted []int
	errs := dest.Deliver(context.Background(), items, func(i int) {
		mu.Lock()
		defer mu.Unlock()
		accepted = append(accepted, i)
	})
	if len(errs) != 3 || errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], ErrUndecodable) {
		t.Fatalf("errors %v, want nil, ErrUndecodable, nil", errs)
	}
	slices.Sort(accepted)
	if !slices.Equal(accepted, []int{0, 2}) {
		t.Errorf("accepted %v, want [0 2]", accepted)
	}
	if n := len(r.smtp.Messages()); n != 2 {
		t.Errorf("%d emails sent, want 2", n)
	}
}

func TestSMTPPermanent(t *testing.T) {
	dest := &SMTP{}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"undecodable payload", ErrUndecodable, true},
		{"5xx", &textproto.Error{Code: 550, Msg: "no such user"}, true},
		{"4xx", &textproto.Error{Code: 451, Msg: "try later"}, false},
		{"connection", receipt.ErrConnect, false},
		{"invalid email", receipt.ErrInvalid, true},
	}
	for _, tt := range tests {
		if got := dest.Permanent(tt.err); got != tt.want {
			t.Errorf("%s: Permanent = %v, want %v", tt.name, got, tt.want)
		}
	}
}
