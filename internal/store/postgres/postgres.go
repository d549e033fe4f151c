// Package postgres is the scale-out audit store on PostgreSQL (pgx). Commits
// are durable when PostgreSQL's synchronous_commit is on (its default).
// Many gateway replicas may read; one process appends (single writer): a
// second writer's Append fails on the index check or the primary key rather
// than forking the log.
package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/bulwark-ai/bulwark/internal/store/sqlstore"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// Options tunes Open.
type Options struct {
	// Prefix is prepended to table names (default "audit_"). Tests use a
	// unique prefix per run so parallel runs do not collide.
	Prefix string
	// MaxConns bounds the connection pool (default 8).
	MaxConns int
}

// Open connects to the database at dsn (a postgres:// URL or key=value
// string) and creates the tables if needed.
func Open(ctx context.Context, dsn string, opts Options) (*sqlstore.Store, error) {
	if opts.Prefix == "" {
		opts.Prefix = "audit_"
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 8
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	db.SetMaxOpenConns(opts.MaxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres store: connect: %w", err)
	}
	s, err := sqlstore.Open(ctx, db, db, sqlstore.Dialect{
		Name: "postgres", Dollar: true, Blob: "BYTEA", Int: "BIGINT", MaxParams: 60000,
	}, opts.Prefix, db.Close)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}
