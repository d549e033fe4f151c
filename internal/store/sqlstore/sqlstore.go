// Package sqlstore implements store.Store over database/sql for the SQL
// backends (store/sqlite and store/postgres), which differ only in their
// dialect: placeholders, column types and connection setup.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-ai/bulwark/internal/store"
)

// Dialect describes one SQL flavour.
type Dialect struct {
	// Name is used in error messages ("sqlite", "postgres").
	Name string
	// Dollar says placeholders are $1, $2, ... instead of ?.
	Dollar bool
	// Blob and Int are the column types for bytes and 64-bit integers.
	Blob, Int string
	// MaxParams bounds the placeholders in one statement.
	MaxParams int
}

// Store is a store.Store over one writer and one reader database handle (they
// may be the same). Appends are serialized in-process.
type Store struct {
	w, r   *sql.DB
	d      Dialect
	prefix string
	mu     sync.Mutex // serializes writes
	closer func() error
}

var _ store.Store = (*Store)(nil)

// Open wraps the handles and creates the tables (named prefix+"entries",
// ...) if they do not exist. closer, if not nil, is called by Close.
func Open(ctx context.Context, w, r *sql.DB, d Dialect, prefix string, closer func() error) (*Store, error) {
	if !validPrefix(prefix) {
		return nil, fmt.Errorf("%s store: invalid table prefix %q", d.Name, prefix)
	}
	s := &Store{w: w, r: r, d: d, prefix: prefix, closer: closer}
	for _, q := range s.schema() {
		if _, err := w.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("%s store: create schema: %w", d.Name, err)
		}
	}
	return s, nil
}

