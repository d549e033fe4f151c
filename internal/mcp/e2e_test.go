package mcp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

func inProcessEnv(t testing.TB, o envOptions) (*env, *upstreamServer) {
	t.Helper()
	up := newUpstreamServer("Echo the given text back.")
	url, _ := serveUpstream(t, up.server)
	o.upstreams = []UpstreamConfig{{Name: "up", Transport: "http", URL: url}}
	return newEnv(t, o), up
}

func TestE2EListAndCall(t *testing.T) {
	e, up := inProcessEnv(t, envOptions{})
	assistant := connect(t, e.url+"up", "k-assistant")
	reader := connect(t, e.url+"up", "k-reader")

	t.Run("tools/list filtered per agent", func(t *testing.T) {
		if diff := cmp.Diff([]string{"echo", "read_page", "send_email", "slow", "transfer_funds"}, toolNames(t, assistant)); diff != "" {
			t.Errorf("assistant tools (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"echo", "read_page"}, toolNames(t, reader)); diff != "" {
			t.Errorf("reader tools (-want +got):\n%s", diff)
		}
	})

	tests := []struct {
		name     string
		cs       *sdk.ClientSession
		tool     string
		args     any
		wantText string // for allowed calls
		wantCode int64  // for refused calls
		wantErr  string
	}{
		{name: "allowed", cs: assistant, tool: "echo", args: map[string]any{"text": "hi"}, wantText: "echo: hi"},
		{name: "internal email allowed", cs: assistant, tool: "send_email", args: map[string]any{"to": "a@example.com"}, wantText: "sent to a@example.com"},
		{name: "denied by policy", cs: assistant, tool: "send_email", args: map[string]any{"to": "x@evil.test"}, wantCode: CodeDenied, wantErr: "external email is not allowed"},
		{name: "not on allow-list", cs: reader, tool: "send_email", args: map[string]any{"to": "a@example.com"}, wantCode: CodeDenied, wantErr: "not on this agent's allow-list"},
		{name: "schema violation", cs: assistant, tool: "transfer_funds", args: map[string]any{"amount": "lots", "currency": "EUR"}, wantCode: jsonrpc.CodeInvalidParams, wantErr: "/amount"},
		{name: "unknown tool", cs: assistant, tool: "nope", args: map[string]any{}, wantCode: jsonrpc.CodeInvalidParams, wantErr: "unknown tool"},
		{name: "huge arguments", cs: assistant, tool: "echo", args: map[string]any{"text": strings.Repeat("a", 2<<20)}, wantCode: jsonrpc.CodeInvalidParams, wantErr: "larger than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := call(tc.cs, tc.tool, tc.args)
			if tc.wantErr == "" {
				if err != nil || res.IsError || resultText(res) != tc.wantText {
					t.Fatalf("CallTool(%s) = %v, %v; want %q", tc.tool, res, err, tc.wantText)
				}
				return
			}
			if err == nil || rpcCode(err) != tc.wantCode || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("CallTool(%s) error = %v (code %d); want code %d containing %q", tc.tool, err, rpcCode(err), tc.wantCode, tc.wantErr)
			}
		})
	}

	t.Run("injection in tool result blocked", func(t *testing.T) {
		res, err := call(reader, "read_page", map[string]any{"text": "https://example.com"})
		if err != nil {
			t.Fatalf("CallTool(read_page) = %v", err)
		}
		if !res.IsError || strings.Contains(resultText(res), "IGNORE") || !strings.Contains(resultText(res), "INDIRECT_INJECTION") {
			t.Errorf("CallTool(read_page) = isError %v %q; want isError naming INDIRECT_INJECTION without the text", res.IsError, resultText(res))
		}
	})
	if n := up.calls.Load(); n != 2 {
		t.Errorf("upstream saw %d calls; want 2 (refused calls must not reach it)", n)
	}
}

