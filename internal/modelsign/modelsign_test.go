package modelsign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/modelscan/lock"
	"github.com/google/go-cmp/cmp"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
)

func model(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tiny-model")
	for name, body := range map[string]string{
		"config.json":       `{"model_type":"llama"}`,
		"model.safetensors": "weights",
		"tokenizer/vocab":   "a\nb\n",
		".git/HEAD":         "ref: refs/heads/main\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func key(t *testing.T) (crypto.Signer, crypto.PublicKey) {
	t.Helper()
	privPEM, pubPEM, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	priv, err := LoadPrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := LoadPublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

func TestSignVerify(t *testing.T) {
	ctx := context.Background()
	priv, pub := key(t)
	_, otherPub := key(t)
	tests := []struct {
		name    string
		mutate  func(t *testing.T, dir string)
		pub     crypto.PublicKey
		want    lock.Result
		wantErr error
	}{
		{name: "ok", mutate: func(*testing.T, string) {}, pub: pub},
		{name: "git_ignored", mutate: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, ".git", "HEAD"), []byte("changed"), 0o644)
		}, pub: pub},
		{name: "tampered", mutate: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "model.safetensors"), []byte("weightz"), 0o644)
		}, pub: pub, want: lock.Result{Changed: []lock.Mismatch{{Path: "model.safetensors"}}}},
		{name: "missing", mutate: func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "tokenizer", "vocab"))
		}, pub: pub, want: lock.Result{Missing: []string{"tokenizer/vocab"}}},
		{name: "extra", mutate: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "evil.pkl"), []byte("x"), 0o644)
		}, pub: pub, want: lock.Result{Extra: []string{"evil.pkl"}}},
		{name: "wrong_key", mutate: func(*testing.T, string) {}, pub: otherPub, wantErr: ErrSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := model(t)
			sigPath := filepath.Join(dir, "model.sig")
			sig, err := Sign(ctx, dir, priv, SignOptions{SkipFiles: []string{sigPath}, Ignore: []string{"model.sig"}})
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			os.WriteFile(sigPath, sig, 0o644)
			tt.mutate(t, dir)
			res, err := Verify(ctx, sig, dir, VerifyOptions{PublicKey: tt.pub, SkipFiles: []string{sigPath}})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify(%s) error = %v; want %v", tt.name, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if res.Model != "tiny-model" || res.Files != 3 {
				t.Errorf("Verify(%s) = model %q files %d; want tiny-model 3", tt.name, res.Model, res.Files)
			}
			if diff := cmp.Diff(tt.want, res.Diff, cmp.FilterPath(func(p cmp.Path) bool {
				s := p.Last().String()
				return s == ".WantSize" || s == ".GotSize" || s == ".WantSHA256" || s == ".GotSHA256"
			}, cmp.Ignore())); diff != "" {
				t.Errorf("Verify(%s) diff mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestEd25519AndSingleFile(t *testing.T) {
	ctx := context.Background()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	dir := model(t)
	file := filepath.Join(dir, "model.safetensors")
	sig, err := Sign(ctx, file, priv, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(ctx, sig, file, VerifyOptions{PublicKey: pub})
	if err != nil || !res.OK() || res.Files != 1 {
		t.Errorf("Verify(single file, ed25519) = %+v, %v; want OK with 1 file", res, err)
	}
}

// TestTamperedBundle edits the signed payload, the signature and the
// statement, and expects every edit to be rejected.
func TestTamperedBundle(t *testing.T) {
	ctx := context.Background()
	priv, pub := key(t)
	dir := model(t)
	sig, err := Sign(ctx, dir, priv, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b map[string]any
	json.Unmarshal(sig, &b)
	env := b["dsseEnvelope"].(map[string]any)
	payload, _ := base64.StdEncoding.DecodeString(env["payload"].(string))

	edit := func(f func(env map[string]any)) []byte {
		var c map[string]any
		json.Unmarshal(sig, &c)
		f(c["dsseEnvelope"].(map[string]any))
		out, _ := json.Marshal(c)
		return out
	}
	tests := []struct {
		name   string
		bundle []byte
	}{
		{"payload_edited", edit(func(e map[string]any) {
			e["payload"] = base64.StdEncoding.EncodeToString(bytes.Replace(payload, []byte("tiny-model"), []byte("evil-model"), 1))
		})},
		{"signature_edited", edit(func(e map[string]any) {
			s, _ := base64.StdEncoding.DecodeString(e["signatures"].([]any)[0].(map[string]any)["sig"].(string))
			s[len(s)-1] ^= 1
			e["signatures"].([]any)[0].(map[string]any)["sig"] = base64.StdEncoding.EncodeToString(s)
		})},
		{"payload_type", edit(func(e map[string]any) { e["payloadType"] = "text/plain" })},
		{"not_json", []byte("{")},
		{"empty", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(ctx, tt.bundle, dir, VerifyOptions{PublicKey: pub})
			if !errors.Is(err, ErrSignature) && !errors.Is(err, ErrStatement) {
				t.Errorf("Verify(%s) error = %v; want ErrSignature or ErrStatement", tt.name, err)
			}
		})
	}
}

func TestParseStatementRejects(t *testing.T) {
	good, err := NewStatement("m", []lock.File{{Path: "a", SHA256: sum64("1")}, {Path: "b", SHA256: sum64("2")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mutations := map[string]func(s *Statement){
		"type":           func(s *Statement) { s.Type = "https://in-toto.io/Statement/v0.1" },
		"predicate":      func(s *Statement) { s.PredicateType = "https://example.com/x" },
		"two_subjects":   func(s *Statement) { s.Subject = append(s.Subject, s.Subject[0]) },
		"root_digest":    func(s *Statement) { s.Subject[0].Digest["sha256"] = sum64("x") },
		"dropped_file":   func(s *Statement) { s.Predicate.Resources = s.Predicate.Resources[:1] },
		"traversal":      func(s *Statement) { s.Predicate.Resources[0].Name = "../a" },
		"absolute":       func(s *Statement) { s.Predicate.Resources[0].Name = "/etc/passwd" },
		"duplicate":      func(s *Statement) { s.Predicate.Resources[1].Name = "a" },
		"algorithm":      func(s *Statement) { s.Predicate.Resources[0].Algorithm = "md5" },
		"shards":         func(s *Statement) { s.Predicate.Serialization.Method = "shards" },
		"invalid_digest": func(s *Statement) { s.Predicate.Resources[0].Digest = "zz" },
	}
	b, _ := json.Marshal(good)
	if _, err := ParseStatement(b); err != nil {
		t.Fatalf("ParseStatement(good) = %v", err)
	}
	for name, m := range mutations {
		var s Statement
		json.Unmarshal(b, &s)
		m(&s)
		mb, _ := json.Marshal(s)
		if _, err := ParseStatement(mb); !errors.Is(err, ErrStatement) {
			t.Errorf("ParseStatement(%s) = %v; want ErrStatement", name, err)
		}
	}
}

func TestParseStatementCompat(t *testing.T) {
	in := `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"b.bin","digest":{"sha256":"` + sum64("2") + `"}},{"name":"a.bin","digest":{"sha256":"` + sum64("1") + `"}}],"predicateType":"https://model_signing/Digests/v0.1","predicate":{}}`
	st, err := ParseStatement([]byte(in))
	if err != nil {
		t.Fatalf("ParseStatement(v0.2) = %v", err)
	}
	want := []Resource{{Name: "a.bin", Algorithm: "sha256", Digest: sum64("1")}, {Name: "b.bin", Algorithm: "sha256", Digest: sum64("2")}}
	if diff := cmp.Diff(want, st.Predicate.Resources); diff != "" {
		t.Errorf("v0.2 resources mismatch (-want +got):\n%s", diff)
	}
	bad := strings.Replace(in, `"b.bin"`, `"../b.bin"`, 1)
	if _, err := ParseStatement([]byte(bad)); !errors.Is(err, ErrStatement) {
		t.Errorf("ParseStatement(v0.2 traversal) = %v; want ErrStatement", err)
	}
}

func sum64(s string) string {
	var b [32]byte
	copy(b[:], s)
	return hex.EncodeToString(b[:])
}

// certBundle signs payload with a fresh leaf certificate (SAN email,
// Fulcio issuer extension) issued by a fresh CA, and returns the bundle
// JSON and a trusted root holding the CA.
func certBundle(t *testing.T, payload []byte, email, issuer string) ([]byte, root.TrustedMaterial) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	caCert, _ := x509.ParseCertificate(caDER)
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
		EmailAddresses: []string{email}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}, Value: []byte(issuer)}},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, leafKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := newKeypair(leafKey)
	if err != nil {
		t.Fatal(err)
	}
	sig, _, err := kp.SignData(context.Background(), pae(PayloadType, payload))
	if err != nil {
		t.Fatal(err)
	}
	pb := &protobundle.Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: leafDER}},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{Payload: payload, PayloadType: PayloadType, Signatures: []*protodsse.Signature{{Sig: sig}}}},
	}
	b, err := bundle.NewBundle(pb)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := b.MarshalJSON()
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, []root.CertificateAuthority{&root.FulcioCertificateAuthority{Root: caCert}}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return js, tr
}