func validPrefix(p string) bool {
	for _, c := range p {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (s *Store) schema() []string {
	b, i, p := s.d.Blob, s.d.Int, s.prefix
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + p + `entries (
			idx ` + i + ` PRIMARY KEY,
			leaf ` + b + ` NOT NULL,
			leaf_hash ` + b + ` NOT NULL,
			time_ns ` + i + ` NOT NULL,
			kind TEXT NOT NULL,
			app TEXT NOT NULL,
			key_id TEXT NOT NULL,
			tenant TEXT NOT NULL,
			end_user TEXT NOT NULL,
			decision TEXT NOT NULL,
			finding_types TEXT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS ` + p + `entries_time ON ` + p + `entries (time_ns)`,
		`CREATE INDEX IF NOT EXISTS ` + p + `entries_leaf_hash ON ` + p + `entries (leaf_hash)`,
		`CREATE TABLE IF NOT EXISTS ` + p + `nodes (
			id ` + i + ` PRIMARY KEY,
			hash ` + b + ` NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS ` + p + `payloads (
			idx ` + i + ` NOT NULL,
			part TEXT NOT NULL,
			key_id TEXT NOT NULL,
			ciphertext ` + b + `,
			erased ` + i + ` NOT NULL,
			PRIMARY KEY (idx, part))`,
		`CREATE TABLE IF NOT EXISTS ` + p + `checkpoints (
			size ` + i + ` PRIMARY KEY,
			root ` + b + ` NOT NULL,
			note ` + b + ` NOT NULL,
			time_ns ` + i + ` NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS ` + p + `keys (
			id TEXT PRIMARY KEY,
			tenant TEXT NOT NULL,
			end_user TEXT NOT NULL,
			wrapped ` + b + ` NOT NULL,
			created_ns ` + i + ` NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS ` + p + `keys_owner ON ` + p + `keys (tenant, end_user)`,
	}
}

// Drop removes the store's tables (used by tests to clean up).
func (s *Store) Drop(ctx context.Context) error {
	for _, t := range []string{"entries", "nodes", "payloads", "checkpoints", "keys"} {
		if _, err := s.w.ExecContext(ctx, "DROP TABLE IF EXISTS "+s.prefix+t); err != nil {
			return fmt.Errorf("%s store: drop: %w", s.d.Name, err)
		}
	}
	return nil
}

// Close closes the handles.
func (s *Store) Close() error {
	if s.closer != nil {
		return s.closer()
	}
	return nil
}

// DB returns the writer handle (tests use it to tamper with rows).
func (s *Store) DB() *sql.DB { return s.w }

// Prefix returns the table prefix.
func (s *Store) Prefix() string { return s.prefix }

// q rewrites ? placeholders for the dialect and expands {p} to the prefix.
func (s *Store) q(query string) string {
	query = strings.ReplaceAll(query, "{p}", s.prefix)
	if !s.d.Dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// NodeKey packs a node id into one integer: level in the top 8 bits.
func NodeKey(id store.NodeID) int64 { return int64(uint64(id.Level)<<56 | id.Index) }

func joinTypes(types []string) string {
	if len(types) == 0 {
		return ""
	}
	return "," + strings.Join(types, ",") + ","
}

func splitTypes(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// insertRows runs multi-row INSERTs of rows (each with cols values) in tx.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, head string, cols int, rows [][]any) error {
	per := s.d.MaxParams / cols
	if per > 500 {
		per = 500
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	for len(rows) > 0 {
		n := min(per, len(rows))
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, n*cols)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(one)
			args = append(args, rows[i]...)
		}
		if _, err := tx.ExecContext(ctx, s.q(b.String()), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// Append implements store.Store.
func (s *Store) Append(ctx context.Context, b store.Batch) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s store: append: %w", s.d.Name, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if len(b.Entries) > 0 {
		var next int64
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(idx)+1, 0) FROM {p}entries`)).Scan(&next); err != nil {
			return fmt.Errorf("%s store: append: %w", s.d.Name, err)
		}
		for i, e := range b.Entries {
			if e.Index != uint64(next)+uint64(i) {
				return fmt.Errorf("%s store: entry index %d, want %d: %w", s.d.Name, e.Index, uint64(next)+uint64(i), store.ErrConflict)
			}
		}
	}
	rows := make([][]any, len(b.Entries))
	for i, e := range b.Entries {
		rows[i] = []any{int64(e.Index), e.Leaf, e.LeafHash, e.Time.UnixNano(), e.Kind, e.App, e.KeyID,
			e.Tenant, e.EndUser, e.Decision, joinTypes(e.FindingTypes)}
	}
	if err := s.insertRows(ctx, tx, `INSERT INTO {p}entries (idx, leaf, leaf_hash, time_ns, kind, app, key_id, tenant, end_user, decision, finding_types) VALUES `, 11, rows); err != nil {
		return fmt.Errorf("%s store: insert entries: %w", s.d.Name, err)
	}
	rows = rows[:0]
	for _, n := range b.Nodes {
		rows = append(rows, []any{NodeKey(n.ID), n.Hash})
	}
	if err := s.insertRows(ctx, tx, `INSERT INTO {p}nodes (id, hash) VALUES `, 2, rows); err != nil {
		return fmt.Errorf("%s store: insert nodes: %w", s.d.Name, err)
	}
	rows = rows[:0]
	for _, p := range b.Payloads {
		rows = append(rows, []any{int64(p.Index), p.Part, p.KeyID, p.Ciphertext, boolInt(p.Erased)})
	}
	if err := s.insertRows(ctx, tx, `INSERT INTO {p}payloads (idx, part, key_id, ciphertext, erased) VALUES `, 5, rows); err != nil {
		return fmt.Errorf("%s store: insert payloads: %w", s.d.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s store: commit: %w", s.d.Name, err)
	}
	return nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Size implements store.Store.
func (s *Store) Size(ctx context.Context) (uint64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(idx)+1, 0) FROM {p}entries`)).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s store: size: %w", s.d.Name, err)
	}
	return uint64(n), nil
}

const entryCols = `idx, leaf, leaf_hash, time_ns, kind, app, key_id, tenant, end_user, decision, finding_types`

type scanner interface{ Scan(dest ...any) error }

func scanEntry(r scanner) (store.Entry, error) {
	var (
		e      store.Entry
		idx    int64
		tns    int64
		ftypes string
	)
	if err := r.Scan(&idx, &e.Leaf, &e.LeafHash, &tns, &e.Kind, &e.App, &e.KeyID, &e.Tenant, &e.EndUser, &e.Decision, &ftypes); err != nil {
		return e, err
	}
	e.Index = uint64(idx)
	e.Time = time.Unix(0, tns).UTC()
	e.FindingTypes = splitTypes(ftypes)
	return e, nil
}

