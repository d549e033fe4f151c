package config

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"time"
)

// Agents configures agent security: the tool-call firewall (policy
// directory, allow-lists), human approvals and kill switches.
type Agents struct {
	// Enabled turns the tool-call firewall on for the LLM gateway and the
	// MCP gateway.
	Enabled bool `yaml:"enabled"`
	// PolicyDir holds the Rego policies (*.rego, optional data.json);
	// empty: no policy, calls that pass the other checks are allowed.
	PolicyDir string `yaml:"policy_dir"`
	// TimeZone is the IANA zone for input.time.weekday/hour (default UTC).
	TimeZone string `yaml:"time_zone"`
	// PolicyTimeout bounds one policy evaluation (default 1s): a guard
	// against runaway policies, past it the call is denied.
	PolicyTimeout Duration `yaml:"policy_timeout"`
	// AllowLists maps an agent name (or app name for keys without an agent)
	// to the tools it may call: path.Match patterns over "server/tool" for
	// MCP tools and "tool" for LLM tool calls. The key "*" applies to
	// everyone else. Empty: no allow-lists.
	AllowLists map[string][]string `yaml:"allow_lists"`
	// MaxArgumentBytes refuses larger tool-call arguments (default 1 MiB).
	MaxArgumentBytes int        `yaml:"max_argument_bytes"`
	Approvals        Approvals  `yaml:"approvals"`
	KillSwitch       KillSwitch `yaml:"kill_switch"`
}

// Approvals configures human-in-the-loop approvals.
type Approvals struct {
	// Timeout is how long a call waits for a decision before it is denied
	// (default 5m).
	Timeout Duration `yaml:"timeout"`
	// ShowArguments exposes argument values in the admin API and webhook
	// (off by default: arguments may hold secrets or PII).
	ShowArguments bool    `yaml:"show_arguments"`
	Webhook       Webhook `yaml:"webhook"`
}

// Webhook posts a notification for every new approval request.
type Webhook struct {
	URL string `yaml:"url"`
	// Format is "json" (default, generic payload) or "slack" ({"text": ...}).
	Format string `yaml:"format"`
	// Timeout bounds one POST (default 5s).
	Timeout Duration `yaml:"timeout"`
	// AdminURL is the admin listener's external base URL, used for the
	// approve/deny links in the message.
	AdminURL string `yaml:"admin_url"`
}

// KillSwitch configures where kill-switch state lives.
type KillSwitch struct {
	// Backend is "memory" (default, this process) or "redis" (shared by
	// replicas through pub/sub).
	Backend string `yaml:"backend"`
	// RedisAddr is host:port of the Redis server (backend redis).
	RedisAddr string `yaml:"redis_addr"`
}

// MCP configures the MCP gateway: upstream servers and tool pinning.
type MCP struct {
	Enabled bool `yaml:"enabled"`
	// PinStore is the JSON file recording tool-contract hashes (default
	// ./data/mcp-pins.json); pins survive restarts so rug pulls between
	// sessions are caught.
	PinStore string `yaml:"pin_store"`
	// PoisonAction is what happens to a tool whose contract looks poisoned:
	// "quarantine" (default) or "flag".
	PoisonAction string `yaml:"poison_action"`
	// MaxMessageBytes caps one JSON-RPC message (default 4 MiB).
	MaxMessageBytes int64       `yaml:"max_message_bytes"`
	Servers         []MCPServer `yaml:"servers"`
}

// MCPServer is one upstream MCP server, served to agents at /mcp/{name}.
type MCPServer struct {
	Name string `yaml:"name"`
	// Transport is "http" (Streamable HTTP) or "stdio" (subprocess).
	Transport string   `yaml:"transport"`
	URL       string   `yaml:"url"`
	Command   string   `yaml:"command"`
	Args      []string `yaml:"args"`
	// Env is the subprocess environment (nothing else is inherited).
	Env map[string]string `yaml:"env"`
	// Headers are the upstream's credentials and other headers, sent by
	// Bulwark; agents never see them.
	Headers []MCPHeader `yaml:"headers"`
}

// MCPHeader is one header for an HTTP upstream; exactly one of Value,
// ValueEnv and ValueFile is set (secrets belong in env or file).
type MCPHeader struct {
	Name      string `yaml:"name"`
	Value     string `yaml:"value"`
	ValueEnv  string `yaml:"value_env"`
	ValueFile string `yaml:"value_file"`
}

// Agents and MCP defaults.
const (
	DefaultApprovalTimeout = 5 * time.Minute
	DefaultPinStore        = "./data/mcp-pins.json"
)

