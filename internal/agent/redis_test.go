package agent

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
)

func TestRedisKillSwitch(t *testing.T) {
	addr := os.Getenv("BULWARK_TEST_REDIS")
	if addr == "" {
		t.Skip("set BULWARK_TEST_REDIS to run")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	prefix := fmt.Sprintf("bulwark-test:%d", time.Now().UnixNano())
	newReplica := func() (*KillSwitch, <-chan struct{}) {
		b := NewRedisBackend(addr, prefix, nil)
		t.Cleanup(func() { b.Close() })
		k := NewKillSwitch(KillSwitchOptions{Backend: b})
		done, err := b.Sync(ctx, k)
		if err != nil {
			t.Fatalf("Sync() = %v", err)
		}
		return k, done
	}
	a, doneA := newReplica()
	b, doneB := newReplica()
	bot := Target{Kind: "agent", Name: "bot"}
	wctx, stop := b.Watch(ctx, bot)
	defer stop()
	if err := a.Disable(ctx, bot, "ops", "test"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wctx.Done():
	case <-time.After(30 * time.Second): // hang guard; CI is a loaded 2-core machine
		t.Fatal("replica B's watch not cancelled by replica A's kill")
	}
	if err := b.Check(bot); !errors.Is(err, ErrDisabled) {
		t.Errorf("B.Check() = %v; want disabled", err)
	}
	// A replica starting later loads the state.
	c, doneC := newReplica()
	if err := c.Check(bot); !errors.Is(err, ErrDisabled) {
		t.Errorf("late replica Check() = %v; want disabled", err)
	}
	if err := b.Enable(ctx, bot, "ops"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && (a.Check(bot) != nil || c.Check(bot) != nil); {
		time.Sleep(10 * time.Millisecond)
	}
	if a.Check(bot) != nil || c.Check(bot) != nil {
		t.Error("enable on B did not reach A and C")
	}
	cancel()
	<-doneA
	<-doneB
	<-doneC
}
