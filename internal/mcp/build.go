package mcp

import (
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/config"
)

// Upstreams turns the config's servers into UpstreamConfigs, resolving
// credential headers from the environment and files. Errors name the
// server and header, never a value.
func Upstreams(cfg config.MCP, getenv func(string) string) ([]UpstreamConfig, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	out := make([]UpstreamConfig, 0, len(cfg.Servers))
	for _, s := range cfg.Servers {
		uc := UpstreamConfig{Name: s.Name, Transport: s.Transport, URL: s.URL, Command: s.Command, Args: s.Args}
		if uc.Transport == "" {
			uc.Transport = "http"
		}
		keys := make([]string, 0, len(s.Env))
		for k := range s.Env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			uc.Env = append(uc.Env, k+"="+s.Env[k])
		}
		if len(s.Headers) > 0 {
			uc.Headers = http.Header{}
		}
		for _, h := range s.Headers {
			v := h.Value
			switch {
			case h.ValueEnv != "":
				v = getenv(h.ValueEnv)
				if v == "" {
					return nil, fmt.Errorf("mcp server %s: header %s: environment variable %s is empty", s.Name, h.Name, h.ValueEnv)
				}
			case h.ValueFile != "":
				b, err := os.ReadFile(h.ValueFile)
				if err != nil {
					return nil, fmt.Errorf("mcp server %s: header %s: read value file: %w", s.Name, h.Name, err)
				}
				v = strings.TrimRight(string(b), "\r\n")
			}
			uc.Headers.Add(h.Name, v)
		}
		out = append(out, uc)
	}
	return out, nil
}
