package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/store"
	"github.com/bulwark-ai/bulwark/internal/store/sqlite"
	"github.com/bulwark-ai/bulwark/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"), sqlite.Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "audit.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	e := store.Entry{Index: 0, Leaf: []byte("{}"), LeafHash: []byte("h")}
	if err := s.Append(ctx, store.Batch{Entries: []store.Entry{e}}); err != nil {
		t.Fatalf("Append: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s, err = sqlite.Open(ctx, path, sqlite.Options{MustExist: true})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if n, err := s.Size(ctx); err != nil || n != 1 {
		t.Errorf("Size() after reopen = %d, %v; want 1, nil", n, err)
	}
	if _, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "missing.db"), sqlite.Options{MustExist: true}); err == nil {
		t.Error("Open(missing, MustExist) = nil error; want error")
	}
}
