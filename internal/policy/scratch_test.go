package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
)

// TestVirtualCache: values and undefined marks come back for equal refs,
// frames hide and restore each other, and a frame past smallEntries keeps
// working (its overflow is topdown's own cache).
func TestVirtualCache(t *testing.T) {
	c := &virtualCache{frames: make([]vcFrame, 1)}
	ref := func(i int) ast.Ref { return ast.MustParseRef(fmt.Sprintf("data.p.f[%d]", i)) }
	const n = 3 * smallEntries
	for i := range n {
		var v *ast.Term
		if i%5 != 0 {
			v = ast.IntNumberTerm(i)
		}
		c.Put(ref(i), v)
	}
	check := func(when string) {
		t.Helper()
		for i := range n {
			v, undefined := c.Get(ref(i))
			if i%5 == 0 {
				if v != nil || !undefined {
					t.Errorf("%s: Get(%v) = %v, %v; want undefined", when, ref(i), v, undefined)
				}
				continue
			}
			if v == nil || !v.Equal(ast.IntNumberTerm(i)) || undefined {
				t.Errorf("%s: Get(%v) = %v, %v; want %d", when, ref(i), v, undefined, i)
			}
		}
		if v, undefined := c.Get(ref(n)); v != nil || undefined {
			t.Errorf("%s: Get(%v) = %v, %v; want not cached", when, ref(n), v, undefined)
		}
	}
	check("filled")
	if got, want := len(c.Keys()), n-(n+4)/5; got != want {
		t.Errorf("len(Keys()) = %d; want %d", got, want)
	}
	c.Push()
	if v, undefined := c.Get(ref(1)); v != nil || undefined {
		t.Errorf("pushed frame: Get(%v) = %v, %v; want not cached", ref(1), v, undefined)
	}
	c.Put(ref(1), ast.StringTerm("inner"))
	if v, _ := c.Get(ref(1)); v == nil || !v.Equal(ast.StringTerm("inner")) {
		t.Errorf("pushed frame: Get(%v) = %v; want \"inner\"", ref(1), v)
	}
	c.Pop()
	check("popped")
	c.Put(ref(1), ast.StringTerm("replaced"))
	if v, _ := c.Get(ref(1)); v == nil || !v.Equal(ast.StringTerm("replaced")) {
		t.Errorf("Get(%v) after a second Put = %v; want \"replaced\"", ref(1), v)
	}
	c.reset()
	if v, undefined := c.Get(ref(1)); v != nil || undefined || len(c.Keys()) != 0 {
		t.Errorf("after reset: Get(%v) = %v, %v, %d keys; want empty", ref(1), v, undefined, len(c.Keys()))
	}
}

// TestDecideDeadline: a runaway policy is stopped by the evaluation budget
// and by the caller's context, and both deny with an error.
func TestDecideDeadline(t *testing.T) {
	dir := t.TempDir()
	writePolicy(t, dir, "p.rego", `package bulwark.tools

allow if count([x | some i in numbers.range(1, 5000); some j in numbers.range(1, 5000); x := i * j]) > 0
`)
	ctx := context.Background()
	e, err := Load(ctx, dir, Options{Timeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Decide(ctx, Input{Tool: Tool{Name: "t"}})
	if err == nil || !strings.Contains(err.Error(), "exceeded 20ms") {
		t.Errorf("Decide(runaway) error = %v; want the budget exceeded", err)
	}
	if diff := cmp.Diff(failed(), got); diff != "" {
		t.Errorf("Decide(runaway) mismatch (-want +got):\n%s", diff)
	}

	e, err = Load(ctx, dir, Options{Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	got, err = e.Decide(cctx, Input{Tool: Tool{Name: "t"}})
	if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(fmt.Sprint(err), "exceeded 1h") {
		t.Errorf("Decide(runaway, caller's deadline) error = %v; want context.DeadlineExceeded", err)
	}
	if got.Effect != Deny {
		t.Errorf("Decide(runaway, caller's deadline) = %v; want deny", got.Effect)
	}
}
