package pii

import "testing"

func TestIDValidators(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) bool
		in   string
		want bool
	}{
		{"nhs", ValidNHS, "9434765919", true},
		{"nhs bad check", ValidNHS, "9434765918", false},
		{"nhs same digits", ValidNHS, "1111111111", false},
		{"sin", ValidSIN, "130692544", true},
		{"sin bad luhn", ValidSIN, "130692545", false},
		{"sin leading 0", ValidSIN, "046454286", false},
		{"de tax id", ValidDETaxID, "36574261809", true},
		{"de tax id bad check", ValidDETaxID, "36574261808", false},
		{"de tax id no repeat", ValidDETaxID, "12345678903", false},
		{"fr nir", ValidFRNIR, "295109912611193", true},
		{"fr nir bad key", ValidFRNIR, "295109912611194", false},
		{"fr nir bad sex", ValidFRNIR, "395109912611193", false},
		{"es dni", ValidESNIF, "54362315K", true},
		{"es dni bad letter", ValidESNIF, "54362315Z", false},
		{"es nie", ValidESNIF, "X2482300W", true},
		{"es nie bad", ValidESNIF, "X2482300A", false},
		{"it cf", ValidITFiscalCode, "RCCMNL83S18D969H", true},
		{"it cf bad check", ValidITFiscalCode, "RCCMNL83S18D969A", false},
		{"it cf bad month", ValidITFiscalCode, "RCCMNL83Z18D969H", false},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s: valid(%q) = %v; want %v", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestNationalIDs(t *testing.T) {
	d := newDet(t)
	tests := []struct {
		text, typ, val string
	}{
		{"My NHS number is 943 476 5919, please update it.", TypeUKNHS, "943 476 5919"},
		{"NHS no: 9434765919", TypeUKNHS, "9434765919"},
		{"SIN: 130 692 544", TypeCASIN, "130 692 544"},
		{"my social insurance number is 130-692-544", TypeCASIN, "130-692-544"},
		{"Steuer-ID: 36 574 261 809", TypeDETaxID, "36 574 261 809"},
		{"Numéro de sécurité sociale : 2 95 10 99 126 111 93", TypeFRNIR, "2 95 10 99 126 111 93"},
		{"NIR 295109912611193", TypeFRNIR, "295109912611193"},
		{"DNI 54362315K", TypeESNIF, "54362315K"},
		{"mi NIE es X2482300W.", TypeESNIF, "X2482300W"},
		{"document 54362315-K attached", TypeESNIF, "54362315-K"},
		{"Codice fiscale: RCCMNL83S18D969H", TypeITFiscalCode, "RCCMNL83S18D969H"},
		{"CF RCCMNL83S18D969H.", TypeITFiscalCode, "RCCMNL83S18D969H"},
		{"Passport number: K12345678", TypePassport, "K12345678"},
		{"my passport no. is 533380006 and it expires soon", TypePassport, "533380006"},
		{"Reisepass C01X00T47", TypePassport, "C01X00T47"},
	}
	for _, tt := range tests {
		if got := typesOf(d, tt.text); got[tt.val] != tt.typ {
			t.Errorf("Find(%q) = %v; want %s %q", tt.text, got, tt.typ, tt.val)
		}
	}
	negatives := []string{
		"Call me at 943 476 5919 tomorrow.",  // NHS-valid but no context: a phone
		"order 130692544 shipped",            // SIN-valid, no context
		"a cousin 130 692 544",               // "sin" inside a word is no context
		"ref 36574261809",                    // tax-id-valid, no context
		"invoice 54362315z",                  // lower-case letter, no context
		"passport expires 2031-04-05",        // a date is not the number
		"RCCMNL83S18D969A is a product code", // bad check letter
	}
	for _, text := range negatives[:3] {
		for v, typ := range typesOf(d, text) {
			if typ == TypeUKNHS || typ == TypeCASIN {
				t.Errorf("Find(%q) has %s %q; want none", text, typ, v)
			}
		}
	}
	for _, text := range negatives[3:] {
		for v, typ := range typesOf(d, text) {
			switch typ {
			case TypeDETaxID, TypeESNIF, TypePassport, TypeITFiscalCode:
				t.Errorf("Find(%q) has %s %q; want none", text, typ, v)
			}
		}
	}
}

func newDet(t *testing.T) *Detector { return testDetector(t) }

// typesOf maps each finding's text to its type.
func typesOf(d *Detector, text string) map[string]string {
	out := map[string]string{}
	for _, f := range d.Find(text) {
		out[text[f.Start:f.End]] = f.Type
	}
	return out
}
