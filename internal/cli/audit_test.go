package cli

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/config"

	_ "modernc.org/sqlite"
)

// auditLog creates ./data under a temp dir (made the working directory)
// with n events, as `bulwark serve --demo` would leave it.
func auditLog(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	ctx := context.Background()
	keyPath := filepath.Join(dir, "master.key")
	os.WriteFile(keyPath, bytes.Repeat([]byte("k"), 32), 0o600)
	c := config.DemoAudit()
	c.Payloads, c.MasterKeyFile = "full", keyPath
	l, err := audit.Open(ctx, c, os.Getenv, nil, nil)
	if err != nil {
		t.Fatalf("audit.Open: %v", err)
	}
	for i := 0; i < n; i++ {
		ev := &audit.Event{Kind: audit.KindExchange, App: "demo", KeyID: "demo", Decision: "allow", Status: 200,
			RequestPayload: []byte(fmt.Sprintf("secret prompt %d", i))}
		if err := l.Record(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runAuditCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestAuditVerifyCLI(t *testing.T) {
	dir := auditLog(t, 6)
	if code, out, errs := runAuditCLI(t, "audit", "verify"); code != ExitOK || !strings.Contains(out, "OK: log verified") {
		t.Fatalf("audit verify (no flags) = %d %q %q; want 0 and OK", code, out, errs)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "data", "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE audit_entries SET decision = 'block' WHERE idx = 3`); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runAuditCLI(t, "audit", "verify", "--data", filepath.Join(dir, "data"))
	if code != ExitNegative || !strings.Contains(out, "first bad index 3: edited") {
		t.Errorf("audit verify after tampering = %d %q; want 1 naming index 3", code, out)
	}
	if code, _, errs := runAuditCLI(t, "audit", "verify", "--data", filepath.Join(dir, "nope")); code != ExitError {
		t.Errorf("audit verify on a missing dir = %d (%s); want 2", code, errs)
	}
	if code, out, _ := runAuditCLI(t, "audit", "verify", "--json"); code != ExitNegative || !strings.Contains(out, `"kind": "edited"`) {
		t.Errorf("audit verify --json = %d %q", code, out)
	}
}

// TestAuditVerifyCLITamper runs `audit verify` on the judged tamperings
// and checks the exit code and the named first bad index and kind.
func TestAuditVerifyCLITamper(t *testing.T) {
	tests := []struct {
		name, sql string
		want      string
	}{
		{"edit a payload", `UPDATE audit_payloads SET ciphertext = X'00' WHERE idx = 2`, "first bad index 2: edited"},
		{"edit a decision", `UPDATE audit_entries SET decision = 'block' WHERE idx = 1`, "first bad index 1: edited"},
		{"delete a row", `DELETE FROM audit_entries WHERE idx = 3`, "first bad index 3: deleted"},
		{"swap two rows", `UPDATE audit_entries SET idx = -1 WHERE idx = 1; UPDATE audit_entries SET idx = 1 WHERE idx = 4; UPDATE audit_entries SET idx = 4 WHERE idx = -1`, "first bad index 1: reordered"},
		{"insert a row", `INSERT INTO audit_entries SELECT 6, leaf, leaf_hash, time_ns, kind, app, key_id, tenant, end_user, decision, finding_types FROM audit_entries WHERE idx = 0`, "first bad index 6: inserted"},
		{"truncate the tail", `DELETE FROM audit_entries WHERE idx >= 4`, "first bad index 4: truncated"},
		{"replace a checkpoint signature", `UPDATE audit_checkpoints SET note = CAST(REPLACE(CAST(note AS TEXT), '— ', '— x') AS BLOB) WHERE size = 6`, "first bad index 6: bad signature"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := auditLog(t, 6)
			db, err := sql.Open("sqlite", filepath.Join(dir, "data", "audit.db"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(tc.sql); err != nil {
				t.Fatalf("tamper: %v", err)
			}
			db.Close()
			code, out, errs := runAuditCLI(t, "audit", "verify")
			if code != ExitNegative || !strings.Contains(out, tc.want) {
				t.Errorf("audit verify after %s = %d %q %q; want exit 1 and %q", tc.name, code, out, errs, tc.want)
			}
		})
	}
}

func TestAuditProofCLI(t *testing.T) {
	dir := auditLog(t, 5)
	proofPath := filepath.Join(dir, "proof.json")
	if code, _, errs := runAuditCLI(t, "audit", "proof", "--index", "2", "--out", proofPath); code != ExitOK {
		t.Fatalf("audit proof --index 2 = %d %s", code, errs)
	}
	if code, out, errs := runAuditCLI(t, "audit", "proof", "--verify", proofPath); code != ExitOK || !strings.Contains(out, "OK: entry 2") {
		t.Errorf("audit proof --verify = %d %q %q; want 0", code, out, errs)
	}
	b, _ := os.ReadFile(proofPath)
	os.WriteFile(proofPath, bytes.Replace(b, []byte(`"index": 2`), []byte(`"index": 1`), 1), 0o600)
	if code, out, _ := runAuditCLI(t, "audit", "proof", "--verify", proofPath); code != ExitNegative || !strings.Contains(out, "INVALID") {
		t.Errorf("audit proof --verify (corrupted) = %d %q; want 1 INVALID", code, out)
	}
	code, out, errs := runAuditCLI(t, "audit", "proof", "--from", "0")
	if code != ExitOK || !strings.Contains(out, `"type": "consistency"`) {
		t.Errorf("audit proof --from 0 = %d %q %q", code, out, errs)
	}
	if code, _, _ := runAuditCLI(t, "audit", "proof"); code != ExitError {
		t.Errorf("audit proof without --index/--from = %d; want 2", code)
	}
	if code, _, _ := runAuditCLI(t, "audit", "proof", "--index", "99"); code != ExitError {
		t.Errorf("audit proof --index 99 = %d; want 2", code)
	}
}

func TestAuditExportCLI(t *testing.T) {
	dir := auditLog(t, 4)
	code, out, errs := runAuditCLI(t, "audit", "export", "--app", "demo")
	if code != ExitOK || strings.Count(out, "\n") != 4 {
		t.Fatalf("audit export = %d %q %q; want 4 lines", code, out, errs)
	}
	if strings.Contains(out, "secret prompt") {
		t.Errorf("audit export without --payloads leaked payload text: %s", out)
	}
	code, out, errs = runAuditCLI(t, "audit", "export", "--payloads", "--master-key-file", filepath.Join(dir, "master.key"), "--out", filepath.Join(dir, "x.jsonl"))
	b, _ := os.ReadFile(filepath.Join(dir, "x.jsonl"))
	if code != ExitOK || !strings.Contains(string(b), "secret prompt 3") {
		t.Errorf("audit export --payloads = %d %q %q; file %s", code, out, errs, b)
	}
	if code, _, _ := runAuditCLI(t, "audit", "export", "--payloads"); code != ExitError {
		t.Errorf("audit export --payloads without a key = %d; want 2", code)
	}
	if code, _, _ := runAuditCLI(t, "audit", "bogus"); code != ExitError {
		t.Errorf("audit bogus = %d; want 2", code)
	}
}
