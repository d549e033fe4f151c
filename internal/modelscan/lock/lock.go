// Package lock pins model files by SHA-256: Write records every file's
// digest and size in a lock file, Verify fails on any changed, missing or
// extra file. Hashing streams each file through a large buffer and hashes
// several files in parallel, so it runs at the machine's SHA-256 speed.
package lock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Version is the lock file format version written by Write.
const Version = 1

// Algorithm is the only digest algorithm used.
const Algorithm = "sha256"

// bufSize is the read buffer per worker; large reads keep the syscall cost
// far below the hashing cost.
const bufSize = 1 << 20

// maxLockBytes bounds the size of a lock file Read accepts.
const maxLockBytes = 64 << 20

// File is one pinned file.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the pinned root
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // lowercase hex
}

// Lock is the content of a lock file: files sorted by path.
type Lock struct {
	Version   int    `json:"version"`
	Algorithm string `json:"algorithm"`
	Files     []File `json:"files"`
}

// Hash computes the digest of every regular file under paths. A directory
// contributes its files with paths relative to it; a file contributes its
// base name. Symbolic links to files are followed (their content is pinned);
// links to directories are not descended; .git directories are skipped
// (as the scanner does). Two inputs yielding the same
// relative path is an error. Files in ignore (compared after filepath.Abs)
// are skipped, so a lock file written inside the pinned folder is not pinned.
func Hash(ctx context.Context, paths []string, ignore ...string) (*Lock, error) {
	skip, err := absSet(ignore)
	if err != nil {
		return nil, err
	}
	var jobs []job
	seen := map[string]string{}
	for _, p := range paths {
		found, err := collect(p, skip)
		if err != nil {
			return nil, err
		}
		for _, j := range found {
			if prev, dup := seen[j.rel]; dup {
				return nil, fmt.Errorf("lock: %q and %q both map to %q", prev, j.abs, j.rel)
			}
			seen[j.rel] = j.abs
			jobs = append(jobs, j)
		}
	}
	files, err := hashAll(ctx, jobs)
	if err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, k int) bool { return files[i].Path < files[k].Path })
	return &Lock{Version: Version, Algorithm: Algorithm, Files: files}, nil
}

// Write hashes paths (see Hash) and writes the lock file to w as indented
// JSON, files sorted by path.
func Write(ctx context.Context, paths []string, w io.Writer) error {
	l, err := Hash(ctx, paths)
	if err != nil {
		return err
	}
	return l.Encode(w)
}

// Encode writes l as indented JSON.
func (l *Lock) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(l); err != nil {
		return fmt.Errorf("lock: write: %w", err)
	}
	return nil
}

// Read parses and validates a lock file.
func Read(r io.Reader) (*Lock, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxLockBytes+1))
	if err != nil {
		return nil, fmt.Errorf("lock: read: %w", err)
	}
	if len(b) > maxLockBytes {
		return nil, errors.New("lock: file larger than 64 MiB")
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var l Lock
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("lock: parse: %w", err)
	}
	if l.Version != Version {
		return nil, fmt.Errorf("lock: unsupported version %d", l.Version)
	}
	if l.Algorithm != Algorithm {
		return nil, fmt.Errorf("lock: unsupported algorithm %q", l.Algorithm)
	}
	seen := make(map[string]bool, len(l.Files))
	for _, f := range l.Files {
		if !validRel(f.Path) {
			return nil, fmt.Errorf("lock: invalid path %q", f.Path)
		}
		if seen[f.Path] {
			return nil, fmt.Errorf("lock: duplicate path %q", f.Path)
		}
		seen[f.Path] = true
		if d, err := hex.DecodeString(f.SHA256); err != nil || len(d) != sha256.Size {
			return nil, fmt.Errorf("lock: invalid sha256 for %q", f.Path)
		}
		if f.Size < 0 {
			return nil, fmt.Errorf("lock: negative size for %q", f.Path)
		}
	}
	return &l, nil
}

// validRel reports whether p is a clean, relative, slash-separated path that
// stays inside its root.
func validRel(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.ContainsRune(p, 0) {
		return false
	}
	if path.Clean(p) != p {
		return false
	}
	return p != ".." && !strings.HasPrefix(p, "../")
}

// Mismatch is a file whose content differs from the lock.
type Mismatch struct {
	Path       string `json:"path"`
	WantSize   int64  `json:"want_size"`
	GotSize    int64  `json:"got_size"`
	WantSHA256 string `json:"want_sha256"`
	GotSHA256  string `json:"got_sha256"`
}

// Result lists every difference between a lock and the files on disk.
type Result struct {
	Changed []Mismatch `json:"changed,omitempty"`
	Missing []string   `json:"missing,omitempty"` // in the lock, not on disk
	Extra   []string   `json:"extra,omitempty"`   // on disk, not in the lock
}

// OK reports whether the files match the lock exactly.
func (r Result) OK() bool { return len(r.Changed) == 0 && len(r.Missing) == 0 && len(r.Extra) == 0 }

// ErrMismatch is returned (wrapped) by VerifyFile when files differ.
var ErrMismatch = errors.New("model files do not match the lock")

// Verify hashes the files under root (a directory, or a single file) and
// compares them with l. Files in ignore are skipped (see Hash). An error
// means the comparison could not be done; differences are in Result.
func Verify(ctx context.Context, l *Lock, root string, ignore ...string) (Result, error) {
	got, err := Hash(ctx, []string{root}, ignore...)
	if err != nil {
		return Result{}, err
	}
	return Compare(l, got), nil
}

