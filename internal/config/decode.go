package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Load reads, strictly decodes, defaults and validates the config file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Parse strictly decodes YAML config bytes, applies defaults and validates.
// Unknown keys are errors that name the key and its line.
func Parse(data []byte) (*Config, error) {
	cfg, err := Decode(data)
	if err != nil {
		return nil, err
	}
	cfg.ApplyDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	return cfg, nil
}

// Decode strictly decodes YAML config bytes without defaults or validation.
func Decode(data []byte) (*Config, error) {
	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		if errors.Is(err, io.EOF) {
			return &cfg, nil // empty file: all defaults
		}
		return nil, decodeError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("config: more than one YAML document")
	}
	return &cfg, nil
}

var notFound = regexp.MustCompile(`^line (\d+): field (.+) not found in type config\.(\w+)$`)

// decodeError rewrites yaml.v3's messages into "line N: unknown key ...".
func decodeError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("config: %w", err)
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, m := range te.Errors {
		if sm := notFound.FindStringSubmatch(m); sm != nil {
			m = fmt.Sprintf("line %s: unknown key %q (in %s)", sm[1], sm[2], strings.ToLower(sm[3]))
		}
		msgs = append(msgs, m)
	}
	return fmt.Errorf("config: %s", strings.Join(msgs, "; "))
}

// Duration is a time.Duration written as a Go duration string ("1.5s").
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: duration must be a string like \"1.5s\"", n.Line)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a valid duration (like \"1.5s\")", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML implements yaml.Marshaler.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// APIKey returns the upstream's credential from its env var or file; "" when
// neither is configured. Errors name the variable or file, never the value.
func (u *Upstream) APIKey(getenv func(string) string) (string, error) {
	switch {
	case u.APIKeyEnv != "":
		v := getenv(u.APIKeyEnv)
		if v == "" {
			return "", fmt.Errorf("upstream %s: environment variable %s is empty or unset", u.Name, u.APIKeyEnv)
		}
		return v, nil
	case u.APIKeyFile != "":
		b, err := os.ReadFile(u.APIKeyFile)
		if err != nil {
			return "", fmt.Errorf("upstream %s: read api_key_file: %w", u.Name, err)
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			return "", fmt.Errorf("upstream %s: api_key_file %s is empty", u.Name, u.APIKeyFile)
		}
		return v, nil
	}
	return "", nil
}
