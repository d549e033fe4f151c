package policy

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// evalScratch is what one evaluation needs besides the query, reused
// across decisions so that a decision does not allocate it: the rule-value
// cache, the cancellation, the input term and the result.
type evalScratch struct {
	vc       virtualCache
	prog     progEnv
	deadline deadline
	input    ast.Term
	res      Result
	err      error
	n        int
	onResult func(topdown.QueryResult) error // s.collect, bound once
}

var scratches = sync.Pool{New: func() any {
	s := &evalScratch{vc: virtualCache{frames: make([]vcFrame, 1, 2)}}
	s.onResult = s.collect
	return s
}}

func getScratch(ctx context.Context, timeout time.Duration) *evalScratch {
	s := scratches.Get().(*evalScratch)
	s.deadline.start(ctx, timeout)
	return s
}

// putScratch returns s once its evaluation has finished and its result has
// been copied out.
func putScratch(s *evalScratch) {
	s.vc.reset()
	s.deadline.ctx = nil
	s.input = ast.Term{}
	s.res, s.err, s.n = Result{}, nil, 0
	scratches.Put(s)
}

// collect receives the decision query's results (exactly one is expected).
func (s *evalScratch) collect(qr topdown.QueryResult) error {
	s.n++
	s.res, s.err = toResult(qr)
	return s.err
}

// deadline is a topdown.Cancel that trips when the caller's context is done
// or the evaluation budget is spent. topdown polls Cancelled before every
// expression; every pollEvery-th poll looks at the context and the clock.
// No timer or goroutine per evaluation.
type deadline struct {
	ctx   context.Context
	end   time.Time
	polls atomic.Uint32
	state atomic.Int32 // running, cancelled or timedOut
}

const (
	running int32 = iota
	cancelled
	timedOut
)

const pollEvery = 32

var _ topdown.Cancel = (*deadline)(nil)

func (d *deadline) start(ctx context.Context, timeout time.Duration) {
	d.ctx, d.end = ctx, time.Now().Add(timeout)
	d.polls.Store(0)
	d.state.Store(running)
}

// Cancel implements topdown.Cancel.
func (d *deadline) Cancel() { d.state.CompareAndSwap(running, cancelled) }

// Cancelled implements topdown.Cancel.
func (d *deadline) Cancelled() bool {
	if d.state.Load() != running {
		return true
	}
	if d.polls.Add(1)%pollEvery != 0 {
		return false
	}
	switch {
	case d.ctx.Err() != nil:
		d.state.CompareAndSwap(running, cancelled)
	case !time.Now().Before(d.end):
		d.state.CompareAndSwap(running, timedOut)
	default:
		return false
	}
	return true
}

// TimedOut reports whether the budget, not the context, stopped the
// evaluation.
func (d *deadline) TimedOut() bool { return d.state.Load() == timedOut }
