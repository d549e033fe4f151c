package modelsign

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/bulwark-ai/bulwark/internal/modelscan/lock"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
)

// SignOptions configures Sign.
type SignOptions struct {
	// ModelName is the statement subject's name (default: the base name of
	// the model path).
	ModelName string
	// Ignore lists paths relative to the model folder to leave out (in
	// addition to DefaultIgnore); they are recorded in the statement.
	Ignore []string
	// SkipFiles are files (any path, compared after filepath.Abs) that are
	// not part of the model, e.g. the signature being written.
	SkipFiles []string
}

// Sign hashes every file of the model at modelPath (a folder or a single
// file), builds the model-signing statement and returns a Sigstore bundle
// (JSON) signed with key. No network is used.
func Sign(ctx context.Context, modelPath string, key crypto.Signer, opts SignOptions) ([]byte, error) {
	kp, err := newKeypair(key)
	if err != nil {
		return nil, err
	}
	ignore := append(append([]string{}, DefaultIgnore...), opts.Ignore...)
	l, err := lock.Hash(ctx, []string{modelPath}, opts.SkipFiles...)
	if err != nil {
		return nil, err
	}
	name := opts.ModelName
	if name == "" {
		abs, err := filepath.Abs(modelPath)
		if err != nil {
			return nil, fmt.Errorf("modelsign: %w", err)
		}
		name = filepath.Base(abs)
	}
	st, err := NewStatement(name, filter(l.Files, ignore), ignore)
	if err != nil {
		return nil, err
	}
	payload, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("modelsign: %w", err)
	}
	sig, _, err := kp.SignData(ctx, pae(PayloadType, payload))
	if err != nil {
		return nil, err
	}
	pb := &protobundle.Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_PublicKey{PublicKey: &protocommon.PublicKeyIdentifier{Hint: kp.hint}},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload: payload, PayloadType: PayloadType, Signatures: []*protodsse.Signature{{Sig: sig}},
		}},
	}
	b, err := bundle.NewBundle(pb)
	if err != nil {
		return nil, fmt.Errorf("modelsign: bundle: %w", err)
	}
	out, err := b.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("modelsign: bundle: %w", err)
	}
	return out, nil
}

// BundleMediaType is the Sigstore bundle version written by Sign.
const BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// pae is DSSE's pre-authentication encoding, the bytes actually signed.
func pae(payloadType string, payload []byte) []byte {
	return fmt.Appendf(nil, "DSSEv1 %d %s %d %s", len(payloadType), payloadType, len(payload), payload)
}

// Identity is a certificate identity: the OIDC issuer and the subject
// alternative name (an email or URI) of the Fulcio certificate. Regexp
// variants are used when the exact values are empty.
type Identity struct {
	Issuer, IssuerRegexp string
	SAN, SANRegexp       string
}

// VerifyOptions says what to trust. Exactly one of PublicKey or
// (TrustedRoot with Identity) is set.
type VerifyOptions struct {
	PublicKey   crypto.PublicKey
	TrustedRoot root.TrustedMaterial // e.g. root.NewTrustedRootFromPath(FILE)
	Identity    Identity
	// TrustCurrentTime verifies the certificate chain at the current time
	// instead of requiring a transparency-log entry and an SCT (a private
	// PKI with long-lived signing certificates). Leave false for Sigstore.
	TrustCurrentTime bool
	// SkipFiles are files that are not part of the model (the signature
	// itself when it lies in the model folder).
	SkipFiles []string
}

// Result is a successful signature verification and its comparison with
// the files on disk. Files match only when Diff.OK().
type Result struct {
	Model  string      `json:"model"`
	Files  int         `json:"files"`  // files in the signed manifest
	Signer string      `json:"signer"` // key hint, or certificate SAN
	Diff   lock.Result `json:"diff"`
}

// OK reports whether the signature verified and the files match.
func (r *Result) OK() bool { return r != nil && r.Diff.OK() }

// ErrSignature is wrapped when the bundle does not verify (bad signature,
// wrong key or identity, malformed bundle).
var ErrSignature = errors.New("signature verification failed")

// Verify checks the bundle (JSON) against the operator's trust settings,
// then compares the signed manifest with the files at modelPath. An error
// wrapping ErrSignature or ErrStatement means the signature must not be
// trusted; other errors mean the check could not run. File differences are
// in Result.Diff.
func Verify(ctx context.Context, bundleJSON []byte, modelPath string, opts VerifyOptions) (*Result, error) {
	var b bundle.Bundle
	if err := b.UnmarshalJSON(bundleJSON); err != nil {
		return nil, fmt.Errorf("%w: bundle: %v", ErrSignature, err)
	}
	payload, signer, err := verifyBundle(&b, opts)
	if err != nil {
		return nil, err
	}
	st, err := ParseStatement(payload)
	if err != nil {
		return nil, err
	}
	got, err := lock.Hash(ctx, []string{modelPath}, opts.SkipFiles...)
	if err != nil {
		return nil, err
	}
	files := filter(got.Files, st.Predicate.Serialization.IgnorePaths)
	return &Result{
		Model:  st.Subject[0].Name,
		Files:  len(st.Predicate.Resources),
		Signer: signer,
		Diff:   compare(st.Predicate.Resources, files),
	}, nil
}

