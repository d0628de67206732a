package lifecycle

import (
	"context"
	"testing"
	"time"
)

func TestInHand(t *testing.T) {
	parent, stop := context.WithCancel(context.Background())
	work, cancel := InHand(parent, 50*time.Millisecond, time.Hour)
	defer cancel()
	stop()
	select {
	case <-work.Done():
		t.Fatal("work in hand was cancelled with its parent, not after the grace")
	case <-time.After(10 * time.Millisecond):
	}
	select {
	case <-work.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("work in hand outlived the grace after its parent ended")
	}
	short, cancel2 := InHand(context.Background(), time.Hour, 20*time.Millisecond)
	defer cancel2()
	select {
	case <-short.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the limit did not end the work")
	}
}
