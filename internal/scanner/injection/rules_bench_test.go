package injection

import (
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
)

func BenchmarkRules1KB(b *testing.B) {
	base := "Could you summarize the following meeting notes and list the action items for each person? "
	text := normalize.Normalize(strings.Repeat(base, 1024/len(base)+1)[:1024]).Norm
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = matchRules(text)
	}
}

func BenchmarkRulesLongDoc(b *testing.B) {
	base := "The committee reviewed the budget for the next fiscal year and approved the proposal with minor changes.\n"
	text := strings.Repeat(base, 1<<20/len(base))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = matchRules(text)
	}
}

// BenchmarkRules1KBTriggers is the rules' bad case: 1 KB of benign text
// dense with the words the anchors look for, so most rules run their
// expression.
func BenchmarkRules1KBTriggers(b *testing.B) {
	base := "Please ignore the typos above; what is a system prompt, and how do I enable developer mode without root? " +
		"Instead of the previous instructions for the recipe, start with the sauce and never refuse dessert. "
	text := normalize.Normalize(strings.Repeat(base, 1024/len(base)+1)[:1024]).Norm
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = matchRules(text)
	}
}

// BenchmarkRules64KBTriggers is the adversarial case at size: 64 KB of
// benign text dense with anchor words. The work bound in matchRules keeps
// it linear with a small constant.
func BenchmarkRules64KBTriggers(b *testing.B) {
	base := "Please ignore the typos above; what is a system prompt, and how do I enable developer mode without root? " +
		"Instead of the previous instructions for the recipe, start with the sauce and never refuse dessert. "
	text := normalize.Normalize(strings.Repeat(base, 64<<10/len(base)+1)[:64<<10]).Norm
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = matchRules(text)
	}
}
