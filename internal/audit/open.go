package audit

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/store"
	"github.com/bulwark-ai/bulwark/internal/store/postgres"
	"github.com/bulwark-ai/bulwark/internal/store/sqlite"
)

// OpenStore opens the store a config names (defaults applied). getenv
// resolves postgres_dsn_env.
func OpenStore(ctx context.Context, c config.Audit, getenv func(string) string) (store.Store, error) {
	c = c.WithDefaults()
	switch c.Store {
	case "sqlite":
		return sqlite.Open(ctx, c.SQLitePath, sqlite.Options{})
	case "postgres":
		dsn := c.PostgresDSN
		if c.PostgresDSNEnv != "" && getenv != nil {
			dsn = getenv(c.PostgresDSNEnv)
		}
		if dsn == "" {
			return nil, fmt.Errorf("audit: postgres DSN is empty (set postgres_dsn or the variable in postgres_dsn_env)")
		}
		return postgres.Open(ctx, dsn, postgres.Options{})
	}
	return nil, fmt.Errorf("audit: unknown store %q", c.Store)
}

// Open builds the Log a config asks for: it opens the store, loads (or on
// first start creates) the signing key and writes the public key next to
// it, loads the master key when payloads are kept, and starts the log. The
// Log owns the store: Close closes it. getenv resolves *_env settings.
func Open(ctx context.Context, c config.Audit, getenv func(string) string, logger *slog.Logger, m *Metrics) (*Log, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	signer, _, err := LoadOrCreateSigner(c.SigningKey, c.PublicKey, c.Origin)
	if err != nil {
		return nil, err
	}
	var master []byte
	if c.Payloads != string(PayloadsOff) {
		if master, err = LoadMasterKey(c.MasterKeyFile, c.MasterKeyEnv, getenv); err != nil {
			return nil, err
		}
	}
	st, err := OpenStore(ctx, c, getenv)
	if err != nil {
		return nil, err
	}
	l, err := New(ctx, Options{
		Store: st, Signer: signer, Origin: c.Origin,
		Mode: Mode(c.Mode), BatchInterval: time.Duration(c.BatchInterval), MaxBatch: c.MaxBatch,
		QueueSize: c.QueueSize, Backpressure: Backpressure(c.Backpressure), AlarmWait: time.Duration(c.AlarmWait),
		Payloads: PayloadMode(c.Payloads), MasterKey: master, PerEndUserKeys: c.PerEndUserKeys,
		Retention:          time.Duration(c.RetentionDays) * 24 * time.Hour,
		CheckpointInterval: time.Duration(c.CheckpointInterval),
		Logger:             logger, Metrics: m,
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	l.ownStore = true
	return l, nil
}