// Scan implements store.Store. It pages through the table so that fn never
// runs while a long read holds the database.
func (s *Store) Scan(ctx context.Context, from uint64, fn func(store.Entry) error) error {
	const page = 4096
	next := int64(from)
	for {
		rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+entryCols+` FROM {p}entries WHERE idx >= ? ORDER BY idx LIMIT ?`), next, page)
		if err != nil {
			return fmt.Errorf("%s store: scan: %w", s.d.Name, err)
		}
		batch := make([]store.Entry, 0, page)
		for rows.Next() {
			e, err := scanEntry(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("%s store: scan: %w", s.d.Name, err)
			}
			batch = append(batch, e)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("%s store: scan: %w", s.d.Name, err)
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
		next = int64(batch[len(batch)-1].Index) + 1
	}
}

// Entry implements store.Store.
func (s *Store) Entry(ctx context.Context, index uint64) (store.Entry, error) {
	e, err := scanEntry(s.r.QueryRowContext(ctx, s.q(`SELECT `+entryCols+` FROM {p}entries WHERE idx = ?`), int64(index)))
	return e, s.rowErr("entry", err)
}

// EntryByLeafHash implements store.Store.
func (s *Store) EntryByLeafHash(ctx context.Context, hash []byte) (store.Entry, error) {
	e, err := scanEntry(s.r.QueryRowContext(ctx, s.q(`SELECT `+entryCols+` FROM {p}entries WHERE leaf_hash = ? ORDER BY idx LIMIT 1`), hash))
	return e, s.rowErr("entry by leaf hash", err)
}

func (s *Store) rowErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return store.ErrNotFound
	}
	return fmt.Errorf("%s store: %s: %w", s.d.Name, what, err)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// Nodes implements store.Store. Leaf hashes (level 0) come from the
// entries, the rest from the nodes table, in one query: a node key with
// level 0 equals the leaf index, so the two key spaces do not overlap.
func (s *Store) Nodes(ctx context.Context, ids []store.NodeID) ([][]byte, error) {
	if len(ids) == 0 {
		return [][]byte{}, nil
	}
	var leaves, inner []any
	for _, id := range ids {
		if id.Level == 0 {
			leaves = append(leaves, int64(id.Index))
		} else {
			inner = append(inner, NodeKey(id))
		}
	}
	var parts []string
	if len(leaves) > 0 {
		parts = append(parts, `SELECT idx, leaf_hash FROM {p}entries WHERE idx IN (`+placeholders(len(leaves))+`)`)
	}
	if len(inner) > 0 {
		parts = append(parts, `SELECT id, hash FROM {p}nodes WHERE id IN (`+placeholders(len(inner))+`)`)
	}
	rows, err := s.r.QueryContext(ctx, s.q(strings.Join(parts, " UNION ALL ")), append(leaves, inner...)...)
	if err != nil {
		return nil, fmt.Errorf("%s store: nodes: %w", s.d.Name, err)
	}
	defer rows.Close()
	got := make(map[int64][]byte, len(ids))
	for rows.Next() {
		var (
			k int64
			h []byte
		)
		if err := rows.Scan(&k, &h); err != nil {
			return nil, fmt.Errorf("%s store: nodes: %w", s.d.Name, err)
		}
		got[k] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s store: nodes: %w", s.d.Name, err)
	}
	out := make([][]byte, len(ids))
	for i, id := range ids {
		h, ok := got[NodeKey(id)]
		if !ok {
			return nil, fmt.Errorf("%s store: node (level %d, index %d): %w", s.d.Name, id.Level, id.Index, store.ErrNotFound)
		}
		out[i] = h
	}
	return out, nil
}

