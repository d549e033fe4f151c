package agent

import (
	"context"
	"errors"
	"testing"
)

func TestKillSwitch(t *testing.T) {
	ctx := context.Background()
	aud := &memAuditor{}
	k := NewKillSwitch(KillSwitchOptions{Auditor: aud})
	bot := Target{Kind: "agent", Name: "bot"}
	other := Target{Kind: "agent", Name: "other"}

	wctx, stop := k.Watch(ctx, Target{Kind: "app", Name: "a"}, bot)
	defer stop()
	octx, ostop := k.Watch(ctx, other)
	defer ostop()
	if err := k.Check(bot, Target{Kind: "model"}); err != nil {
		t.Fatalf("Check() before disable = %v", err)
	}
	if err := k.Disable(ctx, bot, "ops", "runaway"); err != nil {
		t.Fatal(err)
	}
	var de *DisabledError
	if err := k.Check(other, bot); !errors.As(err, &de) || de.Target != bot || !errors.Is(err, ErrDisabled) {
		t.Errorf("Check() = %v; want DisabledError for %v", err, bot)
	}
	<-wctx.Done()
	if cause := context.Cause(wctx); !errors.Is(cause, ErrDisabled) {
		t.Errorf("watch cause = %v; want ErrDisabled", cause)
	}
	if octx.Err() != nil {
		t.Errorf("unrelated watch cancelled: %v", context.Cause(octx))
	}
	// Watching an already disabled target is cancelled at once.
	dctx, dstop := k.Watch(ctx, bot)
	defer dstop()
	if !errors.Is(context.Cause(dctx), ErrDisabled) {
		t.Errorf("Watch(disabled) cause = %v; want ErrDisabled", context.Cause(dctx))
	}
	if got := k.List(); len(got) != 1 || got[0].Actor != "ops" || got[0].Reason != "runaway" {
		t.Errorf("List() = %+v; want one entry by ops", got)
	}
	if err := k.Enable(ctx, bot, "ops"); err != nil {
		t.Fatal(err)
	}
	if err := k.Check(bot); err != nil {
		t.Errorf("Check() after enable = %v", err)
	}
	if n := len(aud.events()); n != 2 {
		t.Errorf("audit events = %d; want 2", n)
	}
	if err := k.Disable(ctx, Target{Kind: "planet", Name: "x"}, "ops", ""); err == nil {
		t.Error("Disable(unknown kind) = nil; want error")
	}
	ostop()
	k.mu.Lock()
	n := len(k.watches)
	k.mu.Unlock()
	if n != 0 {
		t.Errorf("watches after stop = %d; want 0 (leak)", n)
	}
}
