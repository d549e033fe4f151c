// Command bulwark-load is Bulwark's open-loop load generator. It measures the
// latency the gateway adds: the same fixed-rate stream of chat completions
// (1 KB prompts by default) is sent once straight to a zero-latency mock
// upstream and once through `bulwark serve` in front of that upstream, and
// the latency percentiles of the two runs are compared.
//
// With -mcp it measures the MCP gateway the same way: tools/call of an echo
// tool from go-sdk client sessions, straight to a go-sdk MCP server (this
// program again, as a child process) and through Bulwark's /mcp/ in front
// of it, three processes as in a deployment.
//
// Open loop: request i is due at start + i/rate whatever happened to earlier
// requests, and its latency is measured from that due time, so a stall is
// charged to every request it delays (no coordinated omission).
//
// Usage:
//
//	go run ./cmd/bulwark-load -rate 1000 -duration 20s
//	go run ./cmd/bulwark-load -mcp -rate 200 -duration 20s
//
// See docs/performance.md for recorded results.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if os.Getenv(baselineEnv) == "1" {
		os.Exit(runBaselineProxy(os.Args[1:]))
	}
	if os.Getenv(mcpUpstreamEnv) == "1" {
		os.Exit(runMCPUpstream(os.Args[1:]))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type options struct {
	rate        float64
	duration    time.Duration
	warmup      time.Duration
	promptBytes int
	bin         string
	guardrails  string
	audit       bool
	search      bool
	searchP99   time.Duration
	jsonOut     bool
	stream      bool
	block       time.Duration
	baseline    bool
	mcp         bool
	sessions    int
	policyDir   string
	procs       int
}

// defaultMCPRate is -rate's default with -mcp: a tool call through the MCP
// SDK on both hops costs several times a chat completion.
const defaultMCPRate = 200

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, stderr)
	if err != nil {
		if !errors.Is(err, errFlags) {
			fmt.Fprintf(stderr, "bulwark-load: %v\n", err)
		}
		return 2
	}
	rep, err := measure(ctx, o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bulwark-load: %v\n", err)
		return 2
	}
	if o.jsonOut {
		if err := rep.writeJSON(stdout); err != nil {
			fmt.Fprintf(stderr, "bulwark-load: %v\n", err)
			return 2
		}
	} else {
		rep.writeText(stdout)
	}
	if rep.Through.Errors > 0 || rep.Direct.Errors > 0 {
		return 1
	}
	return 0
}

// errFlags is parseOptions' error when the flag package has already said
// what is wrong.
var errFlags = errors.New("bad flags")

// parseOptions parses and checks the command line.
func parseOptions(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("bulwark-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.Float64Var(&o.rate, "rate", 1000, fmt.Sprintf("requests per second (open loop); %d unless set with -mcp", defaultMCPRate))
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "measured duration of each run")
	fs.DurationVar(&o.warmup, "warmup", 3*time.Second, "unmeasured warm-up before each run")
	fs.IntVar(&o.promptBytes, "prompt-bytes", 1024, "size of the user prompt (with -mcp: of the text sent to the echo tool and returned)")
	fs.StringVar(&o.bin, "bulwark", "", "bulwark binary to test (default: go build ./cmd/bulwark into a temp dir)")
	fs.StringVar(&o.guardrails, "guardrails", "default", "guardrails in the gateway: default (demo set) or off")
	fs.BoolVar(&o.audit, "audit", false, "enable the audit log (sync mode) in the gateway")
	fs.BoolVar(&o.search, "search", true, "after the fixed-rate runs, search for the maximum sustainable rate")
	fs.DurationVar(&o.searchP99, "search-p99", 10*time.Millisecond, "a rate is sustainable while p99 through Bulwark stays under this and no request fails")
	fs.BoolVar(&o.jsonOut, "json", false, "print one JSON object instead of text")
	fs.BoolVar(&o.stream, "stream", false, "send streaming requests")
	fs.BoolVar(&o.baseline, "baseline", false, "measure a bare net/http reverse proxy (part of this program) instead of Bulwark: what the extra hop alone costs on this machine")
	fs.DurationVar(&o.block, "block", time.Second, "take turns between direct and through-Bulwark requests in blocks this long (0: all direct, then all through)")
	fs.BoolVar(&o.mcp, "mcp", false, "measure the MCP gateway: tools/call of an echo tool on a go-sdk MCP server (a child process), directly and through Bulwark's /mcp/")
	fs.IntVar(&o.sessions, "sessions", 8, "with -mcp: go-sdk client sessions per path; calls take them in turn and may overlap")
	fs.IntVar(&o.procs, "gateway-procs", 0, "GOMAXPROCS of the measured gateway: server.max_procs in its config, or the environment variable for the -baseline proxy (0: Go's default)")
	fs.StringVar(&o.policyDir, "policy-dir", "deploy/policies", "with -mcp: the gateway's Rego policy directory (agents.policy_dir)")
	if err := fs.Parse(args); err != nil {
		return o, errFlags
	}
	if o.mcp {
		rateSet := false
		fs.Visit(func(f *flag.Flag) { rateSet = rateSet || f.Name == "rate" })
		if !rateSet {
			o.rate = defaultMCPRate
		}
		if o.stream {
			return o, errors.New("-stream is for chat completions, not -mcp")
		}
		if o.sessions <= 0 {
			return o, errors.New("-sessions must be positive")
		}
	}
	if o.rate <= 0 || o.duration <= 0 || o.promptBytes <= 0 {
		return o, errors.New("-rate, -duration and -prompt-bytes must be positive")
	}
	return o, nil
}
