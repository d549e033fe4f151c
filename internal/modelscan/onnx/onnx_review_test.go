package onnx

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// The scanner keeps at most maxName bytes of a string; a location longer
// than that must not be checked on its first maxName bytes only, or a
// "../" placed after them escapes unseen.
func TestExternalLocationTooLong(t *testing.T) {
	tests := []struct{ name, loc string }{
		{"dotdot_after_limit", strings.Repeat("a/", maxName/2+10) + "../../../../etc/passwd"},
		{"absolute_prefix_kept", "/" + strings.Repeat("a", maxName+10)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec recorder
			b := model(external("W", tc.loc))
			if err := (Format{}).Scan(t.Context(), modelscan.Object{Name: "model.onnx", R: strings.NewReader(string(b)), Size: int64(len(b))}, &rec); err != nil {
				t.Fatalf("Scan error = %v", err)
			}
			high := false
			for _, f := range rec.findings {
				if f.Severity >= modelscan.SeverityHigh && strings.HasPrefix(f.RuleID, "onnx.external_data.") {
					high = true
				}
			}
			if !high {
				t.Errorf("Scan(location of %d bytes) findings = %+v; want an onnx.external_data finding at high or above", len(tc.loc), rec.findings)
			}
		})
	}
}

// The sets of distinct ops and external-data locations are bounded; nodes
// and tensors past the bound must still be checked, not dropped.
func TestBoundedSetsStillChecked(t *testing.T) {
	var ops, exts [][]byte
	for i := range maxDistinct + 1 {
		ops = append(ops, node(fmt.Sprintf("Op%d", i), ""))
		exts = append(exts, external(fmt.Sprintf("W%d", i), fmt.Sprintf("w%d.bin", i)))
	}
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"python_op_after_many_ops", model(append(ops, node("PyOp", "ai.onnx.contrib"))...), "onnx.op.python"},
		{"traversal_after_many_locations", model(append(exts, external("X", "../../etc/passwd"))...), "onnx.external_data.path_traversal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := scan(t, "", tc.file)
			if !slices.Contains(got, tc.want) {
				t.Errorf("Scan(%s) rules = %d rules without %s; want %s", tc.name, len(got), tc.want, tc.want)
			}
		})
	}
}
