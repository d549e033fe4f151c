package secrets

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fullwidth writes s with the fullwidth forms of its ASCII characters.
func fullwidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7F {
			return r + 0xFEE0
		}
		return r
	}, s)
}

// mathBold writes s's capitals and digits in mathematical bold.
func mathBold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'A' <= r && r <= 'Z':
			return 0x1D400 + r - 'A'
		case '0' <= r && r <= '9':
			return 0x1D7CE + r - '0'
		}
		return r
	}, s)
}

// TestLookalikeCharactersInsideSecret: a key written in fullwidth or
// mathematical letters, with the digits of another script, or with a
// Cyrillic or Greek look-alike in it, is the
// key a model reads: it is found, and the span covers the characters as
// written. Russian, Greek and Chinese text around a key, or alone, does not
// change what is found.
func TestLookalikeCharactersInsideSecret(t *testing.T) {
	d := testDetector(t)
	type span struct{ Type, Text string }
	key := awsKey()
	cyrA := "А" + key[1:]                            // Cyrillic capital A
	greekK := strings.Replace(key, "K", "Κ", 1)      // Greek capital kappa
	cyrGH := strings.Replace(ghToken(), "o", "о", 1) // Cyrillic small o
	// The key's digits in Arabic-Indic and Devanagari digits.
	arabic := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return 0x660 + r - '0'
		}
		return r
	}, key)
	deva := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return 0x966 + r - '0'
		}
		return r
	}, key)
	for _, tc := range []struct {
		name, text string
		want       []span
	}{
		{"fullwidth AWS key", "why does " + fullwidth(key) + " fail?", []span{{"AWS_ACCESS_KEY", fullwidth(key)}}},
		{"fullwidth key after a fullwidth colon", "key＝" + fullwidth(key), []span{{"AWS_ACCESS_KEY", fullwidth(key)}}},
		{"mathematical bold AWS key", "key " + mathBold(key) + " here", []span{{"AWS_ACCESS_KEY", mathBold(key)}}},
		{"Cyrillic A in an AWS key", "why does " + cyrA + " fail?", []span{{"AWS_ACCESS_KEY", cyrA}}},
		{"Greek K in an AWS key", "key " + greekK, []span{{"AWS_ACCESS_KEY", greekK}}},
		{"Cyrillic o in a GitHub token", "export GITHUB_TOKEN=" + cyrGH, []span{{"GITHUB_TOKEN", cyrGH}}},
		{"AWS key with Arabic-Indic digits", "key " + arabic + " here", []span{{"AWS_ACCESS_KEY", arabic}}},
		{"AWS key with Devanagari digits", "key " + deva, []span{{"AWS_ACCESS_KEY", deva}}},
		{"key in Russian text", "мой ключ " + cyrA + ", спасибо", []span{{"AWS_ACCESS_KEY", cyrA}}},
		{"key in Chinese text", "我的密钥是" + fullwidth(key) + "。", []span{{"AWS_ACCESS_KEY", fullwidth(key)}}},
		{"Russian text alone", "Привет! Мой пароль от почты я не помню, а ключ доступа лежит в сейфе. Сахар, кот, сор.", nil},
		{"Greek text alone", "Ο κωδικός πρόσβασης είναι μυστικός. ΑΘΗΝΑ, ΚΡΗΤΗ.", nil},
		{"Chinese text alone", "请帮我检查一下密码和访问令牌是否正确，谢谢。", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []span
			for _, f := range d.Find(tc.text) {
				got = append(got, span{f.Type, tc.text[f.Start:f.End]})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Find(%q) mismatch (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}
