package agent

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func do(t *testing.T, h http.Handler, method, target, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestApprovalsHandler(t *testing.T) {
	a := NewApprovals(ApprovalsOptions{Timeout: time.Minute})
	defer a.Close()
	h := a.Handler()
	res := make(chan Approval, 1)
	go func() {
		r, _ := a.Await(context.Background(), payer(), payCall, []string{"big"})
		res <- r
	}()
	id := waitPending(t, a, 1)[0].ID
	tests := []struct {
		name, method, target, body string
		hdr                        map[string]string
		wantCode                   int
		wantIn                     string
	}{
		{"list", "GET", "/admin/approvals/", "", nil, 200, id},
		{"get", "GET", "/admin/approvals/" + id, "", nil, 200, `"pending"`},
		{"get missing", "GET", "/admin/approvals/nope", "", nil, 404, "not found"},
		{"no approver", "POST", "/admin/approvals/" + id + "/approve", "{}", nil, 400, "approver is required"},
		{"bad json", "POST", "/admin/approvals/" + id + "/approve", "{", nil, 400, "invalid JSON"},
		{"bad action", "POST", "/admin/approvals/" + id + "/maybe", `{"approver":"a"}`, nil, 404, "unknown action"},
		{"approve via header", "POST", "/admin/approvals/" + id + "/approve", "", map[string]string{ActorHeader: "carol"}, 200, `"decided_by": "carol"`},
		{"twice", "POST", "/admin/approvals/" + id + "/deny", `{"approver":"dave"}`, nil, 409, "already decided"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := do(t, h, tc.method, tc.target, tc.body, tc.hdr)
			if code != tc.wantCode || !strings.Contains(body, tc.wantIn) {
				t.Errorf("%s %s = %d %s; want %d containing %q", tc.method, tc.target, code, body, tc.wantCode, tc.wantIn)
			}
		})
	}
	if r := <-res; r.Status != StatusApproved || r.DecidedBy != "carol" {
		t.Errorf("Await() = %s by %s; want approved by carol", r.Status, r.DecidedBy)
	}
}

func TestKillHandler(t *testing.T) {
	k := NewKillSwitch(KillSwitchOptions{})
	h := k.Handler()
	tests := []struct {
		name, method, target, body string
		wantCode                   int
		wantIn                     string
	}{
		{"disable", "POST", "/admin/kill/disable", `{"kind":"agent","name":"bot","actor":"ops","reason":"loop"}`, 200, `"bot"`},
		{"list", "GET", "/admin/kill/", "", 200, `"agent"`},
		{"no actor", "POST", "/admin/kill/disable", `{"kind":"agent","name":"x"}`, 400, "actor is required"},
		{"bad kind", "POST", "/admin/kill/disable", `{"kind":"galaxy","name":"x","actor":"ops"}`, 400, "unknown kill-switch kind"},
		{"unknown field", "POST", "/admin/kill/disable", `{"kind":"agent","name":"x","actor":"ops","extra":1}`, 400, "invalid JSON"},
		{"bad action", "POST", "/admin/kill/explode", `{"kind":"agent","name":"x","actor":"ops"}`, 404, "unknown action"},
		{"enable", "POST", "/admin/kill/enable", `{"kind":"agent","name":"bot","actor":"ops"}`, 200, `"disabled": []`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := do(t, h, tc.method, tc.target, tc.body, nil)
			if code != tc.wantCode || !strings.Contains(body, tc.wantIn) {
				t.Errorf("%s %s = %d %s; want %d containing %q", tc.method, tc.target, code, body, tc.wantCode, tc.wantIn)
			}
			var v any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Errorf("body is not JSON: %s", body)
			}
		})
	}
}
