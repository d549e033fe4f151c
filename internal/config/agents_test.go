package config

import (
	"strings"
	"testing"
)

func TestAgentsValidate(t *testing.T) {
	tests := []struct {
		name    string
		a       Agents
		wantErr string
	}{
		{"demo", DemoAgents(), ""},
		{"bad zone", Agents{TimeZone: "Mars/Olympus"}, "time_zone"},
		{"bad pattern", Agents{AllowLists: map[string][]string{"bot": {"["}}}, "allow_lists.bot"},
		{"bad webhook format", Agents{Approvals: Approvals{Webhook: Webhook{Format: "teams"}}}, "webhook.format"},
		{"bad webhook url", Agents{Approvals: Approvals{Webhook: Webhook{URL: "ftp://x"}}}, "webhook.url"},
		{"redis without addr", Agents{KillSwitch: KillSwitch{Backend: "redis"}}, "redis_addr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Validate()
			if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("Validate() = %v; want error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestMCPValidate(t *testing.T) {
	tests := []struct {
		name    string
		m       MCP
		wantErr string
	}{
		{"demo", DemoMCP(), ""},
		{"ok", MCP{Servers: []MCPServer{
			{Name: "github", URL: "https://mcp.example.com/mcp", Headers: []MCPHeader{{Name: "Authorization", ValueEnv: "GITHUB_TOKEN"}}},
			{Name: "files", Transport: "stdio", Command: "mcp-files"},
		}}, ""},
		{"bad name", MCP{Servers: []MCPServer{{Name: "a/b", URL: "http://x"}}}, "name"},
		{"duplicate", MCP{Servers: []MCPServer{{Name: "a", URL: "http://x"}, {Name: "a", URL: "http://y"}}}, "used twice"},
		{"no url", MCP{Servers: []MCPServer{{Name: "a"}}}, "url"},
		{"stdio without command", MCP{Servers: []MCPServer{{Name: "a", Transport: "stdio"}}}, "command"},
		{"bad transport", MCP{Servers: []MCPServer{{Name: "a", Transport: "sse"}}}, "transport"},
		{"header two sources", MCP{Servers: []MCPServer{{Name: "a", URL: "http://x", Headers: []MCPHeader{{Name: "A", Value: "1", ValueEnv: "B"}}}}}, "exactly one"},
		{"bad poison action", MCP{PoisonAction: "ignore"}, "poison_action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.m.Validate()
			if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("Validate() = %v; want error containing %q", err, tc.wantErr)
			}
		})
	}
}
