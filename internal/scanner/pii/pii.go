// Package pii detects personal data in text: e-mail addresses, phone
// numbers, payment cards, IBANs, national identifiers (US SSN, US driver
// licence, UK NINO and NHS number, Canadian SIN, German tax id, French NIR,
// Spanish DNI/NIE, Italian codice fiscale, passport numbers after a passport
// word), IP addresses, dates of birth, person names and street addresses.
//
// Structured values are found by a linear pre-scan and then validated (Luhn
// for cards, ISO 13616 mod 97 and per-country lengths for IBANs, SSA ranges
// for SSNs, github.com/nyaruka/phonenumbers for phone candidates only).
// Names and addresses come from our own lexicons (first names, surnames,
// honorifics, street types) and context words ("my name is", "Dear", "lives
// at"). Offsets are byte offsets into the original text; findings never carry
// the matched value.
package pii

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
	"github.com/bulwark-ai/bulwark/internal/scanner/spanset"
)

// ScannerName is the Finding.Scanner of every finding this package reports.
const ScannerName = "pii"

// Finding types.
const (
	TypeEmail         = "EMAIL"
	TypePhone         = "PHONE"
	TypeCreditCard    = "CREDIT_CARD"
	TypeIBAN          = "IBAN"
	TypeUSSSN         = "US_SSN"
	TypeUSDriverLic   = "US_DRIVER_LICENSE"
	TypeUKNINO        = "UK_NINO"
	TypeIPAddress     = "IP_ADDRESS"
	TypePerson        = "PERSON"
	TypeStreetAddress = "STREET_ADDRESS"
	TypeDateOfBirth   = "DATE_OF_BIRTH"
	TypeUKNHS         = "UK_NHS"
	TypeCASIN         = "CA_SIN"
	TypeESNIF         = "ES_NIF" // Spanish DNI and NIE
	TypeITFiscalCode  = "IT_FISCAL_CODE"
	TypeFRNIR         = "FR_NIR" // French social security number
	TypeDETaxID       = "DE_TAX_ID"
	TypePassport      = "PASSPORT"
)

// allTypes lists every type the detector can report, in a stable order.
var allTypes = []string{
	TypeEmail, TypePhone, TypeCreditCard, TypeIBAN, TypeUSSSN, TypeUSDriverLic,
	TypeUKNINO, TypeIPAddress, TypePerson, TypeStreetAddress, TypeDateOfBirth,
	TypeUKNHS, TypeCASIN, TypeESNIF, TypeITFiscalCode, TypeFRNIR, TypeDETaxID, TypePassport,
}

// AllTypes returns every type the detector can report, in a stable order.
// The slice is a copy: callers may keep or change it.
func AllTypes() []string { return slices.Clone(allTypes) }

// Options configures a Detector. The zero value detects every type with US
// as the default phone region.
type Options struct {
	// Types limits detection to these finding types (empty: AllTypes()).
	Types []string
	// DefaultRegion is the ISO 3166-1 alpha-2 region used to parse phone
	// numbers written without a country code (default "US").
	DefaultRegion string
	// ExtraRegions are tried, in order, when a phone candidate near a
	// phone context word is not valid in DefaultRegion (default: a list of
	// GB, DE, FR, AU).
	ExtraRegions []string
	// ContextWindow is how many bytes before a candidate are searched for
	// context words ("phone", "card", "SSN", "born", ...). Default 48.
	ContextWindow int
	// MinScore drops findings scored below it (default 0: keep all).
	MinScore float64
}

// Detector finds PII. It is immutable after New and safe for concurrent use.
type Detector struct {
	types   map[string]bool
	region  string
	regions []string
	window  int
	minimum float64
	lex     *lexicons
	// scans recycles the per-call token and candidate buffers.
	scans sync.Pool
}

var _ guard.Scanner = (*Detector)(nil)

// defaultExtraRegions is short on purpose: each region costs a
// libphonenumber parse, and a formatted number next to a phone word is
// reported (with a lower score) even when no region validates it.
var defaultExtraRegions = []string{"GB", "DE", "FR", "AU"}

