package audit_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/audit"
)

func TestHandler(t *testing.T) {
	f := newFixture(t, nil)
	f.fill(t, 10)
	mux := http.NewServeMux()
	mux.Handle("/admin/audit/", audit.NewHandler(f.log, nil))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	do := func(method, path, body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequestWithContext(context.Background(), method, srv.URL+"/admin/audit/"+path, strings.NewReader(body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}

	tests := []struct {
		method, path, body string
		want               int
		contains           string
	}{
		{"GET", "events?app=web&decision=block", "", 200, `"decision": "block"`},
		{"GET", "events?finding=EMAIL&limit=3", "", 200, `"next_cursor": "3"`},
		{"GET", "events?limit=0", "", 400, "limit"},
		{"GET", "events?since=yesterday-ish", "", 400, "since"},
		{"GET", "events/2", "", 200, `"tenant": "acme"`},
		{"GET", "events/2?payloads=1", "", 200, `"request": "request 2 from acme"`},
		{"GET", "events/99", "", 404, "not found"},
		{"GET", "events/x", "", 400, "index"},
		{"GET", "checkpoint", "", 200, "\n10\n"},
		{"GET", "proof/inclusion?index=3", "", 200, `"type": "inclusion"`},
		{"GET", "proof/inclusion?index=3&size=8", "", 200, `"size": 8`},
		{"GET", "proof/inclusion?index=3&size=7", "", 404, "no checkpoint"},
		{"GET", "proof/inclusion?index=12", "", 400, "beyond the latest checkpoint"},
		{"GET", "proof/inclusion", "", 400, "required"},
		{"GET", "proof/inclusion?leaf_hash=zz", "", 400, "leaf_hash"},
		{"GET", "proof/consistency?from=4&to=8", "", 200, `"type": "consistency"`},
		{"GET", "proof/consistency?from=11", "", 400, "beyond"},
		{"POST", "erase", `{"tenant":""}`, 400, "required"},
		{"POST", "erase", `{"bogus":1}`, 400, "body"},
		{"POST", "erase", `{"tenant":"globex","actor":"dpo"}`, 200, `"payloads": 10`},
		{"GET", "events/1?payloads=1", "", 200, `"request": "erased"`},
		{"POST", "checkpoint", "", 201, "\n11\n"},
		{"GET", "events?kind=erasure", "", 200, `"action": "audit.erase"`},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			code, body := do(tc.method, tc.path, tc.body)
			if code != tc.want || !strings.Contains(string(body), tc.contains) {
				t.Errorf("%s %s = %d %s; want %d containing %q", tc.method, tc.path, code, body, tc.want, tc.contains)
			}
		})
	}

	// A proof served by the API verifies offline.
	code, body := do("GET", "proof/inclusion?index=5", "")
	if code != 200 {
		t.Fatalf("proof: %d %s", code, body)
	}
	if _, err := audit.VerifyProof(body, f.verifier, origin, nil); err != nil {
		t.Errorf("VerifyProof(API proof) = %v", err)
	}
	// Lookup by leaf hash gives the same proof.
	var p audit.Proof
	json.Unmarshal(body, &p)
	code, body2 := do("GET", "proof/inclusion?leaf_hash="+url.QueryEscape(p.LeafHash), "")
	if code != 200 || !strings.Contains(string(body2), `"index": 5`) {
		t.Errorf("proof by leaf hash = %d %s; want index 5", code, body2)
	}
}
