package pickle_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/pickle"
)

func TestPolicyCheck(t *testing.T) {
	p := pickle.DefaultPolicy()
	tests := []struct {
		module, name string
		want         string // rule id, "" = allowed
		sev          modelscan.Severity
	}{
		{"torch._utils", "_rebuild_tensor_v2", "", 0},
		{"collections", "OrderedDict", "", 0},
		{"numpy.core.multiarray", "_reconstruct", "", 0},
		{"torch.nn.modules.linear", "Linear", "", 0},
		{"os", "system", pickle.RuleDenied, modelscan.SeverityCritical},
		{"os.path", "join", pickle.RuleDenied, modelscan.SeverityCritical},
		{"oscar", "system", pickle.RuleUnknown, modelscan.SeverityMedium},
		{"subprocess", "Popen", pickle.RuleDenied, modelscan.SeverityCritical},
		{"pathlib", "PosixPath", "", 0},
		{"pathlib", "Path.write_text", pickle.RuleDenied, modelscan.SeverityHigh},
		{"builtins", "object.__subclasses__", pickle.RuleDunder, modelscan.SeverityCritical},
		{"uuid", "UUID", "", 0},
		{"uuid", "_get_command_stdout", pickle.RuleDenied, modelscan.SeverityCritical},
		{"torch.nn.modules.linear", "_private", pickle.RuleUnknown, modelscan.SeverityMedium},
		{"torch.nn.modules.linear", "Linear.__init__", pickle.RuleDunder, modelscan.SeverityCritical},
		{"os system", "x", pickle.RuleInvalid, modelscan.SeverityHigh},
		{"", "x", pickle.RuleInvalid, modelscan.SeverityHigh},
		{"mylib", "Model", pickle.RuleUnknown, modelscan.SeverityMedium},
	}
	for _, tt := range tests {
		t.Run(tt.module+"."+tt.name, func(t *testing.T) {
			v := p.Check(tt.module, tt.name)
			if v.RuleID != tt.want || (tt.want != "" && v.Severity != tt.sev) {
				t.Errorf("Check(%q, %q) = %s/%v; want %s/%v", tt.module, tt.name, v.RuleID, v.Severity, tt.want, tt.sev)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"\x80\x02}q\x00.", true},
		{"cos\nsystem\n(S'id'\ntR.", true},
		{"(lp0\nI1\naI2\na.", true},
		{"# README\n", false},
		{"{\"a\": 1}", false},
		{"(c) 2024 Example Corp. All rights reserved.\n\nLicensed...", false},
		{"\x80\x03\x00\x00\x00\x00", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := pickle.Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("Sniff(%q) = %v; want %v", tt.head, got, tt.want)
		}
	}
}

// TestCustomPolicy shows extending the policy: an organization allows its
// own model class.
func TestCustomPolicy(t *testing.T) {
	pol := pickle.DefaultPolicy()
	pol.Allow["mylib.models.Net"] = true
	data := []byte("\x80\x02cmylib.models\nNet\n)\x81}b.")
	c := &collect{}
	err := pickle.New(pol, modelscan.Limits{}).Scan(context.Background(), modelscan.Object{Name: "m.pkl", R: bytes.NewReader(data), Size: int64(len(data))}, c)
	if err != nil || len(c.findings) != 0 {
		t.Errorf("Scan with mylib.models.Net allowed = %v, %v; want no findings", c.findings, err)
	}
}
