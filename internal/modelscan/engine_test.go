package modelscan_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// fake matches files starting with "FAKE". "FAKE-bad" fails to parse,
// "FAKE-nest" descends into itself forever, anything else is clean.
type fake struct{}

func (fake) Name() string { return "fake" }

func (fake) Match(_ string, head []byte) bool { return bytes.HasPrefix(head, []byte("FAKE")) }

func (fake) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	head := make([]byte, 9)
	n, _ := obj.R.ReadAt(head, 0)
	switch string(head[:n]) {
	case "FAKE-bad!":
		return errors.New("bad header")
	case "FAKE-nest":
		return s.Descend(ctx, modelscan.Object{Name: "inner", Member: "inner", R: obj.R, Size: obj.Size})
	case "FAKE-boom":
		panic("parser bug")
	case "FAKE-evil":
		s.Report(modelscan.Finding{Severity: modelscan.SeverityCritical, RuleID: "fake.evil", Message: "evil"})
	}
	return nil
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func summary(res *modelscan.Result, root string) []string {
	var out []string
	for _, f := range res.Findings {
		rel, _ := filepath.Rel(root, f.File)
		m := ""
		if f.Member != "" {
			m = "!/" + f.Member
		}
		out = append(out, filepath.ToSlash(rel)+m+" "+f.Severity.String()+" "+f.RuleID)
	}
	for _, e := range res.Errors {
		rel, _ := filepath.Rel(root, e.File)
		out = append(out, filepath.ToSlash(rel)+" error")
	}
	sort.Strings(out)
	return out
}

func TestScanDirectory(t *testing.T) {
	root := t.TempDir()
	model := filepath.Join(root, "model")
	write(t, filepath.Join(model, "config.json"), `{"architectures": ["Bert"]}`)
	write(t, filepath.Join(model, "README"), "just text\n")
	write(t, filepath.Join(model, "weights.fake"), "FAKE-ok")
	write(t, filepath.Join(model, "sub", "evil.fake"), "FAKE-evil")
	write(t, filepath.Join(model, "broken.fake"), "FAKE-bad!")
	write(t, filepath.Join(model, "nest.fake"), "FAKE-nest")
	write(t, filepath.Join(model, "boom.fake"), "FAKE-boom")
	write(t, filepath.Join(model, "blob.bin"), "\x00\x01\x02\x03")
	write(t, filepath.Join(model, ".git", "objects", "x"), "FAKE-evil")
	write(t, filepath.Join(root, "outside.fake"), "FAKE-evil")
	if err := os.Symlink(filepath.Join(root, "outside.fake"), filepath.Join(model, "escape.fake")); err != nil {
		t.Skip("symlinks not supported:", err)
	}
	if err := os.Symlink("sub/evil.fake", filepath.Join(model, "inside.fake")); err != nil {
		t.Fatal(err)
	}

	sc := modelscan.NewScanner([]modelscan.Format{fake{}}, modelscan.Limits{MaxDepth: 3})
	res, err := sc.Scan(context.Background(), model)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"model/blob.bin info format.unknown",
		"model/boom.fake error",
		"model/boom.fake high format.unparseable",
		"model/broken.fake error",
		"model/broken.fake high format.unparseable",
		"model/escape.fake high fs.symlink.outside_root",
		"model/inside.fake critical fake.evil",
		"model/nest.fake!/inner!/inner!/inner!/inner high scan.limit.depth",
		"model/sub/evil.fake critical fake.evil",
	}
	if diff := cmp.Diff(want, summary(res, root)); diff != "" {
		t.Errorf("Scan findings (-want +got):\n%s", diff)
	}
	if res.FilesScanned != 9 {
		t.Errorf("FilesScanned = %d; want 9", res.FilesScanned)
	}
	if sev, ok := res.Max(); !ok || sev != modelscan.SeverityCritical {
		t.Errorf("Max() = %v, %v; want critical", sev, ok)
	}
}

func TestScanSymlinkedRoot(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "real", "evil.fake"), "FAKE-evil")
	link := filepath.Join(root, "link")
	if err := os.Symlink(filepath.Join(root, "real"), link); err != nil {
		t.Skip("symlinks not supported:", err)
	}
	res, err := modelscan.NewScanner([]modelscan.Format{fake{}}, modelscan.Limits{}).Scan(context.Background(), link)
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesScanned != 1 || len(res.Findings) != 1 {
		t.Errorf("Scan(symlinked dir) = %d files, %v; want 1 file, 1 finding", res.FilesScanned, res.Findings)
	}
}

func TestScanMissingPath(t *testing.T) {
	sc := modelscan.NewScanner([]modelscan.Format{fake{}}, modelscan.Limits{})
	res, err := sc.Scan(context.Background(), filepath.Join(t.TempDir(), "nope"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error, "no such file") {
		t.Errorf("Errors = %v; want one 'no such file'", res.Errors)
	}
}

func TestScanCancelled(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "a.fake"), "FAKE-ok")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := modelscan.NewScanner([]modelscan.Format{fake{}}, modelscan.Limits{}).Scan(ctx, root); !errors.Is(err, context.Canceled) {
		t.Errorf("Scan(cancelled) error = %v; want context.Canceled", err)
	}
}

func TestSpool(t *testing.T) {
	for _, n := range []int{0, 10, 9 << 20} {
		sp, err := modelscan.Spool(bytes.NewReader(make([]byte, n)), 16<<20)
		if err != nil || sp.Size != int64(n) {
			t.Fatalf("Spool(%d) = %v, %v", n, sp.Size, err)
		}
		sp.Close()
	}
	sp, err := modelscan.Spool(bytes.NewReader(make([]byte, 100)), 50)
	if !errors.Is(err, modelscan.ErrTooLarge) || sp.Size != 50 {
		t.Errorf("Spool over limit = %d, %v; want 50, ErrTooLarge", sp.Size, err)
	}
}

func TestParseSeverity(t *testing.T) {
	for _, s := range []string{"info", "low", "medium", "high", "critical"} {
		v, err := modelscan.ParseSeverity(s)
		if err != nil || v.String() != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, v, err)
		}
	}
	if _, err := modelscan.ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity(severe) succeeded")
	}
}
