package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"testing"
)

func hashOf(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

func TestAuthenticate(t *testing.T) {
	kr, err := NewKeyring([]KeySpec{{SHA256Hex: hashOf("bk-demo"), Principal: Principal{KeyID: "demo", App: "demo"}}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, header, value string
		want                error
	}{
		{"bearer", "Authorization", "Bearer bk-demo", nil},
		{"bearer lowercase", "Authorization", "bearer bk-demo", nil},
		{"x-api-key", "x-api-key", "bk-demo", nil},
		{"missing", "", "", ErrMissingKey},
		{"wrong", "Authorization", "Bearer bk-nope", ErrInvalidKey},
		{"basic", "Authorization", "Basic abc", ErrMissingKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			if tc.header != "" {
				r.Header.Set(tc.header, tc.value)
			}
			e, err := kr.Authenticate(r)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Authenticate(%s: %q) error = %v; want %v", tc.header, tc.value, err, tc.want)
			}
			if err == nil && (e.Principal.KeyID != "demo" || e.Principal.Tenant != "demo") {
				t.Errorf("Authenticate principal = %+v; want demo/demo", e.Principal)
			}
		})
	}
}

func TestNewKeyringRejectsBadHash(t *testing.T) {
	if _, err := NewKeyring([]KeySpec{{SHA256Hex: "xyz"}}); err == nil {
		t.Error("NewKeyring(bad hash) = nil error; want error")
	}
}

func TestAllowsModel(t *testing.T) {
	p := Principal{Models: []string{"a"}}
	if !p.AllowsModel("a") || p.AllowsModel("b") || !(Principal{}).AllowsModel("b") {
		t.Error("AllowsModel mismatch")
	}
}
