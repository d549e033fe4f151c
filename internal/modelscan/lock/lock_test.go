package lock

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestWriteReadRoundTrip(t *testing.T) {
	dir := writeTree(t, map[string]string{"config.json": "{}", "weights/model.safetensors": "abc", "README.md": "", ".git/HEAD": "ref"})
	var buf bytes.Buffer
	if err := Write(context.Background(), []string{dir}, &buf); err != nil {
		t.Fatalf("Write: %v", err)
	}
	l, err := Read(&buf)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	want := []File{
		{Path: "README.md", Size: 0, SHA256: sum("")},
		{Path: "config.json", Size: 2, SHA256: sum("{}")},
		{Path: "weights/model.safetensors", Size: 3, SHA256: sum("abc")},
	}
	if diff := cmp.Diff(want, l.Files); diff != "" {
		t.Errorf("Files mismatch (-want +got):\n%s", diff)
	}
}

func TestVerify(t *testing.T) {
	base := map[string]string{"a.bin": "aaaa", "sub/b.bin": "bbbb", "c.json": "{}"}
	tests := []struct {
		name   string
		mutate func(t *testing.T, dir string)
		want   Result
	}{
		{name: "unchanged", mutate: func(*testing.T, string) {}},
		{name: "changed", mutate: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "a.bin"), []byte("aaab"), 0o644)
		}, want: Result{Changed: []Mismatch{{Path: "a.bin", WantSize: 4, GotSize: 4, WantSHA256: sum("aaaa"), GotSHA256: sum("aaab")}}}},
		{name: "missing", mutate: func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "sub", "b.bin"))
		}, want: Result{Missing: []string{"sub/b.bin"}}},
		{name: "extra", mutate: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "sub", "evil.pkl"), []byte("x"), 0o644)
		}, want: Result{Extra: []string{"sub/evil.pkl"}}},
		{name: "truncated", mutate: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "c.json"), nil, 0o644)
		}, want: Result{Changed: []Mismatch{{Path: "c.json", WantSize: 2, GotSize: 0, WantSHA256: sum("{}"), GotSHA256: sum("")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, base)
			l, err := Hash(context.Background(), []string{dir})
			if err != nil {
				t.Fatal(err)
			}
			tt.mutate(t, dir)
			got, err := Verify(context.Background(), l, dir)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Verify(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
			if got.OK() != (tt.name == "unchanged") {
				t.Errorf("OK() = %v; want %v", got.OK(), tt.name == "unchanged")
			}
		})
	}
}

func TestVerifyFileIgnoresItself(t *testing.T) {
	dir := writeTree(t, map[string]string{"m.gguf": "GGUF"})
	lockPath := filepath.Join(dir, "models.lock")
	l, err := Hash(context.Background(), []string{dir}, lockPath)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Create(lockPath)
	if err := l.Encode(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := VerifyFile(context.Background(), lockPath, dir); err != nil {
		t.Errorf("VerifyFile = %v; want nil", err)
	}
	os.WriteFile(filepath.Join(dir, "m.gguf"), []byte("GGUX"), 0o644)
	if err := VerifyFile(context.Background(), lockPath, dir); !errors.Is(err, ErrMismatch) {
		t.Errorf("VerifyFile after tamper = %v; want ErrMismatch", err)
	}
}

func TestSingleFileAndDuplicates(t *testing.T) {
	dir := writeTree(t, map[string]string{"x/m.bin": "1", "y/m.bin": "2"})
	l, err := Hash(context.Background(), []string{filepath.Join(dir, "x", "m.bin")})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Files) != 1 || l.Files[0].Path != "m.bin" {
		t.Errorf("Hash(file) = %+v; want one entry m.bin", l.Files)
	}
	_, err = Hash(context.Background(), []string{filepath.Join(dir, "x", "m.bin"), filepath.Join(dir, "y", "m.bin")})
	if err == nil {
		t.Errorf("Hash(two files with one base name) = nil error; want error")
	}
}

func TestReadRejects(t *testing.T) {
	good := sum("")
	tests := []string{
		``,
		`{"version":2,"algorithm":"sha256","files":[]}`,
		`{"version":1,"algorithm":"md5","files":[]}`,
		`{"version":1,"algorithm":"sha256","files":[{"path":"../x","size":0,"sha256":"` + good + `"}]}`,
		`{"version":1,"algorithm":"sha256","files":[{"path":"/etc/passwd","size":0,"sha256":"` + good + `"}]}`,
		`{"version":1,"algorithm":"sha256","files":[{"path":"a/./b","size":0,"sha256":"` + good + `"}]}`,
		`{"version":1,"algorithm":"sha256","files":[{"path":"a","size":0,"sha256":"zz"}]}`,
		`{"version":1,"algorithm":"sha256","files":[{"path":"a","size":-1,"sha256":"` + good + `"}]}`,
		`{"version":1,"algorithm":"sha256","files":[{"path":"a","size":0,"sha256":"` + good + `"},{"path":"a","size":0,"sha256":"` + good + `"}]}`,
		`{"version":1,"algorithm":"sha256","files":[],"extra":1}`,
	}
	for _, in := range tests {
		if _, err := Read(strings.NewReader(in)); err == nil {
			t.Errorf("Read(%q) = nil error; want error", in)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(`{"version":1,"algorithm":"sha256","files":[{"path":"a","size":1,"sha256":"` + sum("a") + `"}]}`)
	f.Add(`{"version":1,"algorithm":"sha256","files":[{"path":"../a","size":1,"sha256":"00"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		l, err := Read(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, file := range l.Files {
			if !validRel(file.Path) {
				t.Fatalf("Read accepted path %q", file.Path)
			}
		}
	})
}

// A model folder reached through a symbolic link (/models/current ->
// llama-3.1-8b, a common deployment layout) must pin the folder's files: a
// lock of zero files would verify any content placed there.
func TestHashSymlinkedRoot(t *testing.T) {
	dir := writeTree(t, map[string]string{"config.json": "{}", "model.safetensors": "abc"})
	link := filepath.Join(t.TempDir(), "current")
	if err := os.Symlink(dir, link); err != nil {
		t.Skipf("symlink: %v", err)
	}
	l, err := Hash(context.Background(), []string{link})
	if err != nil {
		t.Fatalf("Hash(%q): %v", link, err)
	}
	want := []File{
		{Path: "config.json", Size: 2, SHA256: sum("{}")},
		{Path: "model.safetensors", Size: 3, SHA256: sum("abc")},
	}
	if diff := cmp.Diff(want, l.Files); diff != "" {
		t.Errorf("Hash(%q) files mismatch (-want +got):\n%s", link, diff)
	}
	// An empty lock must not verify a folder full of files.
	res, err := Verify(context.Background(), &Lock{Version: Version, Algorithm: Algorithm}, link)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if res.OK() {
		t.Errorf("Verify(empty lock, %q).OK() = true; want false (extra files)", link)
	}
}
