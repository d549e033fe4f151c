package config

import (
	"crypto/sha256"
	"encoding/hex"
)

// DemoKey is the documented gateway key accepted by `bulwark serve --demo`.
const DemoKey = "bk-demo"

// HashKey returns the lowercase hex SHA-256 of a gateway key, the form
// stored in keys[].key_sha256.
func HashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// Demo returns the configuration of `bulwark serve --demo`: loopback only,
// the built-in mock upstream serving a few model names (OpenAI- and
// Anthropic-style), the demo key bk-demo and the demo guardrails.
func Demo() *Config {
	cfg := &Config{
		Server: Server{LoopbackOnly: true},
		Upstreams: []Upstream{{
			Name: "mock",
			Kind: KindMock,
			Mock: Mock{Chunks: 4},
		}},
		Models: []Model{
			{Name: "gpt-4o-mini", Aliases: []string{"demo", "mock"}, Targets: []Target{{Upstream: "mock"}}},
			{Name: "gpt-4o", Targets: []Target{{Upstream: "mock"}}},
			{Name: "claude-3-5-haiku-latest", Aliases: []string{"claude"}, Targets: []Target{{Upstream: "mock"}}},
			{Name: "text-embedding-3-small", Targets: []Target{{Upstream: "mock"}}},
		},
		Keys: []Key{{
			ID:        "demo",
			KeySHA256: HashKey(DemoKey),
			App:       "demo",
		}},
		Guardrails: DemoGuardrails(),
		Audit:      DemoAudit(),
	}
	cfg.ApplyDefaults()
	return cfg
}
