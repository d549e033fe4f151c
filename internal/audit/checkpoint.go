package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// ErrBadCheckpoint is returned (wrapped) for a checkpoint that does not
// parse, has the wrong origin, or whose signature does not verify.
var ErrBadCheckpoint = errors.New("audit: bad checkpoint")

// Checkpoint is a parsed checkpoint body (C2SP tlog-checkpoint): the origin
// line, the tree size and the root hash.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   []byte
}

// Body returns the checkpoint's note text: "<origin>\n<size>\n<base64 root>\n".
func (c Checkpoint) Body() string {
	return c.Origin + "\n" + strconv.FormatUint(c.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(c.Root) + "\n"
}

// ParseCheckpoint parses a checkpoint body. Extension lines after the root
// are allowed and ignored, as the C2SP format permits.
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return Checkpoint{}, fmt.Errorf("%w: want origin, size and root lines", ErrBadCheckpoint)
	}
	origin, sizeS, rootS := lines[0], lines[1], lines[2]
	if origin == "" {
		return Checkpoint{}, fmt.Errorf("%w: empty origin", ErrBadCheckpoint)
	}
	size, err := strconv.ParseUint(sizeS, 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != sizeS {
		return Checkpoint{}, fmt.Errorf("%w: bad size %q", ErrBadCheckpoint, sizeS)
	}
	root, err := base64.StdEncoding.DecodeString(rootS)
	if err != nil || len(root) != 32 {
		return Checkpoint{}, fmt.Errorf("%w: bad root hash", ErrBadCheckpoint)
	}
	return Checkpoint{Origin: origin, Size: size, Root: root}, nil
}

// SignCheckpoint returns c as a signed note.
func SignCheckpoint(c Checkpoint, s note.Signer) ([]byte, error) {
	b, err := note.Sign(&note.Note{Text: c.Body()}, s)
	if err != nil {
		return nil, fmt.Errorf("audit: sign checkpoint: %w", err)
	}
	return b, nil
}

// VerifyCheckpoint checks the signed note msg against v and parses its body.
// If origin is not empty the checkpoint's origin must equal it. It is a pure
// function over bytes, safe on untrusted input.
func VerifyCheckpoint(msg []byte, v note.Verifier, origin string) (Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%w: signature: %v", ErrBadCheckpoint, err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if origin != "" && c.Origin != origin {
		return Checkpoint{}, fmt.Errorf("%w: origin %q, want %q", ErrBadCheckpoint, c.Origin, origin)
	}
	return c, nil
}

// LoadOrCreateSigner loads the note signer key from keyPath, creating an
// ed25519 key named name on first use (file mode 0600). It (re)writes the
// matching verifier key to pubPath when that file is missing. It returns the
// signer and the verifier key string.
func LoadOrCreateSigner(keyPath, pubPath, name string) (note.Signer, string, error) {
	skey, err := os.ReadFile(keyPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		s, _, err := note.GenerateKey(rand.Reader, name)
		if err != nil {
			return nil, "", fmt.Errorf("audit: generate signing key: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(keyPath), 0o700); err != nil {
			return nil, "", fmt.Errorf("audit: signing key: %w", err)
		}
		f, err := os.OpenFile(keyPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, "", fmt.Errorf("audit: signing key: %w", err)
		}
		_, werr := f.WriteString(s + "\n")
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			return nil, "", fmt.Errorf("audit: signing key: %w", err)
		}
		skey = []byte(s)
	case err != nil:
		return nil, "", fmt.Errorf("audit: signing key: %w", err)
	}
	skeyS := strings.TrimSpace(string(skey))
	signer, err := note.NewSigner(skeyS)
	if err != nil {
		return nil, "", fmt.Errorf("audit: signing key %s: %w", keyPath, err)
	}
	vkey, err := verifierKey(skeyS)
	if err != nil {
		return nil, "", err
	}
	if pubPath != "" {
		cur, err := os.ReadFile(pubPath)
		switch {
		case errors.Is(err, os.ErrNotExist):
			if err := os.WriteFile(pubPath, []byte(vkey+"\n"), 0o644); err != nil {
				return nil, "", fmt.Errorf("audit: public key: %w", err)
			}
		case err != nil:
			return nil, "", fmt.Errorf("audit: public key: %w", err)
		case strings.TrimSpace(string(cur)) != vkey:
			return nil, "", fmt.Errorf("audit: public key %s does not match signing key %s", pubPath, keyPath)
		}
	}
	return signer, vkey, nil
}

// verifierKey derives the note verifier key from a note signer key
// ("PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>").
func verifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return "", errors.New("audit: malformed signing key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", errors.New("audit: malformed signing key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}

// LoadVerifier reads a note verifier key file (as written next to the
// signing key, e.g. data/audit.pub).
func LoadVerifier(path string) (note.Verifier, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit: public key: %w", err)
	}
	v, err := note.NewVerifier(string(bytes.TrimSpace(b)))
	if err != nil {
		return nil, fmt.Errorf("audit: public key %s: %w", path, err)
	}
	return v, nil
}