// New returns a Detector for opts.
func New(opts Options) (*Detector, error) {
	d := &Detector{
		types:   map[string]bool{},
		region:  "US",
		regions: defaultExtraRegions,
		window:  48,
		minimum: opts.MinScore,
		lex:     sharedLexicons,
	}
	types := opts.Types
	if len(types) == 0 {
		types = allTypes
	}
	for _, t := range types {
		if !slices.Contains(allTypes, t) {
			return nil, fmt.Errorf("pii: unknown type %q", t)
		}
		d.types[t] = true
	}
	if opts.DefaultRegion != "" {
		r := strings.ToUpper(opts.DefaultRegion)
		if !phonenumbers.GetSupportedRegions()[r] {
			return nil, fmt.Errorf("pii: unsupported phone region %q", opts.DefaultRegion)
		}
		d.region = r
	}
	if opts.ExtraRegions != nil {
		d.regions = nil
		for _, r := range opts.ExtraRegions {
			r = strings.ToUpper(r)
			if !phonenumbers.GetSupportedRegions()[r] {
				return nil, fmt.Errorf("pii: unsupported phone region %q", r)
			}
			d.regions = append(d.regions, r)
		}
	}
	if opts.ContextWindow < 0 {
		return nil, fmt.Errorf("pii: negative context window")
	}
	if opts.ContextWindow > 0 {
		d.window = opts.ContextWindow
	}
	return d, nil
}

// Name implements guard.Scanner.
func (d *Detector) Name() string { return ScannerName }

// Reach is the most bytes one finding and the text deciding it span: a
// context window before the value, the value, and for multi-line addresses
// up to 40 tokens. Longer values that run to the end of a streamed text are
// held by the pipeline anyway.
const Reach = 384

var _ guard.Windowed = (*Detector)(nil)

// Reach implements guard.Windowed.
func (d *Detector) Reach(*guard.Request) int { return Reach }

// Scan implements guard.Scanner.
func (d *Detector) Scan(ctx context.Context, in guard.Input) ([]guard.Finding, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return d.Find(in.Text), nil
}

// candidate is a finding before overlap resolution.
type candidate struct {
	start, end int
	typ        string
	score      float64
}

// Find returns the findings in text sorted by start offset, without overlaps.
// Invisible characters inside a value ("john\u200b.doe@…"), fullwidth forms
// ("john＠…", "４１１１ …") and Cyrillic or Greek look-alikes in an address
// ("jоhn@…") do not hide it: the text is scanned as normalize.Exact folds
// it, and the spans cover the characters as written.
func (d *Detector) Find(text string) []guard.Finding {
	if folded, off, ok := normalize.Exact(text); ok {
		return normalize.MapFindings(d.find(folded), folded, off, text)
	}
	return d.find(text)
}

func (d *Detector) find(text string) []guard.Finding {
	if len(text) == 0 {
		return nil
	}
	s, _ := d.scans.Get().(*scan)
	if s == nil {
		s = &scan{}
	}
	*s = scan{d: d, text: text, toks: s.toks[:0], cands: s.cands[:0]}
	defer d.scans.Put(s)
	s.tokenize()
	s.structured()
	s.contextIDs()
	if d.types[TypeStreetAddress] {
		s.addresses()
	}
	if d.types[TypePerson] {
		s.persons()
		s.nameLists()
	}
	return s.resolve()
}

// scan is the state of one Find call.
type scan struct {
	d     *Detector
	text  string
	toks  []token
	cands []candidate
	// noCaps is set for text without any capitalized word (all lower
	// case), where capitalization cannot mark names and addresses.
	noCaps bool
	// lowerNames is noCaps for names: acronyms ("CFO", "PM") and "I" do
	// not count as capitalized words.
	lowerNames bool
	// labels counts the words that start a line before a colon, and
	// firstLabels those that are known first names (speakerRepeats; built
	// on first use).
	labels      map[string]int
	firstLabels int
}

func (s *scan) add(start, end int, typ string, score float64) {
	if !s.d.types[typ] || score < s.d.minimum || end <= start {
		return
	}
	s.cands = append(s.cands, candidate{start: start, end: end, typ: typ, score: score})
}

// priority orders types for overlap resolution: validated structured values
// beat heuristic names and addresses.
func priority(typ string) int {
	switch typ {
	case TypeEmail, TypeIBAN, TypeCreditCard, TypeUSSSN, TypeIPAddress, TypeUKNINO,
		TypeUKNHS, TypeCASIN, TypeESNIF, TypeITFiscalCode, TypeFRNIR, TypeDETaxID:
		return 5
	case TypeUSDriverLic, TypeDateOfBirth, TypePassport:
		return 4
	case TypePhone:
		return 3
	case TypeStreetAddress:
		return 2
	}
	return 1
}

