// Package modelsign signs and verifies models in the OpenSSF model-signing
// format (sigstore/model-transparency v1.0): a Sigstore bundle (v0.3 JSON)
// holding a DSSE envelope whose payload is an in-toto statement. The
// statement's predicate lists every file of the model with its SHA-256; its
// single subject is the model name with the SHA-256 over the concatenated
// file digests in name order.
//
// Verification is offline: with a public key no transparency log or
// timestamp is required (the bundle carries none); with a certificate
// identity the operator supplies the trusted root (Fulcio CAs, Rekor and CT
// log keys) as a file, and the bundle's own log entry and SCT are checked
// against it. Bundle parsing and signature verification are sigstore-go's;
// the statement and file comparison are ours.
package modelsign

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan/lock"
)

// Format constants of model-signing v1.0.
const (
	PayloadType   = "application/vnd.in-toto+json"
	StatementType = "https://in-toto.io/Statement/v1"
	PredicateType = "https://model_signing/signature/v1.0"
	// PredicateTypeCompat is model_signing v0.2's predicate, whose subjects
	// are the files themselves (no root digest, no ignore list).
	PredicateTypeCompat = "https://model_signing/Digests/v0.1"
)

// DefaultIgnore are the paths model-signing leaves out of a model by
// default (version-control metadata).
var DefaultIgnore = []string{".git", ".gitattributes", ".github", ".gitignore"}

// Resource is one file of the model.
type Resource struct {
	Name      string `json:"name"`
	Algorithm string `json:"algorithm"`
	Digest    string `json:"digest"`
}

// Serialization records how the model was turned into resources.
type Serialization struct {
	Method        string   `json:"method"`
	HashType      string   `json:"hash_type"`
	AllowSymlinks bool     `json:"allow_symlinks"`
	IgnorePaths   []string `json:"ignore_paths"`
}

// Predicate is the model-signing predicate.
type Predicate struct {
	Serialization Serialization `json:"serialization"`
	Resources     []Resource    `json:"resources"`
}

// Subject is an in-toto resource descriptor.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Statement is the in-toto statement signed in the envelope.
type Statement struct {
	Type          string    `json:"_type"`
	Subject       []Subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
	Predicate     Predicate `json:"predicate"`
}

// NewStatement builds the statement for a model's files (as hashed by
// lock.Hash, already filtered).
func NewStatement(modelName string, files []lock.File, ignore []string) (*Statement, error) {
	fs := append([]lock.File(nil), files...)
	sort.Slice(fs, func(i, k int) bool { return fs[i].Path < fs[k].Path })
	res := make([]Resource, len(fs))
	for i, f := range fs {
		res[i] = Resource{Name: f.Path, Algorithm: "sha256", Digest: f.SHA256}
	}
	root, err := rootDigest(res)
	if err != nil {
		return nil, err
	}
	if ignore == nil {
		ignore = []string{}
	}
	return &Statement{
		Type:          StatementType,
		Subject:       []Subject{{Name: modelName, Digest: map[string]string{"sha256": root}}},
		PredicateType: PredicateType,
		Predicate: Predicate{
			Serialization: Serialization{Method: "files", HashType: "sha256", AllowSymlinks: false, IgnorePaths: ignore},
			Resources:     res,
		},
	}, nil
}

