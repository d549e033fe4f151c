package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/store"
	"github.com/bulwark-ai/bulwark/internal/store/postgres"
	"github.com/bulwark-ai/bulwark/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	dsn := os.Getenv("BULWARK_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("set BULWARK_TEST_POSTGRES to run")
	}
	storetest.Run(t, func(t *testing.T) store.Store {
		b := make([]byte, 6)
		rand.Read(b)
		prefix := "t" + hex.EncodeToString(b) + "_"
		s, err := postgres.Open(context.Background(), dsn, postgres.Options{Prefix: prefix})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() {
			// Reopen: the suite closed s.
			c, err := postgres.Open(context.Background(), dsn, postgres.Options{Prefix: prefix})
			if err != nil {
				t.Errorf("cleanup: %v", err)
				return
			}
			defer c.Close()
			if err := c.Drop(context.Background()); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		})
		return s
	})
}
