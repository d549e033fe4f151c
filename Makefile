# Bulwark — developer entry points. `make run` and `make test` are the README's two commands.
GO        ?= go
BIN       ?= bin/bulwark
# Packages with goroutines of their own run again under the race detector.
RACE_PKGS ?= ./internal/gateway/... ./internal/server/... ./internal/guard/... ./internal/audit/... ./internal/store/... \
             ./internal/agent/... ./internal/mcp/... ./internal/policy/... ./internal/ratelimit/... ./internal/provider/...

.PHONY: run build test test-race lint bench bench-mcp eval eval-obfuscation fmt

run:
	$(GO) run ./cmd/bulwark serve --demo

build:
	$(GO) build -o $(BIN) ./cmd/bulwark

# The test command: formatting, vet, every test (fuzz seed corpora included), then the race detector.
test: lint
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race $(RACE_PKGS)
	$(GO) run ./cmd/bulwark policy test deploy/policies

test-race:
	$(GO) test -count=1 -race $(RACE_PKGS)

lint:
	@unformatted=$$(gofmt -l cmd internal); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w cmd internal

# Load benchmark: mock upstream alone vs through Bulwark (see docs/performance.md).
# 60 s per path: at 20 s a single run's p99 moves by ±0.3 ms on the 2-core
# machine. Guardrails off (the gateway's own cost), then the demo guardrails
# with the max-rate search.
bench:
	$(GO) run ./cmd/bulwark-load -rate 1000 -duration 60s -guardrails off -search=false
	$(GO) run ./cmd/bulwark-load -rate 1000 -duration 60s

# MCP load benchmark: go-sdk MCP server alone vs through Bulwark's /mcp/, three processes.
bench-mcp:
	$(GO) run ./cmd/bulwark-load -mcp -rate 200 -duration 20s

# Reproduces every detector number in docs/ from ../shared/data.
eval:
	$(GO) run ./cmd/bulwark-train eval-all
	$(GO) test ./internal/scanner/injection ./internal/scanner/pii ./internal/scanner/secrets -count=1 -run TestIndependentSet -v

# How many attacks the shipped injection detector catches stay caught once obfuscated (no training).
eval-obfuscation:
	$(GO) run ./cmd/bulwark-train obfuscation
