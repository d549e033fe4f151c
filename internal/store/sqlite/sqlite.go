// Package sqlite is the embedded audit store: one SQLite file (modernc.org/
// sqlite, pure Go) in WAL mode with synchronous=FULL, so a committed Append
// is on disk (fsync'd) before it returns. One process writes; any number of
// readers (the `bulwark audit` commands) may open the same file.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/bulwark-ai/bulwark/internal/store/sqlstore"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DefaultPath is the database file used when none is configured.
const DefaultPath = "data/audit.db"

// Options tunes Open.
type Options struct {
	// Prefix is prepended to table names (default "audit_").
	Prefix string
	// MustExist refuses to create a new database: offline verification
	// and export must not turn a wrong path into an empty, "valid" log.
	MustExist bool
}

// Open opens (creating if needed) the database at path.
func Open(ctx context.Context, path string, opts Options) (*sqlstore.Store, error) {
	if path == "" {
		path = DefaultPath
	}
	if opts.Prefix == "" {
		opts.Prefix = "audit_"
	}
	if opts.MustExist {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("sqlite store: %w", err)
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("sqlite store: %w", err)
		}
		// Create the file owner-only before SQLite does (it would use the
		// umask): it holds metadata and wrapped keys.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("sqlite store: %w", err)
		}
		f.Close()
	}
	dsn := func(extra string) string {
		v := url.Values{}
		for _, p := range []string{"page_size(16384)", "journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(1)", "cache_size(-32768)", "temp_store(MEMORY)", "mmap_size(2147418112)"} {
			v.Add("_pragma", p)
		}
		if extra != "" {
			v.Add("_txlock", extra)
		}
		return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + v.Encode()
	}
	w, err := sql.Open("sqlite", dsn("immediate"))
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	w.SetMaxOpenConns(1) // single writer
	r, err := sql.Open("sqlite", dsn(""))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	r.SetMaxOpenConns(4)
	closer := func() error { return errors.Join(w.Close(), r.Close()) }
	if err := w.PingContext(ctx); err != nil {
		closer()
		return nil, fmt.Errorf("sqlite store: open %s: %w", path, err)
	}
	s, err := sqlstore.Open(ctx, w, r, sqlstore.Dialect{
		Name: "sqlite", Blob: "BLOB", Int: "INTEGER", MaxParams: 32000,
	}, opts.Prefix, closer)
	if err != nil {
		closer()
		return nil, err
	}
	return s, nil
}
