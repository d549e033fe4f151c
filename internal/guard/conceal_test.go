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

// InputResult.Edits are the redactions that made each segment's Texts:
// applied to the segment in order they give Texts exactly; overlapping
// findings give one edit; a segment without redactions has none.
func TestInputEdits(t *testing.T) {
	p := guard.NewPipeline(
		guard.Rule{Scanner: newRE("pii", 64, "EMAIL", `[a-z0-9.]+@[a-z0-9.]+\.[a-z]{2,}`), Input: true, Default: guard.ActionRedact},
		guard.Rule{Scanner: newRE("user", 64, "USER", `[a-z]+@`), Input: true, Default: guard.ActionRedact},
	)
	segs := []guard.Segment{
		{ID: 0, Source: guard.SourceTool, Text: "nothing here"},
		{ID: 1, Source: guard.SourceTool, Text: "to ann@x.io and bo@y.io."},
	}
	res, err := p.Begin(guard.Request{}).CheckInput(context.Background(), segs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Edits) != 2 || res.Edits[0] != nil {
		t.Fatalf("Edits = %+v; want none for segment 0", res.Edits)
	}
	for i, seg := range segs {
		text, last := "", 0
		for _, e := range res.Edits[i] {
			if e.Start < last {
				t.Fatalf("segment %d: edits overlap or are out of order: %+v", i, res.Edits[i])
			}
			text += seg.Text[last:e.Start] + e.Text
			last = e.End
		}
		text += seg.Text[last:]
		if text != res.Texts[i] {
			t.Errorf("segment %d: edits give %q; Texts has %q", i, text, res.Texts[i])
		}
	}
	if len(res.Edits[1]) != 2 {
		t.Errorf("segment 1 edits = %+v; want one per address", res.Edits[1])
	}
}
