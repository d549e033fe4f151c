package guard_test

import (
	"context"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

func TestConceal(t *testing.T) {
	p := guard.NewPipeline(guard.Rule{Scanner: newRE("pii", 64, "EMAIL", `[a-z0-9.]+@[a-z0-9.]+\.[a-z]{2,}`), Input: true, Output: true, Default: guard.ActionRedact, Pseudonymize: true})
	s := p.Begin(guard.Request{})
	if got := s.Conceal("ann@x.io"); got != "ann@x.io" {
		t.Errorf("Conceal before any pseudonym = %q; want the text unchanged", got)
	}
	if _, err := s.CheckInput(context.Background(), []guard.Segment{{ID: 1, Source: guard.SourceUser, Text: "ann@x.io, jo.ann@x.io.uk"}}); err != nil {
		t.Fatalf("CheckInput: %v", err)
	}
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"nothing here", "nothing here"},
		{"to ann@x.io and ann@x.io", "to [EMAIL_1] and [EMAIL_1]"},
		{"jo.ann@x.io.uk", "[EMAIL_2]"}, // the longer value wins over the one it contains
		{"ann@y.io", "ann@y.io"},
	} {
		if got := s.Conceal(tc.in); got != tc.want {
			t.Errorf("Conceal(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