func (s *scan) resolve() []guard.Finding {
	cs := s.cands
	if len(cs) == 0 {
		return nil
	}
	slices.SortFunc(cs, func(a, b candidate) int {
		if pa, pb := priority(a.typ), priority(b.typ); pa != pb {
			return pb - pa
		}
		if la, lb := a.end-a.start, b.end-b.start; la != lb {
			return lb - la
		}
		return a.start - b.start
	})
	var kept []candidate
	n := 0
	for _, c := range cs {
		n = max(n, c.end)
	}
	cov := spanset.New(n)
	for _, c := range cs {
		if !cov.Overlaps(c.start, c.end) {
			cov.Add(c.start, c.end)
			kept = append(kept, c)
		}
	}
	slices.SortFunc(kept, func(a, b candidate) int { return a.start - b.start })
	out := make([]guard.Finding, len(kept))
	for i, c := range kept {
		out[i] = guard.Finding{Scanner: ScannerName, Type: c.typ, Score: c.score, Start: c.start, End: c.end}
	}
	return out
}

// GoldType maps an entity type of the presidio-research synthetic dataset
// (and the presidio analyzer's type names generally) to the finding type
// this detector reports for it. ok is false for types Bulwark deliberately
// does not detect, because they are not personal data on their own or cannot
// be told apart from ordinary text without a trained NER model:
//
//   - ORGANIZATION, GPE (cities, countries), NRP (nationalities, religions,
//     political groups), TITLE (job titles), AGE, DOMAIN_NAME and URL;
//   - DATE_TIME: any date or time ("1988", "Saturday"). We detect dates of
//     birth only (DATE_OF_BIRTH, a date near "born", "DOB", "date of
//     birth"), which DATE_TIME gold spans cannot score, so an evaluation
//     should ignore DATE_OF_BIRTH predictions on such data rather than count
//     them as false positives;
//
// ZIP_CODE maps to STREET_ADDRESS: a postcode is reported as part of the
// address it ends. Common spellings of other datasets are accepted too
// (FIRSTNAME/LASTNAME/GIVENNAME/SURNAME -> PERSON, STREET/BUILDINGNUMBER ->
// STREET_ADDRESS, TELEPHONENUM -> PHONE, US_PASSPORT -> PASSPORT, ...). An evaluation should score only our types that some
// dataset type maps to.
func GoldType(datasetType string) (string, bool) {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(datasetType), "-", "_")) {
	case "PERSON", "PER", "NAME", "FULL_NAME", "FULLNAME", "NAME_STUDENT", "FIRST_NAME", "FIRSTNAME",
		"GIVENNAME", "GIVEN_NAME", "LAST_NAME", "LASTNAME", "SURNAME", "MIDDLENAME", "MIDDLE_NAME":
		return TypePerson, true
	case "STREET_ADDRESS", "ADDRESS", "LOCATION_ADDRESS", "ZIP_CODE", "ZIPCODE", "POSTCODE", "POSTAL_CODE",
		"STREET", "STREETADDRESS", "BUILDINGNUMBER", "BUILDINGNUM", "SECONDARYADDRESS":
		return TypeStreetAddress, true
	case "CREDIT_CARD", "CREDIT_CARD_NUMBER", "CREDITCARDNUMBER", "CREDITCARD":
		return TypeCreditCard, true
	case "PHONE_NUMBER", "PHONE", "PHONENUMBER", "PHONE_NUM", "TELEPHONENUM", "TELEPHONE":
		return TypePhone, true
	case "EMAIL_ADDRESS", "EMAIL":
		return TypeEmail, true
	case "IBAN_CODE", "IBAN":
		return TypeIBAN, true
	case "US_SSN", "SSN":
		return TypeUSSSN, true
	case "IP_ADDRESS", "IP", "IPV4", "IPV6", "IPADDRESS":
		return TypeIPAddress, true
	case "US_DRIVER_LICENSE", "DRIVER_LICENSE", "DRIVERS_LICENSE", "DRIVER_LICENCE", "DRIVERLICENSENUM",
		"DRIVERLICENSE", "IT_DRIVER_LICENSE":
		return TypeUSDriverLic, true
	case "UK_NINO", "NINO":
		return TypeUKNINO, true
	case "DATE_OF_BIRTH", "DOB", "DATEOFBIRTH", "BIRTHDATE":
		return TypeDateOfBirth, true
	case "UK_NHS", "NHS", "NHS_NUMBER":
		return TypeUKNHS, true
	case "CA_SIN", "SIN":
		return TypeCASIN, true
	case "ES_NIF", "ES_NIE", "ES_DNI":
		return TypeESNIF, true
	case "IT_FISCAL_CODE", "IT_CODICE_FISCALE":
		return TypeITFiscalCode, true
	case "FR_NIR", "FR_SSN", "FR_SOCIAL_SECURITY":
		return TypeFRNIR, true
	case "DE_TAX_ID", "DE_STEUER_ID":
		return TypeDETaxID, true
	case "PASSPORT", "US_PASSPORT", "UK_PASSPORT", "IT_PASSPORT", "PASSPORTNUM", "PASSPORT_NUMBER":
		return TypePassport, true
	}
	return "", false
}