// verifyBundle verifies the signature with sigstore-go and returns the
// authenticated DSSE payload.
func verifyBundle(entity verify.SignedEntity, opts VerifyOptions) (payload []byte, signer string, err error) {
	var (
		tm       root.TrustedMaterial
		vopts    []verify.VerifierOption
		identity verify.PolicyOption
	)
	switch {
	case opts.PublicKey != nil && opts.TrustedRoot != nil:
		return nil, "", errors.New("modelsign: give a public key or a trusted root with an identity, not both")
	case opts.PublicKey != nil:
		v, err := verifierFor(opts.PublicKey)
		if err != nil {
			return nil, "", err
		}
		key := root.NewExpiringKey(v, timeZero, timeZero)
		// The operator's key is the only one trusted, whatever hint the
		// bundle carries; key-signed bundles have no log entry or timestamp.
		tm = root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) { return key, nil })
		vopts = []verify.VerifierOption{verify.WithNoObserverTimestamps()}
		identity = verify.WithKey()
		signer, _ = KeyHint(opts.PublicKey)
	case opts.TrustedRoot != nil:
		id := opts.Identity
		if id.Issuer == "" && id.IssuerRegexp == "" || id.SAN == "" && id.SANRegexp == "" {
			return nil, "", errors.New("modelsign: a certificate identity needs an issuer and a SAN")
		}
		ci, err := verify.NewShortCertificateIdentity(id.Issuer, id.IssuerRegexp, id.SAN, id.SANRegexp)
		if err != nil {
			return nil, "", fmt.Errorf("modelsign: identity: %w", err)
		}
		tm = opts.TrustedRoot
		// Public-good Sigstore bundles carry an SCT in the certificate and
		// a Rekor entry whose integrated time dates the signature.
		vopts = []verify.VerifierOption{verify.WithSignedCertificateTimestamps(1), verify.WithTransparencyLog(1), verify.WithObserverTimestamps(1)}
		if opts.TrustCurrentTime {
			vopts = []verify.VerifierOption{verify.WithCurrentTime()}
		}
		identity = verify.WithCertificateIdentity(ci)
	default:
		return nil, "", errors.New("modelsign: no public key or trusted root given")
	}
	v, err := verify.NewVerifier(tm, vopts...)
	if err != nil {
		return nil, "", fmt.Errorf("modelsign: verifier: %w", err)
	}
	res, err := v.Verify(entity, verify.NewPolicy(verify.WithoutArtifactUnsafe(), identity))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if res.VerifiedIdentity != nil && res.Signature != nil && res.Signature.Certificate != nil {
		signer = res.Signature.Certificate.SubjectAlternativeName
	}
	sc, err := entity.SignatureContent()
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrSignature, err)
	}
	env := sc.EnvelopeContent()
	if env == nil {
		return nil, "", fmt.Errorf("%w: bundle holds a message signature, not a DSSE envelope", ErrSignature)
	}
	raw := env.RawEnvelope()
	if raw.PayloadType != PayloadType {
		return nil, "", fmt.Errorf("%w: payload type %q", ErrStatement, raw.PayloadType)
	}
	payload, err = raw.DecodeB64Payload()
	if err != nil {
		return nil, "", fmt.Errorf("%w: payload: %v", ErrStatement, err)
	}
	return payload, signer, nil
}

// compare matches signed resources against hashed files by digest.
func compare(want []Resource, got []lock.File) lock.Result {
	var r lock.Result
	have := make(map[string]lock.File, len(got))
	for _, f := range got {
		have[f.Path] = f
	}
	for _, w := range want {
		g, ok := have[w.Name]
		if !ok {
			r.Missing = append(r.Missing, w.Name)
			continue
		}
		delete(have, w.Name)
		if !strings.EqualFold(g.SHA256, w.Digest) {
			r.Changed = append(r.Changed, lock.Mismatch{Path: w.Name, GotSize: g.Size, WantSHA256: w.Digest, GotSHA256: g.SHA256, WantSize: -1})
		}
	}
	for p := range have {
		r.Extra = append(r.Extra, p)
	}
	sort.Strings(r.Missing)
	sort.Strings(r.Extra)
	return r
}

// timeZero leaves the operator's key without a validity window.
var timeZero time.Time
