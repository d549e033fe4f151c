package keras

import (
	"bytes"
	"context"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Keras writes and reads configs with Python's json, which allows NaN and
// Infinity: such a config is checked, not refused as invalid.
func TestCheckConfigPythonLiterals(t *testing.T) {
	tests := []struct {
		name, cfg string
		want      modelscan.Severity
	}{
		{"lambda_after_nan", `{"class_name": "Lambda", "config": {"eps": NaN, "hi": Infinity, "lo": -Infinity, "function": ["YWJj", null, null], "function_type": "lambda"}}`, modelscan.SeverityCritical},
		{"benign_nan", `{"class_name": "Dense", "config": {"name": "NaN \"Infinity\"", "units": 2, "x": NaN}}`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := CheckConfig([]byte(tc.cfg))
			if err != nil {
				t.Fatalf("CheckConfig(%q) error = %v", tc.cfg, err)
			}
			var got modelscan.Severity
			for _, f := range fs {
				got = max(got, f.Severity)
			}
			if got != tc.want {
				t.Errorf("CheckConfig(%q) max severity = %v; want %v", tc.cfg, got, tc.want)
			}
		})
	}
}

// Python's zipfile ends a member name at its first NUL byte, so Keras opens
// "config.json\x00x" as config.json (the last of equal names wins). The
// scanner must check that member and see the two names as duplicates.
func TestScanArchiveNULName(t *testing.T) {
	z := kerasZip(member{"config.json", cfg("benign_sequential")}, member{"config.json\x00.txt", cfg("lambda_keras3")}, member{"model.weights.h5", "w"})
	var rec recorder
	if err := (Format{}).Scan(context.Background(), modelscan.Object{Name: "m.keras", R: bytes.NewReader(z), Size: int64(len(z))}, &rec); err != nil {
		t.Fatalf("Scan error = %v", err)
	}
	got := map[string]bool{}
	for _, f := range rec.findings {
		got[f.RuleID] = true
	}
	for _, want := range []string{"keras.lambda.bytecode", "keras.archive.duplicate"} {
		if !got[want] {
			t.Errorf("Scan(config.json + config.json\\x00.txt) rules = %v; want %s", got, want)
		}
	}
}

// A decoy config that decodes must not vouch for a real model_config the
// scanner could not read, and a file that exhausts the candidate budget
// with decoys must not stop the search silently.
func TestScanHDF5Decoys(t *testing.T) {
	decoy := "\x00" + `{"class_name": "Dense", "config": {}}` + "\x00"
	nanLambda := `{"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "l", "eps": NaN, "function": ["` + code + `", null, null], "function_type": "lambda"}}]}}`
	tests := []struct {
		name string
		file []byte
	}{
		{"decoy_then_nan_config", append([]byte(decoy), h5(nanLambda)...)},
		{"decoys_exhaust_budget", append(bytes.Repeat([]byte(decoy), maxCandidates+1), h5(cfg("lambda_keras2"))...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := append(h5("")[:8], tc.file...) // HDF5 signature first
			var rec recorder
			if err := (Format{}).Scan(context.Background(), modelscan.Object{Name: "m.h5", R: bytes.NewReader(file), Size: int64(len(file))}, &rec); err != nil {
				t.Fatalf("Scan error = %v", err)
			}
			var got modelscan.Severity
			for _, f := range rec.findings {
				got = max(got, f.Severity)
			}
			if got < modelscan.SeverityHigh {
				t.Errorf("Scan(%s) max severity = %v (findings %v); want >= high", tc.name, got, rules(rec.findings))
			}
		})
	}
}
