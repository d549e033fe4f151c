package pii

import (
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", "write to jane.doe+bulwark@example.co.uk today", "call me at (415) 555-2671 after lunch",
	"my number is +44 20 7946 0958", "card 4111 1111 1111 1111", "IBAN DE89370400440532013000",
	"GB82 WEST 1234 5698 7654 32", "SSN: 123-45-6780", "NI AB 12 34 56 C", "192.168.10.25",
	"2001:db8:85a3::8a2e:370:7334", "born on 10/23/1951", "DOB: March 3, 1990",
	"My driver's license number is U62928788557186", "my name is lena andersson",
	"Dr. Burke", "1668 Glyn Street, Springfield", "P.O. Box 211", "> 935 69 Gordon Terrace\n> Suite 828\n> BASHALL TOWN",
	"+(((", "@@@", "a@b.", "1.2.3.4.5.6", "::::", "GB00", "Ünïcödé Nâmé lives at 12 Straße 5", "\xff\xfe1234567",
	"345-899-3560x4587", "(08) 8747 6301", "Halldór: What a wife.", "Monjeau, Graves and Reed",
}

func FuzzFind(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	d := testDetector(f)
	f.Fuzz(func(t *testing.T, text string) {
		prev := 0
		for _, fd := range d.Find(text) {
			if fd.Start < prev || fd.End > len(text) || fd.Start >= fd.End {
				t.Fatalf("Find(%q): finding %+v out of bounds or overlapping", text, fd)
			}
			prev = fd.End
			if utf8.ValidString(text) && !utf8.ValidString(text[fd.Start:fd.End]) {
				t.Fatalf("Find(%q): finding %+v splits a UTF-8 sequence", text, fd)
			}
			if fd.Scanner != ScannerName || fd.Score <= 0 || fd.Score > 1 {
				t.Fatalf("Find(%q): bad finding %+v", text, fd)
			}
		}
	})
}

func FuzzValidators(f *testing.F) {
	for _, s := range []string{"4111111111111111", "DE89370400440532013000", "AB123456C", "123456789", "", "ZZ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Luhn(s)
		if ValidIBAN(s) && (len(s) < 15 || len(s) > 34) {
			t.Fatalf("ValidIBAN(%q) = true for a bad length", s)
		}
		if ValidNINO(s) && len(s) != 9 {
			t.Fatalf("ValidNINO(%q) = true for a bad length", s)
		}
		if len(s) == 9 {
			ValidSSN(s[:3], s[3:5], s[5:])
		}
		looksDate(s)
		monthIndex(s)
	})
}
