package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
)

// Entry is one configured key: its principal and the SHA-256 it is stored as.
type Entry struct {
	Principal Principal
	// Limits is an opaque per-key limit value the caller attaches (the
	// gateway stores its rate limits here).
	Limits any
	sum    [sha256.Size]byte
}

// Keyring maps gateway keys (by SHA-256) to principals. It is immutable
// after NewKeyring and safe for concurrent use.
type Keyring struct {
	byHash map[[sha256.Size]byte]*Entry
}

// KeySpec describes one key for NewKeyring.
type KeySpec struct {
	SHA256Hex string
	Principal Principal
	Limits    any
}

// NewKeyring builds a keyring. Hashes are lowercase or uppercase hex.
func NewKeyring(specs []KeySpec) (*Keyring, error) {
	k := &Keyring{byHash: make(map[[sha256.Size]byte]*Entry, len(specs))}
	for _, s := range specs {
		b, err := hex.DecodeString(s.SHA256Hex)
		if err != nil || len(b) != sha256.Size {
			return nil, errors.New("auth: key " + s.Principal.KeyID + ": key_sha256 is not a SHA-256 hex digest")
		}
		e := &Entry{Principal: s.Principal, Limits: s.Limits}
		copy(e.sum[:], b)
		if e.Principal.Tenant == "" {
			e.Principal.Tenant = e.Principal.App
		}
		k.byHash[e.sum] = e
	}
	return k, nil
}

// Errors from Authenticate. Their text is safe to show to clients.
var (
	ErrMissingKey = errors.New("missing API key: send Authorization: Bearer <key> or x-api-key")
	ErrInvalidKey = errors.New("invalid API key")
)

// KeyFromRequest extracts the presented key from Authorization: Bearer or
// x-api-key (the Anthropic SDK's header).
func KeyFromRequest(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
			return strings.TrimSpace(h[7:])
		}
	}
	return strings.TrimSpace(r.Header.Get("x-api-key"))
}

// Authenticate returns the entry for the key presented in r. The key is
// hashed and the hash looked up; the final comparison is constant-time. A
// map lookup on the hash leaks nothing useful: finding a key from its hash
// prefix is a preimage attack on SHA-256.
func (k *Keyring) Authenticate(r *http.Request) (*Entry, error) {
	key := KeyFromRequest(r)
	if key == "" {
		return nil, ErrMissingKey
	}
	sum := sha256.Sum256([]byte(key))
	e, ok := k.byHash[sum]
	if !ok || subtle.ConstantTimeCompare(e.sum[:], sum[:]) != 1 {
		return nil, ErrInvalidKey
	}
	return e, nil
}

// AllowsModel reports whether the principal may use model (its canonical
// name); an empty Models list allows every model.
func (p Principal) AllowsModel(model string) bool {
	if len(p.Models) == 0 {
		return true
	}
	for _, m := range p.Models {
		if m == model {
			return true
		}
	}
	return false
}
