package sarif

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

func TestBuild(t *testing.T) {
	base := t.TempDir()
	findings := []modelscan.Finding{
		{File: filepath.Join(base, "models", "a.pkl"), Format: "pickle", Severity: modelscan.SeverityCritical, RuleID: "pickle.global.denied", Message: "imports os.system", Evidence: "os.system", Offset: 12},
		{File: filepath.Join(base, "models", "b.pt"), Member: "archive/data.pkl", Format: "pickle", Severity: modelscan.SeverityMedium, RuleID: "pickle.global.unknown", Message: "unknown", Evidence: "mylib.Net"},
		{File: filepath.Join(base, "models", "c.bin"), Format: "unknown", Severity: modelscan.SeverityInfo, RuleID: "format.unknown", Message: "unknown format"},
	}
	log := Build(findings, "v1", base)
	var buf bytes.Buffer
	if err := log.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var back Log
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	run := back.Runs[0]
	var ids, levels, uris []string
	for _, r := range run.Tool.Driver.Rules {
		ids = append(ids, r.ID)
	}
	for _, r := range run.Results {
		levels = append(levels, r.Level)
		uris = append(uris, r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex %d pointing at %s", r.RuleID, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
	}
	if diff := cmp.Diff([]string{"format.unknown", "pickle.global.denied", "pickle.global.unknown"}, ids); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"error", "warning", "note"}, levels); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"models/a.pkl", "models/b.pt", "models/c.bin"}, uris); diff != "" {
		t.Errorf("uris (-want +got):\n%s", diff)
	}
	if back.Version != "2.1.0" || run.Tool.Driver.Name != "bulwark" {
		t.Errorf("version %q driver %q", back.Version, run.Tool.Driver.Name)
	}
	if got := run.Results[1].Message.Text; got != "unknown (mylib.Net) [in archive/data.pkl]" {
		t.Errorf("message = %q", got)
	}
}

func TestRelURIOutsideBase(t *testing.T) {
	if got := relURI("/repo", "/elsewhere/m.pkl"); got != "file:///elsewhere/m.pkl" {
		t.Errorf("relURI outside base = %q; want file:///elsewhere/m.pkl", got)
	}
}