// TestCertificateIdentity verifies certificate-signed bundles against an
// operator-given trusted root and identity.
func TestCertificateIdentity(t *testing.T) {
	ctx := context.Background()
	dir := model(t)
	l, _ := lock.Hash(ctx, []string{dir})
	st, _ := NewStatement("tiny-model", filter(l.Files, DefaultIgnore), DefaultIgnore)
	payload, _ := json.Marshal(st)
	js, tr := certBundle(t, payload, "ml-team@example.com", "https://accounts.example.com")
	_, otherRoot := certBundle(t, payload, "ml-team@example.com", "https://accounts.example.com")
	tests := []struct {
		name    string
		opts    VerifyOptions
		wantErr bool
	}{
		{"match", VerifyOptions{TrustedRoot: tr, TrustCurrentTime: true, Identity: Identity{Issuer: "https://accounts.example.com", SAN: "ml-team@example.com"}}, false},
		{"regexp", VerifyOptions{TrustedRoot: tr, TrustCurrentTime: true, Identity: Identity{Issuer: "https://accounts.example.com", SANRegexp: `^.*@example\.com$`}}, false},
		{"wrong_san", VerifyOptions{TrustedRoot: tr, TrustCurrentTime: true, Identity: Identity{Issuer: "https://accounts.example.com", SAN: "attacker@example.com"}}, true},
		{"wrong_issuer", VerifyOptions{TrustedRoot: tr, TrustCurrentTime: true, Identity: Identity{Issuer: "https://evil.example", SAN: "ml-team@example.com"}}, true},
		{"untrusted_ca", VerifyOptions{TrustedRoot: otherRoot, TrustCurrentTime: true, Identity: Identity{Issuer: "https://accounts.example.com", SAN: "ml-team@example.com"}}, true},
		{"no_tlog_entry", VerifyOptions{TrustedRoot: tr, Identity: Identity{Issuer: "https://accounts.example.com", SAN: "ml-team@example.com"}}, true},
		{"key_for_cert_bundle", VerifyOptions{PublicKey: mustPub(t)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Verify(ctx, js, dir, tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Verify(%s) error = %v; want error %v", tt.name, err, tt.wantErr)
			}
			if err == nil && (!res.OK() || res.Signer != "ml-team@example.com") {
				t.Errorf("Verify(%s) = %+v; want OK signed by ml-team@example.com", tt.name, res)
			}
		})
	}
}

func mustPub(t *testing.T) crypto.PublicKey {
	_, pub := key(t)
	return pub
}

func FuzzParseStatement(f *testing.F) {
	st, _ := NewStatement("m", []lock.File{{Path: "a", SHA256: sum64("1")}}, nil)
	b, _ := json.Marshal(st)
	f.Add(b)
	f.Add([]byte(`{"_type":"https://in-toto.io/Statement/v1"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		st, err := ParseStatement(in)
		if err != nil {
			return
		}
		for _, r := range st.Predicate.Resources {
			if !cleanRel(r.Name) {
				t.Fatalf("ParseStatement accepted resource %q", r.Name)
			}
		}
	})
}