var mcpServerName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// WithDefaults returns a copy with unset fields filled in.
func (a Agents) WithDefaults() Agents {
	if a.TimeZone == "" {
		a.TimeZone = "UTC"
	}
	if a.PolicyTimeout == 0 {
		a.PolicyTimeout = Duration(time.Second)
	}
	if a.MaxArgumentBytes == 0 {
		a.MaxArgumentBytes = 1 << 20
	}
	if a.Approvals.Timeout == 0 {
		a.Approvals.Timeout = Duration(DefaultApprovalTimeout)
	}
	if a.Approvals.Webhook.Format == "" {
		a.Approvals.Webhook.Format = "json"
	}
	if a.Approvals.Webhook.Timeout == 0 {
		a.Approvals.Webhook.Timeout = Duration(5 * time.Second)
	}
	if a.KillSwitch.Backend == "" {
		a.KillSwitch.Backend = "memory"
	}
	return a
}

// Validate reports the problems in the section.
func (a *Agents) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if a.TimeZone != "" {
		if _, err := time.LoadLocation(a.TimeZone); err != nil {
			add("time_zone: %q is not an IANA time zone", a.TimeZone)
		}
	}
	if a.MaxArgumentBytes < 0 {
		add("max_argument_bytes: must not be negative")
	}
	for who, pats := range a.AllowLists {
		if who == "" {
			add("allow_lists: empty agent name")
		}
		for _, p := range pats {
			if _, err := path.Match(p, ""); err != nil || p == "" {
				add("allow_lists.%s: %q is not a valid pattern", who, p)
			}
		}
	}
	w := a.Approvals.Webhook
	switch w.Format {
	case "", "json", "slack":
	default:
		add("approvals.webhook.format: %q is not json or slack", w.Format)
	}
	if w.URL != "" {
		if u, err := url.Parse(w.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("approvals.webhook.url: must be an http(s) URL")
		}
	}
	switch a.KillSwitch.Backend {
	case "", "memory":
	case "redis":
		if a.KillSwitch.RedisAddr == "" {
			add("kill_switch.redis_addr: required with backend redis")
		}
	default:
		add("kill_switch.backend: %q is not memory or redis", a.KillSwitch.Backend)
	}
	return errors.Join(errs...)
}

// WithDefaults returns a copy with unset fields filled in.
func (m MCP) WithDefaults() MCP {
	if m.PinStore == "" {
		m.PinStore = DefaultPinStore
	}
	if m.PoisonAction == "" {
		m.PoisonAction = "quarantine"
	}
	if m.MaxMessageBytes == 0 {
		m.MaxMessageBytes = 4 << 20
	}
	for i := range m.Servers {
		if m.Servers[i].Transport == "" {
			m.Servers[i].Transport = "http"
		}
	}
	return m
}

// Validate reports the problems in the section.
func (m *MCP) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch m.PoisonAction {
	case "", "quarantine", "flag":
	default:
		add("poison_action: %q is not quarantine or flag", m.PoisonAction)
	}
	if m.MaxMessageBytes < 0 {
		add("max_message_bytes: must not be negative")
	}
	if m.PinStore != "" && filepath.Ext(m.PinStore) == "" {
		add("pin_store: %q should be a file path (e.g. ./data/mcp-pins.json)", m.PinStore)
	}
	seen := map[string]bool{}
	for i, s := range m.Servers {
		where := fmt.Sprintf("servers[%d]", i)
		if !mcpServerName.MatchString(s.Name) {
			add("%s.name: %q must be 1-64 letters, digits, '-' or '_'", where, s.Name)
		}
		if seen[s.Name] {
			add("%s.name: %q is used twice", where, s.Name)
		}
		seen[s.Name] = true
		switch s.Transport {
		case "", "http":
			u, err := url.Parse(s.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				add("%s.url: must be an http(s) URL", where)
			}
			if s.Command != "" {
				add("%s.command: only for transport stdio", where)
			}
		case "stdio":
			if s.Command == "" {
				add("%s.command: required for transport stdio", where)
			}
			if len(s.Headers) > 0 {
				add("%s.headers: only for transport http", where)
			}
		default:
			add("%s.transport: %q is not http or stdio", where, s.Transport)
		}
		for j, h := range s.Headers {
			n := 0
			for _, v := range []string{h.Value, h.ValueEnv, h.ValueFile} {
				if v != "" {
					n++
				}
			}
			if h.Name == "" || n != 1 {
				add("%s.headers[%d]: needs a name and exactly one of value, value_env, value_file", where, j)
			}
		}
	}
	return errors.Join(errs...)
}

// DemoAgents returns the agent-security settings of `bulwark serve --demo`:
// the firewall on, no policy directory (allow unless a kill switch or the
// guardrails say otherwise), two-minute approvals, in-memory kill switch.
func DemoAgents() Agents {
	return Agents{Enabled: true, Approvals: Approvals{Timeout: Duration(2 * time.Minute)}}.WithDefaults()
}

// DemoMCP returns the MCP settings of the demo: the gateway on, pins in
// memory-backed ./data, no upstream servers (add some in a config file).
func DemoMCP() MCP {
	return MCP{Enabled: true}.WithDefaults()
}