// rootDigest is SHA-256 over the raw resource digests in order.
func rootDigest(res []Resource) (string, error) {
	h := sha256.New()
	for _, r := range res {
		d, err := hex.DecodeString(r.Digest)
		if err != nil || len(d) != sha256.Size {
			return "", fmt.Errorf("modelsign: resource %q has an invalid sha256 digest", r.Name)
		}
		h.Write(d)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ErrStatement is wrapped when a signed payload is not a valid
// model-signing statement.
var ErrStatement = errors.New("invalid model-signing statement")

// ParseStatement parses and checks a signed payload: statement and
// predicate types, one subject whose digest matches the resources, sha256
// resources with clean relative names and no duplicates.
func ParseStatement(payload []byte) (*Statement, error) {
	var st Statement
	if err := json.Unmarshal(payload, &st); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStatement, err)
	}
	if st.Type != StatementType {
		return nil, fmt.Errorf("%w: statement type %q", ErrStatement, st.Type)
	}
	if st.PredicateType == PredicateTypeCompat {
		return compatStatement(&st)
	}
	if st.PredicateType != PredicateType {
		return nil, fmt.Errorf("%w: predicate type %q (only %s is supported)", ErrStatement, st.PredicateType, PredicateType)
	}
	if len(st.Subject) != 1 {
		return nil, fmt.Errorf("%w: %d subjects, want 1", ErrStatement, len(st.Subject))
	}
	s := st.Predicate.Serialization
	if s.Method != "files" || s.HashType != "sha256" {
		return nil, fmt.Errorf("%w: serialization %q/%q is not supported (files/sha256 only)", ErrStatement, s.Method, s.HashType)
	}
	seen := map[string]bool{}
	for _, r := range st.Predicate.Resources {
		if r.Algorithm != "sha256" {
			return nil, fmt.Errorf("%w: resource %q uses %q", ErrStatement, r.Name, r.Algorithm)
		}
		if !cleanRel(r.Name) || seen[r.Name] {
			return nil, fmt.Errorf("%w: bad or duplicate resource name %q", ErrStatement, r.Name)
		}
		seen[r.Name] = true
	}
	root, err := rootDigest(st.Predicate.Resources)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStatement, err)
	}
	if !strings.EqualFold(st.Subject[0].Digest["sha256"], root) {
		return nil, fmt.Errorf("%w: subject digest does not match the resources", ErrStatement)
	}
	return &st, nil
}

func cleanRel(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && p != ".." && !strings.HasPrefix(p, "../") && !strings.ContainsRune(p, 0)
}

// ignored reports whether rel (slash-separated) is one of ignore or lies
// under one of them.
func ignored(rel string, ignore []string) bool {
	for _, ig := range ignore {
		ig = strings.TrimSuffix(ig, "/")
		if ig != "" && (rel == ig || strings.HasPrefix(rel, ig+"/")) {
			return true
		}
	}
	return false
}

// filter drops ignored files.
func filter(files []lock.File, ignore []string) []lock.File {
	out := files[:0:0]
	for _, f := range files {
		if !ignored(f.Path, ignore) {
			out = append(out, f)
		}
	}
	return out
}

// compatStatement converts a v0.2 statement (one subject per file) into
// the v1.0 shape, with the default ignore list.
func compatStatement(st *Statement) (*Statement, error) {
	if len(st.Subject) == 0 {
		return nil, fmt.Errorf("%w: no subjects", ErrStatement)
	}
	res := make([]Resource, 0, len(st.Subject))
	seen := map[string]bool{}
	for _, s := range st.Subject {
		d := s.Digest["sha256"]
		if !cleanRel(s.Name) || seen[s.Name] {
			return nil, fmt.Errorf("%w: bad or duplicate subject name %q", ErrStatement, s.Name)
		}
		if b, err := hex.DecodeString(d); err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("%w: subject %q has an invalid sha256 digest", ErrStatement, s.Name)
		}
		seen[s.Name] = true
		res = append(res, Resource{Name: s.Name, Algorithm: "sha256", Digest: d})
	}
	sort.Slice(res, func(i, k int) bool { return res[i].Name < res[k].Name })
	root, _ := rootDigest(res)
	return &Statement{
		Type:          st.Type,
		Subject:       []Subject{{Name: "compat-undefined-not-present", Digest: map[string]string{"sha256": root}}},
		PredicateType: PredicateTypeCompat,
		Predicate: Predicate{
			Serialization: Serialization{Method: "files", HashType: "sha256", IgnorePaths: append([]string(nil), DefaultIgnore...)},
			Resources:     res,
		},
	}, nil
}
