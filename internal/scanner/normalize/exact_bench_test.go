package normalize

import (
	"strings"
	"testing"
)

// Texts for Exact: ASCII prose is every English prompt's path; Russian and
// Chinese prose have nothing to fold either; a fullwidth and look-alike
// text folds throughout.
var (
	benchRussian  = strings.Repeat("Добрый день! Пришлите, пожалуйста, отчёт за квартал и сахар для кота. ", 8)
	benchChinese  = strings.Repeat("请把季度报告发给我，明天上午十点开会，谢谢。", 16)
	benchDisguise = strings.Repeat("key ＡＫＩＡＺ３ＭＳＪＶ４ＷＷＮＫＷＷ５ＺＣ mail jоhn@exаmple.com AKIA\u200bZ3M ", 11)
)

func benchExact(b *testing.B, s string) {
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Exact(s)
	}
}

func BenchmarkExactProse1KB(b *testing.B)    { benchExact(b, benchProse) }
func BenchmarkExactRussian1KB(b *testing.B)  { benchExact(b, benchRussian) }
func BenchmarkExactChinese1KB(b *testing.B)  { benchExact(b, benchChinese) }
func BenchmarkExactDisguise1KB(b *testing.B) { benchExact(b, benchDisguise) }

// BenchmarkExactLongTokens64KB: one 64 KB token of look-alikes, and
// fullwidth commas between runs of invisible characters, must stay linear
// (each token, run and gap is looked at a bounded number of times).
func BenchmarkExactLongTokens64KB(b *testing.B) {
	s := strings.Repeat("сор", 5461) + "1 " + strings.Repeat("，\u200b\u200b", 3641)
	benchExact(b, s)
}
