package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/bulwark-ai/bulwark/internal/store"
)

// ErrErased is returned for a payload that was crypto-shredded.
var ErrErased = errors.New("audit: payload erased")

// PlainPayload is a decrypted payload, or why it cannot be read.
type PlainPayload struct {
	Part string `json:"part"`
	Data []byte `json:"data,omitempty"`
	// Unavailable is set when the payload cannot be read: "erased", "key
	// erased", "tampered".
	Unavailable string `json:"unavailable,omitempty"`
}

// Payloads decrypts the payloads of the entry at index with the log's keys.
func (l *Log) Payloads(ctx context.Context, index uint64) ([]PlainPayload, error) {
	if l.keys == nil {
		return nil, errors.New("audit: payload capture is off")
	}
	return decryptPayloads(ctx, l.st, l.keys, index)
}

// DecryptPayloads decrypts the payloads of the entry at index with data keys
// unwrapped by master (offline use, e.g. export).
func DecryptPayloads(ctx context.Context, st store.Store, master []byte, index uint64) ([]PlainPayload, error) {
	k, err := newKeyring(master, st, false)
	if err != nil {
		return nil, err
	}
	return decryptPayloads(ctx, st, k, index)
}

func decryptPayloads(ctx context.Context, st store.Store, k *keyring, index uint64) ([]PlainPayload, error) {
	e, err := st.Entry(ctx, index)
	if err != nil {
		return nil, err
	}
	leaf, err := DecodeLeaf(e.Leaf)
	if err != nil {
		return nil, err
	}
	rows, err := st.Payloads(ctx, index)
	if err != nil {
		return nil, err
	}
	byPart := map[string]store.Payload{}
	for _, r := range rows {
		byPart[r.Part] = r
	}
	var out []PlainPayload
	for _, ref := range leaf.Payloads {
		pp := PlainPayload{Part: ref.Part}
		r, ok := byPart[ref.Part]
		switch {
		case !ok || r.Erased || r.Ciphertext == nil:
			pp.Unavailable = "erased"
		case sumHex(r.Ciphertext) != ref.SHA256:
			pp.Unavailable = "tampered"
		default:
			a, err := k.key(ctx, ref.KeyID)
			if errors.Is(err, ErrNoKey) {
				pp.Unavailable = "key erased"
				break
			}
			if err != nil {
				return nil, err
			}
			plain, err := open(a, r.Ciphertext, payloadAD(leaf.ID, ref.Part))
			if err != nil {
				pp.Unavailable = "tampered"
				break
			}
			pp.Data = plain
		}
		out = append(out, pp)
	}
	return out, nil
}

func sumHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Erase crypto-shreds the payloads of a tenant, or of one end user (within
// a tenant when tenant is set): their data keys are deleted and their
// ciphertexts removed, while the leaves (and so the tree and every proof)
// stay verifiable. The erasure itself is recorded as an event by actor.
func (l *Log) Erase(ctx context.Context, tenant, endUser, actor string) (store.Erased, error) {
	if tenant == "" && endUser == "" {
		return store.Erased{}, errors.New("audit: erase needs a tenant or an end user")
	}
	n, err := l.st.Erase(ctx, store.Erasure{Tenant: tenant, EndUser: endUser})
	if l.keys != nil {
		l.keys.forget(tenant, endUser)
	}
	if err != nil {
		return n, err
	}
	ev := &Event{Kind: KindErasure, Actor: actor, Action: "audit.erase", Tenant: tenant, EndUser: endUser,
		Details: map[string]string{"keys": fmt.Sprint(n.Keys), "payloads": fmt.Sprint(n.Payloads)}}
	if tenant != "" {
		ev.Target = "tenant:" + tenant
	} else {
		ev.Target = "end_user"
	}
	if err := l.Record(ctx, ev); err != nil {
		return n, fmt.Errorf("audit: erasure done but not recorded: %w", err)
	}
	return n, nil
}
