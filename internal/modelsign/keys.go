package modelsign

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"

	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	"github.com/sigstore/sigstore/pkg/signature"
)

// LoadPrivateKey parses a PEM private key: PKCS#8 ("PRIVATE KEY") holding
// an ECDSA P-256/P-384 or Ed25519 key, or SEC 1 ("EC PRIVATE KEY").
// Encrypted keys are not supported.
func LoadPrivateKey(pemBytes []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("modelsign: private key is not PEM")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("modelsign: encrypted private keys are not supported; decrypt it first (openssl pkcs8)")
	default:
		return nil, fmt.Errorf("modelsign: unsupported PEM block %q", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("modelsign: parse private key: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New("modelsign: unsupported private key type")
	}
	if _, err := algorithmFor(signer.Public()); err != nil {
		return nil, err
	}
	return signer, nil
}

// LoadPublicKey parses a PEM ("PUBLIC KEY", PKIX) ECDSA or Ed25519 key.
func LoadPublicKey(pemBytes []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("modelsign: public key is not a PEM \"PUBLIC KEY\" block")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("modelsign: parse public key: %w", err)
	}
	if _, err := algorithmFor(pub); err != nil {
		return nil, err
	}
	return pub, nil
}

// GenerateKey creates an ECDSA P-256 key and returns the private key as
// PKCS#8 PEM and the public key as PKIX PEM (for tests and `bulwark sign
// --generate-key`).
func GenerateKey() (privPEM, pubPEM []byte, err error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("modelsign: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, nil, fmt.Errorf("modelsign: marshal key: %w", err)
	}
	pub, err := PublicKeyPEM(k.Public())
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), pub, nil
}

// PublicKeyPEM encodes a public key as PKIX PEM.
func PublicKeyPEM(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("modelsign: marshal public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// KeyHint is the key identifier model-signing writes into a bundle: the
// hex SHA-256 of the public key's PEM encoding.
func KeyHint(pub crypto.PublicKey) (string, error) {
	p, err := PublicKeyPEM(pub)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(p)
	return hex.EncodeToString(sum[:]), nil
}

func algorithmFor(pub crypto.PublicKey) (protocommon.PublicKeyDetails, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return protocommon.PublicKeyDetails_PKIX_ECDSA_P256_SHA_256, nil
		case elliptic.P384():
			return protocommon.PublicKeyDetails_PKIX_ECDSA_P384_SHA_384, nil
		}
		return 0, errors.New("modelsign: unsupported ECDSA curve (P-256 or P-384)")
	case ed25519.PublicKey:
		return protocommon.PublicKeyDetails_PKIX_ED25519, nil
	}
	return 0, errors.New("modelsign: unsupported key type (ECDSA P-256/P-384 or Ed25519)")
}

// verifierFor returns the sigstore verifier for a public key.
func verifierFor(pub crypto.PublicKey) (signature.Verifier, error) {
	alg, err := algorithmFor(pub)
	if err != nil {
		return nil, err
	}
	d, err := signature.GetAlgorithmDetails(alg)
	if err != nil {
		return nil, fmt.Errorf("modelsign: %w", err)
	}
	v, err := signature.LoadVerifier(pub, d.GetHashType())
	if err != nil {
		return nil, fmt.Errorf("modelsign: %w", err)
	}
	return v, nil
}

// keypair is a signing key with its sigstore algorithm details. (It has
// the method set of sigstore-go's sign.Keypair, but that package is not
// imported: it pulls in Fulcio/OIDC/TUF clients that offline key signing
// does not need.)
type keypair struct {
	key  crypto.Signer
	alg  signature.AlgorithmDetails
	hint string
}

func newKeypair(key crypto.Signer) (*keypair, error) {
	alg, err := algorithmFor(key.Public())
	if err != nil {
		return nil, err
	}
	d, err := signature.GetAlgorithmDetails(alg)
	if err != nil {
		return nil, fmt.Errorf("modelsign: %w", err)
	}
	hint, err := KeyHint(key.Public())
	if err != nil {
		return nil, err
	}
	return &keypair{key: key, alg: d, hint: hint}, nil
}

func (k *keypair) GetHashAlgorithm() protocommon.HashAlgorithm { return k.alg.GetProtoHashType() }
func (k *keypair) GetSigningAlgorithm() protocommon.PublicKeyDetails {
	return k.alg.GetSignatureAlgorithm()
}
func (k *keypair) GetHint() []byte                { return []byte(k.hint) }
func (k *keypair) GetPublicKey() crypto.PublicKey { return k.key.Public() }
func (k *keypair) GetKeyAlgorithm() string {
	switch k.alg.GetKeyType() {
	case signature.ECDSA:
		return "ECDSA"
	case signature.ED25519:
		return "ED25519"
	}
	return ""
}

func (k *keypair) GetPublicKeyPem() (string, error) {
	p, err := PublicKeyPEM(k.key.Public())
	return string(p), err
}

// SignData signs data (the DSSE pre-authentication encoding): a digest for
// ECDSA, the message itself for Ed25519.
func (k *keypair) SignData(_ context.Context, data []byte) ([]byte, []byte, error) {
	hf := k.alg.GetHashType()
	msg := data
	if hf != crypto.Hash(0) {
		h := hf.New()
		h.Write(data)
		msg = h.Sum(nil)
	}
	sig, err := k.key.Sign(rand.Reader, msg, hf)
	if err != nil {
		return nil, nil, fmt.Errorf("modelsign: sign: %w", err)
	}
	return sig, msg, nil
}