// Query implements store.Store.
func (s *Store) Query(ctx context.Context, q store.Query) (store.Page, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	add("idx >= ?", int64(q.From))
	if !q.Since.IsZero() {
		add("time_ns >= ?", q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		add("time_ns < ?", q.Until.UnixNano())
	}
	for _, f := range []struct{ col, v string }{
		{"kind", q.Kind}, {"app", q.App}, {"key_id", q.KeyID}, {"tenant", q.Tenant},
		{"end_user", q.EndUser}, {"decision", q.Decision},
	} {
		if f.v != "" {
			add(f.col+" = ?", f.v)
		}
	}
	if q.FindingType != "" {
		add(`finding_types LIKE ? ESCAPE '\'`, "%,"+likeEscape(q.FindingType)+",%")
	}
	limit := q.EffectiveLimit()
	args = append(args, limit+1)
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+entryCols+` FROM {p}entries WHERE `+strings.Join(where, " AND ")+` ORDER BY idx LIMIT ?`), args...)
	if err != nil {
		return store.Page{}, fmt.Errorf("%s store: query: %w", s.d.Name, err)
	}
	defer rows.Close()
	var p store.Page
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return store.Page{}, fmt.Errorf("%s store: query: %w", s.d.Name, err)
		}
		if len(p.Entries) == limit {
			p.More = true
			p.Next = p.Entries[limit-1].Index + 1
			break
		}
		p.Entries = append(p.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, fmt.Errorf("%s store: query: %w", s.d.Name, err)
	}
	return p, nil
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

func scanPayload(r scanner) (store.Payload, error) {
	var (
		p      store.Payload
		idx    int64
		erased int64
	)
	if err := r.Scan(&idx, &p.Part, &p.KeyID, &p.Ciphertext, &erased); err != nil {
		return p, err
	}
	p.Index = uint64(idx)
	p.Erased = erased != 0
	return p, nil
}

