package policy

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego unit test (a rule named test_*).
type TestResult struct {
	Package  string        `json:"package"`
	Name     string        `json:"name"`
	File     string        `json:"file"`
	Pass     bool          `json:"pass"`
	Skip     bool          `json:"skip,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// RunTests runs the Rego unit tests in dir (every *.rego file, tests and
// policies, plus *.json data, as `opa test` loads them). An error means the
// tests could not run (a parse or compile error); failed tests are results.
func RunTests(ctx context.Context, dir string) ([]TestResult, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("policy test: %w", err)
	}
	rs, err := tester.Run(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("policy test: %w", err)
	}
	out := make([]TestResult, 0, len(rs))
	for _, r := range rs {
		tr := TestResult{Package: r.Package, Name: r.Name, Pass: r.Pass(), Skip: r.Skip, Duration: r.Duration}
		if r.Location != nil {
			tr.File = fmt.Sprintf("%s:%d", r.Location.File, r.Location.Row)
		}
		if r.Error != nil {
			tr.Error = r.Error.Error()
		}
		out = append(out, tr)
	}
	return out, nil
}
