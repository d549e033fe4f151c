package pii

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

var (
	detOnce sync.Once
	det     *Detector
	detErr  error
)

func testDetector(t testing.TB) *Detector {
	t.Helper()
	detOnce.Do(func() { det, detErr = New(Options{}) })
	if detErr != nil {
		t.Fatal(detErr)
	}
	return det
}

// span is a finding's type and text, for readable expectations.
type span struct{ Type, Text string }

func spans(text string, fs []guard.Finding) []span {
	var out []span
	for _, f := range fs {
		out = append(out, span{f.Type, text[f.Start:f.End]})
	}
	return out
}

func TestFind(t *testing.T) {
	d := testDetector(t)
	tests := []struct {
		name string
		text string
		want []span
	}{
		{"email", "write to jane.doe+bulwark@example.co.uk today", []span{{TypeEmail, "jane.doe+bulwark@example.co.uk"}}},
		{"us phone", "call me at (415) 555-2671 after lunch", []span{{TypePhone, "(415) 555-2671"}}},
		{"intl phone", "my number is +44 20 7946 0958", []span{{TypePhone, "+44 20 7946 0958"}}},
		{"card with spaces", "card 4111 1111 1111 1111 expires soon", []span{{TypeCreditCard, "4111 1111 1111 1111"}}},
		{"card plain", "charge 5500005555555559 please", []span{{TypeCreditCard, "5500005555555559"}}},
		{"iban", "IBAN DE89370400440532013000 for the wire", []span{{TypeIBAN, "DE89370400440532013000"}}},
		{"iban grouped", "pay to GB82 WEST 1234 5698 7654 32 now", []span{{TypeIBAN, "GB82 WEST 1234 5698 7654 32"}}},
		{"iban lower case", "my iban is gb82west12345698765432", []span{{TypeIBAN, "gb82west12345698765432"}}},
		{"iban grouped before a word", "ES91 2100 0418 4502 0005 1332 to pay", []span{{TypeIBAN, "ES91 2100 0418 4502 0005 1332"}}},
		{"ssn", "Here's my SSN: 123-45-6780", []span{{TypeUSSSN, "123-45-6780"}}},
		{"ssn plain with context", "social security number 123456780", []span{{TypeUSSSN, "123456780"}}},
		{"nino", "NI number AB 12 34 56 C on file", []span{{TypeUKNINO, "AB 12 34 56 C"}}},
		{"ipv4", "the server at 192.168.10.25 is down", []span{{TypeIPAddress, "192.168.10.25"}}},
		{"ipv6", "ping 2001:db8:85a3::8a2e:370:7334 now", []span{{TypeIPAddress, "2001:db8:85a3::8a2e:370:7334"}}},
		{"dob", "She was born on 10/23/1951.", []span{{TypeDateOfBirth, "10/23/1951"}}},
		{"dob month name", "DOB: March 3, 1990", []span{{TypeDateOfBirth, "March 3, 1990"}}},
		{"dob abbreviated month", "born on Jan. 5, 1987", []span{{TypeDateOfBirth, "Jan. 5, 1987"}}},
		{"dob day first", "I was born 3 March 1990 in Oslo", []span{{TypeDateOfBirth, "3 March 1990"}}},
		{"labelled phone", "Contact: +49 30 901820", []span{{TypePhone, "+49 30 901820"}}},
		{"driver license", "My driver's license number is U62928788557186", []span{{TypeUSDriverLic, "U62928788557186"}}},
		{"my name is", "Hello, my name is Eliane and I need help", []span{{TypePerson, "Eliane"}}},
		{"honorific", "Dr. Burke is a 53 year old man.", []span{{TypePerson, "Burke"}}},
		{"full name", "I want to add Dennis Kastner as a beneficiary", []span{{TypePerson, "Dennis Kastner"}}},
		{"street address", "Ship it to 1668 Glyn Street, Springfield please", []span{{TypeStreetAddress, "1668 Glyn Street, Springfield"}}},
		{"po box", "Send it to P.O. Box 211 today", []span{{TypeStreetAddress, "P.O. Box 211"}}},
		{"signature", "Best regards,\nJohn Smith\nHead of Sales, Contoso Ltd.\n+1 (206) 555-0142", []span{{TypePerson, "John Smith"}, {TypePhone, "+1 (206) 555-0142"}}},
		{"famous name", "What did Albert Einstein say about dice?", []span{{TypePerson, "Albert Einstein"}}},
		{"toll free", "Call the Help Desk at 1-800-555-0199 today", []span{{TypePhone, "1-800-555-0199"}}},
		{"lower case intro", "hi, my name is lena andersson", []span{{TypePerson, "lena andersson"}}},
		{"dialogue", "Halldór: What a wife.\nMatthew: Remember me?", []span{{TypePerson, "Halldór"}, {TypePerson, "Matthew"}}},
		{"person verb", "Timotea Rossi lives on the third floor.", []span{{TypePerson, "Timotea Rossi"}}},
		{"vocative", "Warrane, can I please speak to your boss?", []span{{TypePerson, "Warrane"}}},
		{"vocative at the end", "Don't go to town, Derrick!", []span{{TypePerson, "Derrick"}}},
		{"initial that is a word", "The Vide A. Persson version sold well.", []span{{TypePerson, "Vide A. Persson"}}},
		{"lower case with initial", "follow up with benjamin a seiler next week", []span{{TypePerson, "benjamin a seiler"}}},
		{"pair before a verb", "Marrero and Murphy were precision engineers.", []span{{TypePerson, "Marrero"}, {TypePerson, "Murphy"}}},
		{"common us name", "Please forward this to Tanner Holloway.", []span{{TypePerson, "Tanner Holloway"}}},
		{"capitalized word before a name", "Ask Siobhan O'Connor for the keys.", []span{{TypePerson, "Siobhan O'Connor"}}},
		{"talked to", "I talked to Jean-Luc Picard yesterday.", []span{{TypePerson, "Jean-Luc Picard"}}},
		{"mc surname", "Forward it to Kendrick McAllister.", []span{{TypePerson, "Kendrick McAllister"}}},
		{"reach out to", "Reach out to Thandiwe Nkosi for details.", []span{{TypePerson, "Thandiwe Nkosi"}}},
		{"finnish surname with a verb", "Rintanen began writing as a teenager.", []span{{TypePerson, "Rintanen"}}},
		{"house number with a letter, uk postcode", "I live at 221B Baker Street, London NW1 6XE, United Kingdom.", []span{{TypeStreetAddress, "221B Baker Street, London NW1 6XE, United Kingdom"}}},
		{"province code and postal code", "Address: 24 Sussex Drive, Ottawa, ON K1M 1M4, Canada", []span{{TypeStreetAddress, "24 Sussex Drive, Ottawa, ON K1M 1M4, Canada"}}},
		{"german phone word", "Ruf mich an: 030 12345678", []span{{TypePhone, "030 12345678"}}},
		{"role label", "Patient: Ana Lima, 42", []span{{TypePerson, "Ana Lima"}}},
		{"job title before a name", "Our CEO Satya Nadella said so.", []span{{TypePerson, "Satya Nadella"}}},
		{"ordinal birth date", "I was born on the 3rd of May 1985", []span{{TypeDateOfBirth, "3rd of May 1985"}}},
		{"001 before a nanp number", "001-541-754-3010x123", []span{{TypePhone, "001-541-754-3010x123"}}},
		{"ordinal street", "Please send the package to 350 5th Ave, New York, NY 10118.", []span{{TypeStreetAddress, "350 5th Ave, New York, NY 10118"}}},
		{"street prefix with a particle, label word", "Dirección: Calle de Alcalá 45, 28014 Madrid", []span{{TypeStreetAddress, "Calle de Alcalá 45, 28014 Madrid"}}},
		{"uk postcode after a label", "postcode SW1A 1AA", []span{{TypeStreetAddress, "SW1A 1AA"}}},
		{"national number with trunk 0", "You can get me on 020 7946 0958 after six.", []span{{TypePhone, "020 7946 0958"}}},
		{"french national number", "Son numéro 06 12 34 56 78", []span{{TypePhone, "06 12 34 56 78"}}},
		{"abbreviated strasse", "Maximilian Schmidt, Hauptstr. 12, 80331 München", []span{{TypePerson, "Maximilian Schmidt"}, {TypeStreetAddress, "Hauptstr. 12, 80331 München"}}},
		{"lower-case street prefix", "Contact: Giulia Bianchi - via Roma 10, 00184 Roma", []span{{TypePerson, "Giulia Bianchi"}, {TypeStreetAddress, "via Roma 10, 00184 Roma"}}},
		{"accented first name", "Maybe it's under Miklós Hajdu", []span{{TypePerson, "Miklós Hajdu"}}},
		{"french intro", "Bonjour, je m'appelle Margaux Delacroix et j'ai une question.", []span{{TypePerson, "Margaux Delacroix"}}},
		{"german intro", "Hallo, ich heiße Jörg Bauer.", []span{{TypePerson, "Jörg Bauer"}}},
		{"spanish intro", "Hola, me llamo Lucía Fernández.", []span{{TypePerson, "Lucía Fernández"}}},
		{"european address", "Meet me at 363 52 Huntly Street\n Suite 132\n BARMOLLOCH\n United Kingdom", []span{{TypeStreetAddress, "363 52 Huntly Street\n Suite 132\n BARMOLLOCH\n United Kingdom"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spans(tt.text, d.Find(tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Find(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestFindNegatives(t *testing.T) {
	d := testDetector(t)
	tests := []struct{ name, text string }{
		{"version number", "upgrade to version 1.2.3 or 10.4.1"},
		{"dotted version 4 parts", "running release 1.2.3.4 of the agent"},
		{"order number fails luhn", "order 4111111111111112 was shipped"},
		{"short number", "I have 3 cats and 12 dogs"},
		{"year", "In 1999 the company grew."},
		{"date without birth context", "The meeting is on 10/23/2024."},
		{"amount", "It costs 1,234.56 dollars"},
		{"time", "see you at 12:45:18"},
		{"uuid", "id 3f2b8c9e-1d4a-4e7b-9c2f-5a6b7c8d9e0f"},
		{"git sha", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8"},
		{"prose", "The Quick Brown Fox jumps over the Lazy Dog."},
		{"place names", "We flew from Paris to New York on Monday."},
		{"WHOIS field label", "Registrant Organization: Example Ltd"},
		{"WHOIS redaction", "Registrant Name: REDACTED FOR PRIVACY"},
		{"invalid ssn area", "code 666-12-3456 is not an SSN"},
		{"iban bad checksum", "DE89370400440532013001"},
		{"mac address", "mac 00:1A:2B:3C:4D:5E"},
		{"title case phrase", "Please summarize the Q3 Earnings Report for Acme Corp and list the Key Risks."},
		{"products", "How do I configure Kubernetes Ingress with Let's Encrypt on Google Cloud?"},
		{"quoted greeting", "Translate 'Good Morning' into French and German."},
		{"fields of study", "Compare Machine Learning and Deep Learning for Natural Language Processing."},
		{"versions", "Apple released iOS 17.2.1 and macOS Sonoma 14.2 last week."},
		{"unspecified ip", "listen on 0.0.0.0:5432 and 127.0.0.1"},
		{"role greeting", "Dear Hiring Manager, I am applying for the Senior Engineer role."},
		{"time is not an address", "The review is on Tuesday at 3 PM in Conference Room B."},
		{"meeting id label", "Meeting ID: 845 2231 9087"},
		{"zero-led serial", "Serial 0001 2345 6789"},
		{"city and country in a question", "What is the current time in Sydney, Australia?"},
		{"city and country at the end", "Will you find child-friendly attractions to visit in Paris, France?"},
		{"german plurals", "Weitere Informationen zu den Operationen und Personen"},
		{"date after a zero", "step 0 (2026-02-05) done"},
		{"firm of surnames", "She spent a year at Jones, Mitchell and Williams as an analyst."},
		{"title case with a", "Taking A Break From Work"},
		{"places that are names", "We moved from Houston to Denver and then to Cleveland."},
		{"tracking number", "My order #123456789 arrived damaged; the tracking number is 1Z999AA10123456784."},
		{"company says", "OpenAI says the new model is safer. Nvidia reported record revenue."},
		{"labels", "Mobile: see below\nFax: none"},
		{"interjection", "Cool, what's the address of the venue?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := spans(tt.text, d.Find(tt.text)); len(got) != 0 {
				t.Errorf("Find(%q) = %v; want none", tt.text, got)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	if _, err := New(Options{Types: []string{"NOPE"}}); err == nil {
		t.Errorf("New(unknown type) error = nil; want error")
	}
	if _, err := New(Options{DefaultRegion: "XX"}); err == nil {
		t.Errorf("New(bad region) error = nil; want error")
	}
	d, err := New(Options{Types: []string{TypeEmail}})
	if err != nil {
		t.Fatal(err)
	}
	text := "mail a@b.io or call (415) 555-2671"
	if got, want := spans(text, d.Find(text)), []span{{TypeEmail, "a@b.io"}}; !cmp.Equal(got, want) {
		t.Errorf("Find(%q) with Types=[EMAIL] = %v; want %v", text, got, want)
	}
}

func TestScan(t *testing.T) {
	d := testDetector(t)
	text := "mail bob@example.com"
	got, err := d.Scan(context.Background(), guard.Input{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	want := []guard.Finding{{Scanner: "pii", Type: TypeEmail, Score: 0.95, Start: 5, End: len(text)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Scan(%q) mismatch (-want +got):\n%s", text, diff)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Scan(ctx, guard.Input{Text: text}); err == nil {
		t.Errorf("Scan(cancelled) error = nil; want error")
	}
}

func TestValidators(t *testing.T) {
	luhn := []struct {
		in   string
		want bool
	}{{"4111111111111111", true}, {"4111111111111112", false}, {"79927398713", true}, {"", false}, {"12a4", false}}
	for _, tt := range luhn {
		if got := Luhn(tt.in); got != tt.want {
			t.Errorf("Luhn(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
	iban := []struct {
		in   string
		want bool
	}{{"DE89370400440532013000", true}, {"GB82WEST12345698765432", true}, {"GB82WEST1234569876543", false}, {"XX82WEST12345698765432", false}, {"NO9386011117947", true}, {"GB82west12345698765432", false}}
	for _, tt := range iban {
		if got := ValidIBAN(tt.in); got != tt.want {
			t.Errorf("ValidIBAN(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
	ssn := []struct {
		a, g, s string
		want    bool
	}{{"123", "45", "6789", false}, {"123", "45", "6780", true}, {"000", "12", "3456", false}, {"666", "12", "3456", false}, {"912", "12", "3456", false}, {"123", "00", "3456", false}, {"123", "45", "0000", false}}
	for _, tt := range ssn {
		if got := ValidSSN(tt.a, tt.g, tt.s); got != tt.want {
			t.Errorf("ValidSSN(%q, %q, %q) = %v; want %v", tt.a, tt.g, tt.s, got, tt.want)
		}
	}
	nino := []struct {
		in   string
		want bool
	}{{"QQ123456C", false}, {"JG103759A", true}, {"AB123456D", true}, {"GB123456A", false}, {"DA123456A", false}, {"AB123456E", false}}
	for _, tt := range nino {
		if got := ValidNINO(tt.in); got != tt.want {
			t.Errorf("ValidNINO(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestGoldType(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"PERSON", TypePerson, true}, {"PHONE_NUMBER", TypePhone, true}, {"EMAIL_ADDRESS", TypeEmail, true},
		{"IBAN_CODE", TypeIBAN, true}, {"ZIP_CODE", TypeStreetAddress, true}, {"ORGANIZATION", "", false},
		{"GPE", "", false}, {"DATE_TIME", "", false}, {"us_ssn", TypeUSSSN, true},
	}
	for _, tt := range tests {
		got, ok := GoldType(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("GoldType(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	all := AllTypes()
	if strings.Join(all, ",") == "" {
		t.Fatal("AllTypes empty")
	}
	all[0] = "CHANGED"
	if AllTypes()[0] == "CHANGED" {
		t.Error("AllTypes() shares its slice with the package; want a copy")
	}
}

// TestInvisibleCharactersInsideValue: a zero-width character inside an
// e-mail address does not hide it, and the span covers the whole address.
func TestInvisibleCharactersInsideValue(t *testing.T) {
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := "mail me at john\u200b.doe@exa\u200cmple.com today"
	fs := d.Find(in)
	if len(fs) != 1 || fs[0].Type != TypeEmail {
		t.Fatalf("Find(%q) = %+v; want one EMAIL", in, fs)
	}
	if got := in[fs[0].Start:fs[0].End]; got != "john\u200b.doe@exa\u200cmple.com" {
		t.Errorf("span = %q; want the whole address", got)
	}
}