// Compare returns the differences between want and got.
func Compare(want, got *Lock) Result {
	var r Result
	have := make(map[string]File, len(got.Files))
	for _, f := range got.Files {
		have[f.Path] = f
	}
	for _, w := range want.Files {
		g, ok := have[w.Path]
		if !ok {
			r.Missing = append(r.Missing, w.Path)
			continue
		}
		delete(have, w.Path)
		if g.Size != w.Size || !strings.EqualFold(g.SHA256, w.SHA256) {
			r.Changed = append(r.Changed, Mismatch{Path: w.Path, WantSize: w.Size, GotSize: g.Size, WantSHA256: w.SHA256, GotSHA256: g.SHA256})
		}
	}
	for p := range have {
		r.Extra = append(r.Extra, p)
	}
	sort.Strings(r.Missing)
	sort.Strings(r.Extra)
	sort.Slice(r.Changed, func(i, k int) bool { return r.Changed[i].Path < r.Changed[k].Path })
	return r
}

// VerifyFile reads the lock file at lockPath and verifies root against it.
// It returns nil only when every file matches; differences are reported as
// an error wrapping ErrMismatch that names the first few paths. The lock
// file itself is ignored when it lies under root. It is the helper the
// gateway calls before serving a model whose config requires a lock.
func VerifyFile(ctx context.Context, lockPath, root string) error {
	f, err := os.Open(lockPath)
	if err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	defer f.Close()
	l, err := Read(f)
	if err != nil {
		return err
	}
	res, err := Verify(ctx, l, root, lockPath)
	if err != nil {
		return err
	}
	if res.OK() {
		return nil
	}
	return fmt.Errorf("%s: %w", res.Summary(3), ErrMismatch)
}

// Summary names up to n differing paths per kind, for error messages.
func (r Result) Summary(n int) string {
	var parts []string
	add := func(kind string, paths []string) {
		if len(paths) == 0 {
			return
		}
		show := paths
		if len(show) > n {
			show = show[:n]
		}
		s := kind + " " + strings.Join(show, ", ")
		if len(paths) > n {
			s += fmt.Sprintf(" (+%d more)", len(paths)-n)
		}
		parts = append(parts, s)
	}
	changed := make([]string, len(r.Changed))
	for i, c := range r.Changed {
		changed[i] = c.Path
	}
	add("changed", changed)
	add("missing", r.Missing)
	add("extra", r.Extra)
	return strings.Join(parts, "; ")
}

type job struct {
	abs string // path to open
	rel string // path recorded in the lock
}

func absSet(paths []string) (map[string]bool, error) {
	m := make(map[string]bool, len(paths))
	for _, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("lock: %w", err)
		}
		m[a] = true
	}
	return m, nil
}

// collect lists the regular files under p (see Hash for the rules).
func collect(p string, skip map[string]bool) ([]job, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if !st.IsDir() {
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("lock: %s is not a regular file", p)
		}
		if a, _ := filepath.Abs(p); skip[a] {
			return nil, nil
		}
		return []job{{abs: p, rel: filepath.Base(p)}}, nil
	}
	var out []job
	// WalkDir does not follow a root that is itself a symbolic link (it
	// would report the link and nothing under it, pinning zero files, and a
	// lock of zero files verifies anything). A trailing separator makes the
	// walk enter the linked folder while paths stay under p.
	walkRoot := p
	if lst, err := os.Lstat(p); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
		walkRoot = p + string(filepath.Separator)
	}
	err = filepath.WalkDir(walkRoot, func(fp string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" && fp != walkRoot {
				return filepath.SkipDir // version-control objects are not model content (as in scan)
			}
			return nil
		}
		if a, _ := filepath.Abs(fp); skip[a] {
			return nil
		}
		mode := d.Type()
		if mode&fs.ModeSymlink != 0 {
			st, err := os.Stat(fp)
			if err != nil {
				return fmt.Errorf("dangling link: %w", err)
			}
			if st.IsDir() {
				return nil // not descended: a link could loop or leave the tree
			}
			mode = st.Mode().Type()
		}
		if !mode.IsRegular() {
			return nil // devices, sockets, pipes: not model content
		}
		rel, err := filepath.Rel(p, fp)
		if err != nil {
			return err
		}
		out = append(out, job{abs: fp, rel: filepath.ToSlash(rel)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("lock: walk %s: %w", p, err)
	}
	return out, nil
}

// hashAll hashes jobs on up to GOMAXPROCS workers; each worker pulls the
// next file, so one huge file does not hold up the others.
func hashAll(ctx context.Context, jobs []job) ([]File, error) {
	files := make([]File, len(jobs))
	workers := runtime.GOMAXPROCS(0)
	if workers > len(jobs) {
		workers = len(jobs)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, bufSize)
			for i := range next {
				sum, size, err := HashFile(ctx, jobs[i].abs, buf)
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					continue
				}
				files[i] = File{Path: jobs[i].rel, Size: size, SHA256: sum}
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	return files, nil
}

// HashFile streams the file at p through SHA-256 using buf (allocated when
// nil) and returns the hex digest and the byte count. It checks ctx between
// reads so a huge file can be abandoned.
func HashFile(ctx context.Context, p string, buf []byte) (sum string, size int64, err error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, fmt.Errorf("lock: %w", err)
	}
	defer f.Close()
	if buf == nil {
		buf = make([]byte, bufSize)
	}
	h := sha256.New()
	for {
		n, rerr := f.Read(buf)
		if n > 0 {
			h.Write(buf[:n])
			size += int64(n)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return "", 0, fmt.Errorf("lock: read %s: %w", p, rerr)
		}
		if err := ctx.Err(); err != nil {
			return "", 0, fmt.Errorf("lock: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}
