package banned_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/scanner/banned"
)

type span struct {
	Type       string
	Start, End int
}

func TestScan(t *testing.T) {
	s, err := banned.New(banned.Config{
		Substrings:  []string{"internal only", "  "[:0]},
		Patterns:    []string{`project\s+(titan|atlas)`},
		Competitors: []string{"Acme", "Globex Corp"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []span
	}{
		{"nothing here", nil},
		{"This is INTERNAL ONLY material", []span{{banned.TypeSubstring, 8, 21}}},
		{"xinternal onlyx", []span{{banned.TypeSubstring, 1, 14}}},
		{"Try acme, or GLOBEX corp!", []span{{banned.TypeCompetitor, 4, 8}, {banned.TypeCompetitor, 13, 24}}},
		{"AcmeAcme acme acme", []span{{banned.TypeCompetitor, 9, 13}, {banned.TypeCompetitor, 14, 18}}},
		{"Acmes are not acme-corp", []span{{banned.TypeCompetitor, 14, 18}}},
		{"About Project  Titan.", []span{{banned.TypePattern, 6, 20}}},
		{"héllo acme ✓", []span{{banned.TypeCompetitor, 7, 11}}},
	}
	for _, tt := range tests {
		fs, err := s.Scan(context.Background(), guard.Input{Text: tt.text, Request: &guard.Request{}})
		if err != nil {
			t.Fatalf("Scan(%q): %v", tt.text, err)
		}
		var got []span
		for _, f := range fs {
			got = append(got, span{f.Type, f.Start, f.End})
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Scan(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestNewRejectsBadPattern(t *testing.T) {
	if _, err := banned.New(banned.Config{Patterns: []string{"("}}); err == nil {
		t.Errorf("New(pattern %q) = nil error; want error", "(")
	}
}

func TestReach(t *testing.T) {
	tests := []struct {
		cfg  banned.Config
		want int
	}{
		{banned.Config{Substrings: []string{"abc"}}, 3*4 + 8},
		{banned.Config{Patterns: []string{`x{2,5}`}}, 5*4 + 8},
		{banned.Config{Patterns: []string{`a.*b`}}, 1024 + 8},
	}
	for _, tt := range tests {
		s, err := banned.New(tt.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Reach(&guard.Request{}); got != tt.want {
			t.Errorf("New(%+v).Reach() = %d; want %d", tt.cfg, got, tt.want)
		}
	}
}
