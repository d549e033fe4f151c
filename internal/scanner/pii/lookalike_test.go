package pii

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

// TestLookalikeCharactersInsideValue: an address, card, SSN or phone
// number written with fullwidth characters or the digits of another script,
// or with no-break or ideographic spaces or Unicode dashes between its groups, or an
// address with a Cyrillic look-alike letter or a ligature in it, is found, and the span covers the characters as
// written. Russian and Chinese text does not change what is found.
func TestLookalikeCharactersInsideValue(t *testing.T) {
	d := testDetector(t)
	for _, tc := range []struct {
		name, text string
		want       []span
	}{
		{"Cyrillic o in an address", "mail me at jоhn.doe@example.com today", []span{{TypeEmail, "jоhn.doe@example.com"}}},
		{"Cyrillic letters in the domain", "write to support@ехаmple.com", []span{{TypeEmail, "support@ехаmple.com"}}},
		{"fullwidth at sign", "mail me at john.doe＠example.com today", []span{{TypeEmail, "john.doe＠example.com"}}},
		{"fullwidth card number", "card " + fullwidth("4111") + " " + fullwidth("1111") + " " + fullwidth("1111") + " " + fullwidth("1111") + " expires soon",
			[]span{{TypeCreditCard, fullwidth("4111") + " " + fullwidth("1111") + " " + fullwidth("1111") + " " + fullwidth("1111")}}},
		{"fullwidth SSN", "Here's my SSN: " + fullwidth("123-45-6780"), []span{{TypeUSSSN, fullwidth("123-45-6780")}}},
		{"fullwidth phone", "call me at " + fullwidth("(415)") + " " + fullwidth("555-2671") + " after lunch",
			[]span{{TypePhone, fullwidth("(415)") + " " + fullwidth("555-2671")}}},
		{"card number with no-break spaces", "card 4111\u00a01111\u00a01111\u00a01111 thanks", []span{{TypeCreditCard, "4111\u00a01111\u00a01111\u00a01111"}}},
		{"SSN with en dashes", "Here's my SSN: 123\u201345\u20136780", []span{{TypeUSSSN, "123\u201345\u20136780"}}},
		{"phone with a no-break space and an en dash", "call me at (415)\u00a0555\u20132671 after lunch", []span{{TypePhone, "(415)\u00a0555\u20132671"}}},
		{"IBAN with narrow no-break spaces", "IBAN DE89\u202f3704\u202f0044\u202f0532\u202f0130\u202f00 please", []span{{TypeIBAN, "DE89\u202f3704\u202f0044\u202f0532\u202f0130\u202f00"}}},
		{"card number in Arabic-Indic digits", "رقم البطاقة ٤١١١ ١١١١ ١١١١ ١١١١ شكرا", []span{{TypeCreditCard, "٤١١١ ١١١١ ١١١١ ١١١١"}}},
		{"card number with ideographic spaces", "カード番号は4111\u30001111\u30001111\u30001111です", []span{{TypeCreditCard, "4111\u30001111\u30001111\u30001111"}}},
		{"address with a ligature", "write to jeﬀ.miller@example.com today", []span{{TypeEmail, "jeﬀ.miller@example.com"}}},
		{"SSN in Devanagari digits", "my SSN is १२३-४५-६७८० ok", []span{{TypeUSSSN, "१२३-४५-६७८०"}}},
		{"address in Russian text", "Пишите мне на ivan.petrov@example.com, спасибо", []span{{TypeEmail, "ivan.petrov@example.com"}}},
		{"address in Chinese text", "我的邮箱是zhang.wei＠example.com。", []span{{TypeEmail, "zhang.wei＠example.com"}}},
		{"Russian text alone", "Добрый день! Сахар, кот и сор остались дома, а почта пришла вчера.", nil},
		{"Chinese text alone", "请把报告发给我，明天上午十点开会。", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := spans(tc.text, d.Find(tc.text)); !cmp.Equal(got, tc.want) {
				t.Errorf("Find(%q) = %v; want %v", tc.text, got, tc.want)
			}
		})
	}
}