func TestE2EApproval(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		resolve *agent.Resolution
		wantErr string
	}{
		{"approve", time.Minute, &agent.Resolution{Approve: true, Approver: "alice"}, ""},
		{"deny", time.Minute, &agent.Resolution{Approver: "bob"}, "approval denied"},
		{"timeout", 100 * time.Millisecond, nil, "approval timed out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, up := inProcessEnv(t, envOptions{approvalTimeout: tc.timeout})
			cs := connect(t, e.url+"up", "k-assistant")
			type out struct {
				res *sdk.CallToolResult
				err error
			}
			done := make(chan out, 1)
			go func() {
				r, err := call(cs, "transfer_funds", map[string]any{"amount": 500, "currency": "EUR"})
				done <- out{r, err}
			}()
			pend := waitPending(t, e.approvals, 1)
			if up.calls.Load() != 0 {
				t.Fatal("call reached the upstream before approval")
			}
			if tc.resolve != nil {
				if _, err := e.approvals.Resolve(context.Background(), pend[0].ID, *tc.resolve); err != nil {
					t.Fatal(err)
				}
			}
			o := <-done
			if tc.wantErr == "" {
				if o.err != nil || resultText(o.res) != "transferred" {
					t.Errorf("CallTool() = %v, %v; want transferred", o.res, o.err)
				}
				return
			}
			if o.err == nil || rpcCode(o.err) != CodeDenied || !strings.Contains(o.err.Error(), tc.wantErr) {
				t.Errorf("CallTool() error = %v; want denied with %q", o.err, tc.wantErr)
			}
			if up.calls.Load() != 0 {
				t.Error("denied call reached the upstream")
			}
		})
	}
}

func TestE2EKillSwitch(t *testing.T) {
	e, up := inProcessEnv(t, envOptions{})
	cs := connect(t, e.url+"up", "k-assistant")
	other := connect(t, e.url+"up", "k-reader")
	done := make(chan error, 1)
	go func() {
		_, err := call(cs, "slow", map[string]any{"text": "x"})
		done <- err
	}()
	select {
	case <-up.started:
	case err := <-done:
		t.Fatalf("slow call ended before the kill switch: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("slow call never reached the upstream")
	}
	if err := e.kill.Disable(context.Background(), agent.Target{Kind: "agent", Name: "assistant"}, "ops", "test"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("in-flight call succeeded after the kill switch")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("in-flight call not ended by the kill switch")
	}
	// The session is over: new calls fail.
	if _, err := call(cs, "echo", map[string]any{"text": "x"}); err == nil {
		t.Error("call on a killed session succeeded")
	}
	// A new session of the killed agent is refused too.
	cs2 := connect(t, e.url+"up", "k-assistant")
	if _, err := cs2.ListTools(context.Background(), nil); rpcCode(err) != CodeDisabled && err == nil {
		t.Errorf("ListTools() for killed agent = %v; want refused", err)
	}
	// Other agents keep working.
	if res, err := call(other, "echo", map[string]any{"text": "still here"}); err != nil || resultText(res) != "echo: still here" {
		t.Errorf("other agent CallTool() = %v, %v; want echo", res, err)
	}
	// Killing a tool refuses it for everyone.
	if err := e.kill.Disable(context.Background(), agent.Target{Kind: "tool", Name: "up/echo"}, "ops", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := call(other, "echo", map[string]any{"text": "x"}); err == nil || !errors.Is(err, err) || !strings.Contains(err.Error(), "kill switch") {
		t.Errorf("CallTool(killed tool) = %v; want kill-switch refusal", err)
	}
}

func TestE2EUnauthenticated(t *testing.T) {
	e, _ := inProcessEnv(t, envOptions{})
	c := sdk.NewClient(&sdk.Implementation{Name: "anon", Version: "1"}, nil)
	for _, key := range []string{"", "k-wrong"} {
		tr := &sdk.StreamableClientTransport{Endpoint: e.url + "up", MaxRetries: -1}
		if key != "" {
			tr.HTTPClient = nil
			tr.HTTPClient = newBearerClient(key)
		}
		if cs, err := c.Connect(context.Background(), tr, nil); err == nil {
			cs.Close()
			t.Errorf("Connect(key %q) succeeded; want 401", key)
		}
	}
}
