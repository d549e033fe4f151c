package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const scanCorpus = "../modelscan/testdata/corpus"

func runScanArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"scan"}, args...), Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestScanExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"benign checkpoint", []string{scanCorpus + "/benign/torch_checkpoint.pt"}, ExitOK},
		{"benign folder", []string{scanCorpus + "/benign"}, ExitOK},
		{"malicious", []string{scanCorpus + "/pickle/global_os_system.pkl"}, ExitNegative},
		{"medium below default threshold", []string{scanCorpus + "/pickle/newobj_unknown.pkl"}, ExitOK},
		{"medium at --fail-on medium", []string{"--fail-on", "medium", scanCorpus + "/pickle/newobj_unknown.pkl"}, ExitNegative},
		{"flags after paths", []string{scanCorpus + "/pickle/newobj_unknown.pkl", "--fail-on", "medium"}, ExitNegative},
		{"critical above --fail-on critical", []string{"--fail-on", "critical", scanCorpus + "/sinks/shutil.rmtree.pkl"}, ExitOK},
		{"unparseable", []string{scanCorpus + "/archive/not_7z.7z"}, ExitError},
		{"missing file", []string{scanCorpus + "/does-not-exist.pkl"}, ExitError},
		{"no paths", nil, ExitError},
		{"bad threshold", []string{"--fail-on", "severe", scanCorpus}, ExitError},
		{"bad format", []string{"--format", "xml", scanCorpus}, ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, out, errs := runScanArgs(t, tt.args...); code != tt.want {
				t.Errorf("scan %q = %d; want %d\nstdout: %s\nstderr: %s", tt.args, code, tt.want, out, errs)
			}
		})
	}
}

func TestScanJSON(t *testing.T) {
	code, out, _ := runScanArgs(t, "--format", "json", scanCorpus+"/torch/evil_checkpoint.pt", scanCorpus+"/benign/all_opcodes.pkl")
	if code != ExitNegative {
		t.Fatalf("exit = %d; want %d", code, ExitNegative)
	}
	var got struct {
		FilesScanned int `json:"files_scanned"`
		Findings     []struct {
			File     string `json:"file"`
			Member   string `json:"member"`
			Format   string `json:"format"`
			Severity string `json:"severity"`
			RuleID   string `json:"rule_id"`
			Evidence string `json:"evidence"`
		} `json:"findings"`
		Errors []any `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	if got.FilesScanned != 2 || len(got.Findings) != 1 || got.Errors == nil {
		t.Fatalf("got %+v; want 2 files, 1 finding, errors []", got)
	}
	f := got.Findings[0]
	if f.Member != "archive/data.pkl" || f.Severity != "critical" || f.RuleID != "pickle.global.denied" || f.Evidence != "os.system" || f.Format != "pickle" {
		t.Errorf("finding = %+v", f)
	}
}

// TestScanSARIF checks the fields SARIF 2.1.0 requires and the ones GitHub
// code scanning reads.
func TestScanSARIF(t *testing.T) {
	code, out, _ := runScanArgs(t, "--format", "sarif", scanCorpus+"/pickle", scanCorpus+"/archive/path_traversal.zip")
	if code != ExitNegative {
		t.Fatalf("exit = %d; want %d", code, ExitNegative)
	}
	var log map[string]any
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if log["version"] != "2.1.0" || log["$schema"] == nil {
		t.Fatalf("version/$schema = %v/%v", log["version"], log["$schema"])
	}
	runs := log["runs"].([]any)
	if len(runs) != 1 {
		t.Fatalf("runs = %d; want 1", len(runs))
	}
	run := runs[0].(map[string]any)
	driver := run["tool"].(map[string]any)["driver"].(map[string]any)
	if driver["name"] != "bulwark" {
		t.Errorf("driver.name = %v", driver["name"])
	}
	rules := map[string]bool{}
	for _, r := range driver["rules"].([]any) {
		rm := r.(map[string]any)
		id, _ := rm["id"].(string)
		if id == "" || rm["shortDescription"].(map[string]any)["text"] == "" {
			t.Errorf("rule without id or description: %v", rm)
		}
		if _, ok := rm["properties"].(map[string]any)["security-severity"].(string); !ok {
			t.Errorf("rule %s lacks security-severity", id)
		}
		rules[id] = true
	}
	results := run["results"].([]any)
	if len(results) == 0 {
		t.Fatal("no results")
	}
	for _, r := range results {
		rm := r.(map[string]any)
		if !rules[rm["ruleId"].(string)] {
			t.Errorf("result ruleId %v not in rules", rm["ruleId"])
		}
		switch rm["level"] {
		case "error", "warning", "note", "none":
		default:
			t.Errorf("level = %v", rm["level"])
		}
		if rm["message"].(map[string]any)["text"] == "" {
			t.Errorf("result without message text")
		}
		loc := rm["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["artifactLocation"].(map[string]any)
		uri := loc["uri"].(string)
		if strings.HasPrefix(uri, "/") || strings.Contains(uri, "\\") || strings.HasPrefix(uri, "..") {
			t.Errorf("uri %q is not relative to the repository", uri)
		}
	}
}

func TestScanWriteLock(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model")
	if err := os.MkdirAll(model, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(scanCorpus + "/benign/torch_checkpoint.pt")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(model, "pytorch_model.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	lockPath := filepath.Join(dir, "models.lock")
	if code, out, errs := runScanArgs(t, "--write-lock", lockPath, model); code != ExitOK {
		t.Fatalf("scan --write-lock = %d\n%s%s", code, out, errs)
	}
	b, err := os.ReadFile(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "pytorch_model.bin") {
		t.Errorf("lock file does not pin pytorch_model.bin:\n%s", b)
	}
}
