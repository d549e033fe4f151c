package pii

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWorldNames: names from the session-8 world lexicon (lexicon_world.go)
// are found without a cue word; before, two unknown title-case words were
// not enough.
func TestWorldNames(t *testing.T) {
	d := testDetector(t)
	for _, tc := range []struct {
		text string
		want []span
	}{
		{"Please move the 3pm slot for Chidi Okonkwo to Thursday.", []span{{TypePerson, "Chidi Okonkwo"}}},
		{"Thandeka Mahlangu approved the refund yesterday.", []span{{TypePerson, "Thandeka Mahlangu"}}},
		{"The contract was countersigned by Oluwaseun Adeyemi in Lagos.", []span{{TypePerson, "Oluwaseun Adeyemi"}}},
	} {
		if got := spans(tc.text, d.Find(tc.text)); !cmp.Equal(got, tc.want) {
			t.Errorf("Find(%q) = %v; want %v", tc.text, got, tc.want)
		}
	}
}
