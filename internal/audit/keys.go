package audit

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-ai/bulwark/internal/store"
)

// MasterKeySize is the size of the master key and of data keys (AES-256).
const MasterKeySize = 32

// ErrNoKey is returned when a payload's data key is gone (erased) or the
// master key is not available.
var ErrNoKey = errors.New("audit: data key not available")

// ParseMasterKey decodes a 32-byte master key written as base64 (standard or
// URL alphabet, padded or not) or 64 hex digits; surrounding whitespace is
// ignored. A file holding exactly 32 raw bytes is accepted by
// LoadMasterKey.
func ParseMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*MasterKeySize {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == MasterKeySize {
			return b, nil
		}
	}
	return nil, errors.New("audit: master key must be 32 bytes as base64 or 64 hex digits")
}

// LoadMasterKey reads the master key from file (if set) or from the
// environment variable env (if set), via getenv. It never reads the store.
func LoadMasterKey(file, env string, getenv func(string) string) ([]byte, error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("audit: master key file: %w", err)
		}
		if len(b) == MasterKeySize {
			return b, nil
		}
		return ParseMasterKey(string(b))
	case env != "":
		v := ""
		if getenv != nil {
			v = getenv(env)
		}
		if v == "" {
			return nil, fmt.Errorf("audit: master key environment variable %s is empty", env)
		}
		return ParseMasterKey(v)
	}
	return nil, errors.New("audit: no master key configured")
}

// keyring seals payloads with per-tenant (or per end-user) data keys that
// are stored wrapped by the master key. Unwrapped keys are cached in memory.
type keyring struct {
	master  cipher.AEAD
	st      store.Store
	perUser bool

	mu     sync.Mutex
	byID   map[string]cipher.AEAD
	active map[owner]string // owner -> key id
}

type owner struct{ tenant, endUser string }

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != MasterKeySize {
		return nil, fmt.Errorf("audit: key is %d bytes, want %d", len(key), MasterKeySize)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func newKeyring(master []byte, st store.Store, perUser bool) (*keyring, error) {
	m, err := newAEAD(master)
	if err != nil {
		return nil, err
	}
	return &keyring{master: m, st: st, perUser: perUser, byID: map[string]cipher.AEAD{}, active: map[owner]string{}}, nil
}

func wrapAD(id, tenant, endUser string) []byte {
	return []byte("bulwark-audit-data-key\x00" + id + "\x00" + tenant + "\x00" + endUser)
}

func payloadAD(eventID, part string) []byte {
	return []byte("bulwark-audit-payload\x00" + eventID + "\x00" + part)
}

func seal(a cipher.AEAD, plain, ad []byte) []byte {
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(plain)+a.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return a.Seal(nonce, nonce, plain, ad)
}

func open(a cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	if len(sealed) < a.NonceSize()+a.Overhead() {
		return nil, errors.New("audit: ciphertext too short")
	}
	return a.Open(nil, sealed[:a.NonceSize()], sealed[a.NonceSize():], ad)
}

func randomID(prefix string) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + hex.EncodeToString(b)
}

// dataKey returns the active key for the tenant (and end user when per-user
// keys are on), creating and storing one on first use.
func (k *keyring) dataKey(ctx context.Context, tenant, endUser string) (string, cipher.AEAD, error) {
	if !k.perUser {
		endUser = ""
	}
	o := owner{tenant, endUser}
	k.mu.Lock()
	defer k.mu.Unlock()
	if id, ok := k.active[o]; ok {
		return id, k.byID[id], nil
	}
	dk, err := k.st.ActiveKey(ctx, tenant, endUser)
	switch {
	case err == nil:
		a, err := k.unwrapLocked(dk)
		if err != nil {
			return "", nil, err
		}
		k.active[o] = dk.ID
		return dk.ID, a, nil
	case !errors.Is(err, store.ErrNotFound):
		return "", nil, err
	}
	raw := make([]byte, MasterKeySize)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	id := randomID("dk_")
	dk = store.DataKey{ID: id, Tenant: tenant, EndUser: endUser, Created: time.Now().UTC(),
		Wrapped: seal(k.master, raw, wrapAD(id, tenant, endUser))}
	if err := k.st.PutKey(ctx, dk); err != nil {
		return "", nil, err
	}
	a, err := newAEAD(raw)
	if err != nil {
		return "", nil, err
	}
	k.byID[id] = a
	k.active[o] = id
	return id, a, nil
}

func (k *keyring) unwrapLocked(dk store.DataKey) (cipher.AEAD, error) {
	if a, ok := k.byID[dk.ID]; ok {
		return a, nil
	}
	raw, err := open(k.master, dk.Wrapped, wrapAD(dk.ID, dk.Tenant, dk.EndUser))
	if err != nil {
		return nil, fmt.Errorf("audit: unwrap data key %s (wrong master key?): %w", dk.ID, err)
	}
	a, err := newAEAD(raw)
	if err != nil {
		return nil, err
	}
	k.byID[dk.ID] = a
	return a, nil
}

// key returns the data key with id, ErrNoKey when it was erased.
func (k *keyring) key(ctx context.Context, id string) (cipher.AEAD, error) {
	k.mu.Lock()
	if a, ok := k.byID[id]; ok {
		k.mu.Unlock()
		return a, nil
	}
	k.mu.Unlock()
	dk, err := k.st.Key(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoKey
	}
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.unwrapLocked(dk)
}

// forget drops cached keys of the tenant (and end user, if set) so they
// cannot be used after an erasure.
func (k *keyring) forget(tenant, endUser string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for o, id := range k.active {
		if (tenant == "" || o.tenant == tenant) && (endUser == "" || o.endUser == endUser) {
			delete(k.active, o)
			delete(k.byID, id)
		}
	}
	// Keys loaded only for reading are dropped wholesale: cheap to reload.
	for id := range k.byID {
		if !k.isActiveLocked(id) {
			delete(k.byID, id)
		}
	}
}

func (k *keyring) isActiveLocked(id string) bool {
	for _, a := range k.active {
		if a == id {
			return true
		}
	}
	return false
}
