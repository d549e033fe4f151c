package guard

import (
	"cmp"
	"slices"
	"strings"
)

// Conceal returns text with every original value this session pseudonymized
// replaced by its placeholder again: the inverse of the restore that
// CheckOutput and streams apply. Callers that keep a copy of a response
// (the audit log's redacted payloads) use it so the values stay out of the
// copy. Longer values win over values they contain.
func (s *Session) Conceal(text string) string {
	if len(s.vault.byPH) == 0 || text == "" {
		return text
	}
	type pair struct{ ph, val string }
	ps := make([]pair, 0, len(s.vault.byPH))
	for ph, val := range s.vault.byPH {
		if val != "" {
			ps = append(ps, pair{ph, val})
		}
	}
	slices.SortFunc(ps, func(a, b pair) int {
		if c := cmp.Compare(len(b.val), len(a.val)); c != 0 {
			return c
		}
		return strings.Compare(a.val, b.val)
	})
	args := make([]string, 0, 2*len(ps))
	for _, p := range ps {
		args = append(args, p.val, p.ph)
	}
	return strings.NewReplacer(args...).Replace(text)
}
