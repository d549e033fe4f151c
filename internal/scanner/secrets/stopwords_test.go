package secrets

import (
	"math/rand/v2"
	"strings"
	"testing"

	glconfig "github.com/zricethezav/gitleaks/v8/config"
)

// TestStopWordsMatchGitleaks checks that our compact stop-word automaton
// answers exactly what gitleaks' own Allowlist.ContainsStopWord answers, for
// every allowlist of the default config that has stop words (the global one
// and generic-api-key's 1,446 words), on strings built from their pieces.
func TestStopWordsMatchGitleaks(t *testing.T) {
	cfg, err := gitleaksConfig()
	if err != nil {
		t.Fatal(err)
	}
	var refs []*glconfig.Allowlist
	seenRef := map[*glconfig.Allowlist]bool{}
	for _, a := range cfg.Allowlists {
		if len(a.StopWords) > 0 && !seenRef[a] {
			seenRef[a] = true
			refs = append(refs, a)
		}
	}
	for _, r := range cfg.Rules {
		for _, a := range r.Allowlists {
			if len(a.StopWords) > 0 && !seenRef[a] {
				seenRef[a] = true
				refs = append(refs, a)
			}
		}
	}
	if len(refs) < 2 {
		t.Fatalf("%d allowlists with stop words; want the global one and generic-api-key's", len(refs))
	}
	ours, err := compactAllowlists(refs, map[*glconfig.Allowlist]*allowlist{})
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, a := range refs {
		words = append(words, a.StopWords...)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/=.é\u212a"
	piece := func() string {
		w := words[rng.IntN(len(words))]
		switch rng.IntN(4) {
		case 0:
			return w
		case 1:
			return strings.ToUpper(w)
		case 2:
			return w[:rng.IntN(len(w))] // a prefix: often no match
		default:
			return w[rng.IntN(len(w)):]
		}
	}
	cases := []string{"", "a", "KEY", "Kelvin\u212aey", "ÄPFEL", "xxx", "S\xc3bM+sph1_cslackJsMjtrackingt"}
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := rng.IntN(5); n >= 0; n-- {
			if rng.IntN(2) == 0 {
				b.WriteString(piece())
			}
			for m := rng.IntN(6); m > 0; m-- {
				b.WriteByte(alpha[rng.IntN(len(alpha))])
			}
		}
		cases = append(cases, b.String())
	}
	for k, ref := range refs {
		hits := 0
		for _, s := range cases {
			want, _ := ref.ContainsStopWord(s)
			if got := ours[k].containsStopWord(s); got != want {
				t.Fatalf("allowlist %d: containsStopWord(%q) = %v; gitleaks says %v", k, s, got, want)
			}
			if want {
				hits++
			}
		}
		t.Logf("allowlist %d (%d stop words): %d of %d cases contain one", k, len(ref.StopWords), hits, len(cases))
		if len(ref.StopWords) > 100 && (hits < len(cases)/10 || hits > len(cases)*9/10) {
			t.Errorf("%d of %d cases contain a stop word; want a mix", hits, len(cases))
		}
	}
}
