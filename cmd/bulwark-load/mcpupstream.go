package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// The MCP upstream is the smallest useful MCP server: the official go-sdk
// server with one echo tool, served over Streamable HTTP with the SDK's
// defaults (stateful sessions, answers as SSE). It runs as a child process
// of its own (-mcp re-executes this program with mcpUpstreamEnv set), so
// its garbage and goroutines are not the load generator's or Bulwark's.

// mcpUpstreamEnv, set in the child's environment, makes bulwark-load run as
// the MCP upstream server instead of the load generator.
const mcpUpstreamEnv = "BULWARK_LOAD_MCP_UPSTREAM"

// mcpUpstreamPath is where the upstream serves MCP; /readyz answers 200.
const mcpUpstreamPath = "/mcp"

// echoTool is the upstream's only tool. The hints say what it is (it reads
// nothing and changes nothing), so the example policies allow it at any
// hour and after any finding.
var echoTool = &sdk.Tool{
	Name:        "echo",
	Description: "Echo the given text back.",
	Annotations: &sdk.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: new(false)},
}

type echoInput struct {
	Text string `json:"text" jsonschema:"the text to echo back"`
}

// newEchoServer returns a go-sdk server with the echo tool; its input
// schema ({"text": string}, required) is inferred from echoInput.
func newEchoServer() *sdk.Server {
	s := sdk.NewServer(&sdk.Implementation{Name: "bulwark-load-upstream", Version: "1"}, nil)
	sdk.AddTool(s, echoTool, func(_ context.Context, _ *sdk.CallToolRequest, in echoInput) (*sdk.CallToolResult, any, error) {
		return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: in.Text}}}, nil, nil
	})
	return s
}

// mcpUpstreamArgs are the child's arguments.
func mcpUpstreamArgs(listen string) []string {
	return []string{"-listen", listen}
}

// runMCPUpstream serves until SIGINT/SIGTERM.
func runMCPUpstream(args []string) int {
	if len(args) != 2 || args[0] != "-listen" {
		fmt.Fprintln(os.Stderr, "mcp upstream: usage: -listen host:port")
		return 2
	}
	ln, err := net.Listen("tcp", args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "mcp upstream: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serveMCPUpstream(ctx, ln); err != nil {
		fmt.Fprintf(os.Stderr, "mcp upstream: %v\n", err)
		return 1
	}
	return 0
}

// serveMCPUpstream serves the echo server at mcpUpstreamPath on ln until
// ctx ends.
func serveMCPUpstream(ctx context.Context, ln net.Listener) error {
	s := newEchoServer()
	mux := http.NewServeMux()
	mux.Handle(mcpUpstreamPath, sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s }, nil))
	mux.HandleFunc("/readyz", func(http.ResponseWriter, *http.Request) {})
	return serveUntilDone(ctx, ln, mux)
}
