package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// Audit configures the audit log: store, durability mode, payload capture,
// encryption keys, retention and checkpoints. Zero values mean the
// defaults below (see WithDefaults); docs/audit.md is the reference.
type Audit struct {
	// Enabled turns the audit log on. When it is on and cannot record an
	// event, the request fails (fail closed).
	Enabled bool `yaml:"enabled"`
	// DataDir holds the SQLite database and the signing keys (default
	// "./data").
	DataDir string `yaml:"data_dir"`
	// Store is "sqlite" (default) or "postgres".
	Store string `yaml:"store"`
	// SQLitePath is the database file (default <data_dir>/audit.db).
	SQLitePath string `yaml:"sqlite_path"`
	// PostgresDSN is the PostgreSQL connection string; PostgresDSNEnv
	// names an environment variable holding it instead (preferred: DSNs
	// often carry a password).
	PostgresDSN    string `yaml:"postgres_dsn"`
	PostgresDSNEnv string `yaml:"postgres_dsn_env"`

	// Mode is "sync" (default: a response is not sent before its event is
	// fsync'd) or "batch" (group commit every BatchInterval; a crash loses
	// at most the events of the last interval).
	Mode          string   `yaml:"mode"`
	BatchInterval Duration `yaml:"batch_interval"` // default 50ms
	// QueueSize bounds accepted, uncommitted events (default 16384).
	QueueSize int `yaml:"queue_size"`
	// MaxBatch bounds the events in one transaction (default 4096).
	MaxBatch int `yaml:"max_batch"`
	// Backpressure is "reject" (default: a full queue fails the request at
	// once with 503) or "alarm" (wait up to AlarmWait for room, raising
	// the bulwark_audit_pushback_total metric and an error log; fail the
	// request if there is still no room). No mode drops events silently.
	Backpressure string   `yaml:"backpressure"`
	AlarmWait    Duration `yaml:"alarm_wait"` // default 2s

	// Payloads is "off" (default), "redacted" (bodies after guardrail
	// redaction) or "full". Kept payloads are encrypted with AES-256-GCM.
	Payloads string `yaml:"payloads"`
	// MasterKeyFile or MasterKeyEnv supply the 32-byte master key (base64
	// or hex) that wraps the per-tenant data keys. Required unless
	// payloads are off. Never stored in the database.
	MasterKeyFile string `yaml:"master_key_file"`
	MasterKeyEnv  string `yaml:"master_key_env"`
	// PerEndUserKeys gives each (tenant, end user) its own data key, so an
	// end user's payloads can be shredded by deleting one key.
	PerEndUserKeys bool `yaml:"per_end_user_keys"`
	// RetentionDays erases payloads older than this many days (0 keeps
	// them). Leaves and checkpoints are kept: the log stays verifiable.
	RetentionDays int `yaml:"retention_days"`

	// CheckpointInterval signs a checkpoint this often when the log grew
	// (default 10s).
	CheckpointInterval Duration `yaml:"checkpoint_interval"`
	// Origin is the checkpoint origin line, naming this log (default
	// "bulwark.local/audit"). Use a name unique to the deployment.
	Origin string `yaml:"origin"`
	// SigningKey is the note signer key file (default <data_dir>/audit.key,
	// generated on first start); PublicKey receives the verifier key
	// (default <data_dir>/audit.pub) that auditors use.
	SigningKey string `yaml:"signing_key"`
	PublicKey  string `yaml:"public_key"`
}

// Audit defaults.
const (
	DefaultAuditDataDir = "./data"
	DefaultAuditOrigin  = "bulwark.local/audit"
)

// WithDefaults returns a copy with unset fields filled in.
func (a Audit) WithDefaults() Audit {
	if a.DataDir == "" {
		a.DataDir = DefaultAuditDataDir
	}
	if a.Store == "" {
		a.Store = "sqlite"
	}
	if a.SQLitePath == "" {
		a.SQLitePath = filepath.Join(a.DataDir, "audit.db")
	}
	if a.Mode == "" {
		a.Mode = "sync"
	}
	if a.BatchInterval == 0 {
		a.BatchInterval = Duration(50 * time.Millisecond)
	}
	if a.QueueSize == 0 {
		a.QueueSize = 16384
	}
	if a.MaxBatch == 0 {
		a.MaxBatch = 4096
	}
	if a.Backpressure == "" {
		a.Backpressure = "reject"
	}
	if a.AlarmWait == 0 {
		a.AlarmWait = Duration(2 * time.Second)
	}
	if a.Payloads == "" {
		a.Payloads = "off"
	}
	if a.CheckpointInterval == 0 {
		a.CheckpointInterval = Duration(10 * time.Second)
	}
	if a.Origin == "" {
		a.Origin = DefaultAuditOrigin
	}
	if a.SigningKey == "" {
		a.SigningKey = filepath.Join(a.DataDir, "audit.key")
	}
	if a.PublicKey == "" {
		a.PublicKey = filepath.Join(a.DataDir, "audit.pub")
	}
	return a
}

// Validate reports every problem in the section, joined. Unset fields are
// valid (they take defaults).
func (a *Audit) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	oneOf := func(field, v string, allowed ...string) {
		if v == "" {
			return
		}
		for _, x := range allowed {
			if v == x {
				return
			}
		}
		add("%s: %q is not one of %v", field, v, allowed)
	}
	oneOf("store", a.Store, "sqlite", "postgres")
	oneOf("mode", a.Mode, "sync", "batch")
	oneOf("backpressure", a.Backpressure, "reject", "alarm")
	oneOf("payloads", a.Payloads, "off", "redacted", "full")
	if a.Store == "postgres" && a.PostgresDSN == "" && a.PostgresDSNEnv == "" {
		add("postgres_dsn or postgres_dsn_env: required when store is postgres")
	}
	if a.PostgresDSN != "" && a.PostgresDSNEnv != "" {
		add("postgres_dsn, postgres_dsn_env: set one, not both")
	}
	if a.Payloads != "" && a.Payloads != "off" && a.MasterKeyFile == "" && a.MasterKeyEnv == "" {
		add("master_key_file or master_key_env: required when payloads are %q", a.Payloads)
	}
	if a.MasterKeyFile != "" && a.MasterKeyEnv != "" {
		add("master_key_file, master_key_env: set one, not both")
	}
	for _, d := range []struct {
		name string
		v    Duration
	}{{"batch_interval", a.BatchInterval}, {"alarm_wait", a.AlarmWait}, {"checkpoint_interval", a.CheckpointInterval}} {
		if d.v < 0 {
			add("%s: must not be negative", d.name)
		}
	}
	if a.BatchInterval > Duration(10*time.Second) {
		add("batch_interval: %v is longer than 10s (it is the crash loss window)", time.Duration(a.BatchInterval))
	}
	if a.QueueSize < 0 || a.MaxBatch < 0 || a.RetentionDays < 0 {
		add("queue_size, max_batch, retention_days: must not be negative")
	}
	for _, c := range a.Origin {
		if c == '\n' || c == '+' || c == ' ' {
			add("origin: must not contain spaces, '+' or newlines")
			break
		}
	}
	return errors.Join(errs...)
}

// DemoAudit returns the audit settings of `bulwark serve --demo`: enabled,
// SQLite under ./data, sync mode (every response waits for its fsync'd
// event, so the demo shows the strongest guarantee), payloads off (the demo
// has no master key), checkpoints every 10s.
func DemoAudit() Audit {
	return Audit{Enabled: true, DataDir: DefaultAuditDataDir, Mode: "sync", Payloads: "off"}.WithDefaults()
}