// Payloads implements store.Store.
func (s *Store) Payloads(ctx context.Context, index uint64) ([]store.Payload, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT idx, part, key_id, ciphertext, erased FROM {p}payloads WHERE idx = ? ORDER BY part`), int64(index))
	if err != nil {
		return nil, fmt.Errorf("%s store: payloads: %w", s.d.Name, err)
	}
	defer rows.Close()
	var out []store.Payload
	for rows.Next() {
		p, err := scanPayload(rows)
		if err != nil {
			return nil, fmt.Errorf("%s store: payloads: %w", s.d.Name, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ScanPayloads implements store.Store.
func (s *Store) ScanPayloads(ctx context.Context, fn func(store.Payload) error) error {
	const page = 1024
	var (
		next     int64
		nextPart string
	)
	for {
		rows, err := s.r.QueryContext(ctx, s.q(`SELECT idx, part, key_id, ciphertext, erased FROM {p}payloads
			WHERE idx > ? OR (idx = ? AND part > ?) ORDER BY idx, part LIMIT ?`), next, next, nextPart, page)
		if err != nil {
			return fmt.Errorf("%s store: scan payloads: %w", s.d.Name, err)
		}
		var batch []store.Payload
		for rows.Next() {
			p, err := scanPayload(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("%s store: scan payloads: %w", s.d.Name, err)
			}
			batch = append(batch, p)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("%s store: scan payloads: %w", s.d.Name, err)
		}
		for _, p := range batch {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
		last := batch[len(batch)-1]
		next, nextPart = int64(last.Index), last.Part
	}
}

// AddCheckpoint implements store.Store. A second checkpoint for a size
// already stored is ignored.
func (s *Store) AddCheckpoint(ctx context.Context, c store.Checkpoint) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO {p}checkpoints (size, root, note, time_ns) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
		int64(c.Size), c.Root, c.Note, c.Time.UnixNano())
	if err != nil {
		return fmt.Errorf("%s store: add checkpoint: %w", s.d.Name, err)
	}
	return nil
}

func scanCheckpoint(r scanner) (store.Checkpoint, error) {
	var (
		c    store.Checkpoint
		size int64
		tns  int64
	)
	if err := r.Scan(&size, &c.Root, &c.Note, &tns); err != nil {
		return c, err
	}
	c.Size = uint64(size)
	c.Time = time.Unix(0, tns).UTC()
	return c, nil
}

// LatestCheckpoint implements store.Store.
func (s *Store) LatestCheckpoint(ctx context.Context) (store.Checkpoint, error) {
	c, err := scanCheckpoint(s.r.QueryRowContext(ctx, s.q(`SELECT size, root, note, time_ns FROM {p}checkpoints ORDER BY size DESC LIMIT 1`)))
	return c, s.rowErr("latest checkpoint", err)
}

// CheckpointAt implements store.Store.
func (s *Store) CheckpointAt(ctx context.Context, size uint64) (store.Checkpoint, error) {
	c, err := scanCheckpoint(s.r.QueryRowContext(ctx, s.q(`SELECT size, root, note, time_ns FROM {p}checkpoints WHERE size = ?`), int64(size)))
	return c, s.rowErr("checkpoint", err)
}

// Checkpoints implements store.Store.
func (s *Store) Checkpoints(ctx context.Context) ([]store.Checkpoint, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT size, root, note, time_ns FROM {p}checkpoints ORDER BY size`))
	if err != nil {
		return nil, fmt.Errorf("%s store: checkpoints: %w", s.d.Name, err)
	}
	defer rows.Close()
	var out []store.Checkpoint
	for rows.Next() {
		c, err := scanCheckpoint(rows)
		if err != nil {
			return nil, fmt.Errorf("%s store: checkpoints: %w", s.d.Name, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PutKey implements store.Store.
func (s *Store) PutKey(ctx context.Context, k store.DataKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO {p}keys (id, tenant, end_user, wrapped, created_ns) VALUES (?, ?, ?, ?, ?)`),
		k.ID, k.Tenant, k.EndUser, k.Wrapped, k.Created.UnixNano())
	if err != nil {
		return fmt.Errorf("%s store: put key: %w", s.d.Name, err)
	}
	return nil
}

func scanKey(r scanner) (store.DataKey, error) {
	var (
		k   store.DataKey
		tns int64
	)
	if err := r.Scan(&k.ID, &k.Tenant, &k.EndUser, &k.Wrapped, &tns); err != nil {
		return k, err
	}
	k.Created = time.Unix(0, tns).UTC()
	return k, nil
}

// ActiveKey implements store.Store.
func (s *Store) ActiveKey(ctx context.Context, tenant, endUser string) (store.DataKey, error) {
	k, err := scanKey(s.r.QueryRowContext(ctx, s.q(`SELECT id, tenant, end_user, wrapped, created_ns FROM {p}keys
		WHERE tenant = ? AND end_user = ? ORDER BY created_ns DESC, id LIMIT 1`), tenant, endUser))
	return k, s.rowErr("active key", err)
}

// Key implements store.Store.
func (s *Store) Key(ctx context.Context, id string) (store.DataKey, error) {
	k, err := scanKey(s.r.QueryRowContext(ctx, s.q(`SELECT id, tenant, end_user, wrapped, created_ns FROM {p}keys WHERE id = ?`), id))
	return k, s.rowErr("key", err)
}

// Erase implements store.Store.
func (s *Store) Erase(ctx context.Context, e store.Erasure) (out store.Erased, err error) {
	if e.Tenant == "" && e.EndUser == "" && e.Before.IsZero() {
		return out, fmt.Errorf("%s store: erase: no tenant, end user or time given", s.d.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return out, fmt.Errorf("%s store: erase: %w", s.d.Name, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var (
		where []string
		args  []any
	)
	if e.Tenant != "" {
		where = append(where, "tenant = ?")
		args = append(args, e.Tenant)
	}
	if e.EndUser != "" {
		where = append(where, "end_user = ?")
		args = append(args, e.EndUser)
	}
	if e.Before.IsZero() {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM {p}keys WHERE `+strings.Join(where, " AND ")), args...)
		if err != nil {
			return out, fmt.Errorf("%s store: erase keys: %w", s.d.Name, err)
		}
		n, _ := res.RowsAffected()
		out.Keys = int(n)
	} else {
		where = append(where, "time_ns < ?")
		args = append(args, e.Before.UnixNano())
	}
	res, err := tx.ExecContext(ctx, s.q(`UPDATE {p}payloads SET ciphertext = NULL, erased = 1
		WHERE erased = 0 AND idx IN (SELECT idx FROM {p}entries WHERE `+strings.Join(where, " AND ")+`)`), args...)
	if err != nil {
		return out, fmt.Errorf("%s store: erase payloads: %w", s.d.Name, err)
	}
	n, _ := res.RowsAffected()
	out.Payloads = int(n)
	if err := tx.Commit(); err != nil {
		return out, fmt.Errorf("%s store: erase: %w", s.d.Name, err)
	}
	return out, nil
}
