package eval

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRead(t *testing.T) {
	in := `{"text":"héllo wörld","spans":[{"start":6,"end":11,"type":"X"}]}
{"text":"abc","spans":[{"start":0,"end":1,"type":"Y","byte_start":1,"byte_end":3}]}
`
	items, err := Read(strings.NewReader(in), true)
	if err != nil {
		t.Fatalf("Read() = %v", err)
	}
	got := [][2]int{{items[0].Spans[0].Start, items[0].Spans[0].End}, {items[1].Spans[0].Start, items[1].Spans[0].End}}
	want := [][2]int{{7, 13}, {1, 3}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Read() byte spans mismatch (-want +got):\n%s", diff)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, in string
		spans    bool
		line     int
	}{
		{"invalid json", "{\"text\":\"a\",\"label\":0}\n{oops}\n", false, 2},
		{"no label", "{\"text\":\"a\"}\n", false, 1},
		{"label 2", "{\"text\":\"a\",\"label\":2}\n", false, 1},
		{"empty text", "\n\n{\"text\":\"\",\"label\":1}\n", false, 3},
		{"span out of range", "{\"text\":\"ab\",\"spans\":[{\"start\":0,\"end\":1,\"type\":\"X\",\"byte_start\":1,\"byte_end\":9}]}\n", true, 1},
		{"span no type", "{\"text\":\"ab\",\"spans\":[{\"start\":0,\"end\":1}]}\n", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in), tt.spans)
			var le *LineError
			if !errors.As(err, &le) || le.Line != tt.line {
				t.Errorf("Read(%q) = %v; want LineError at line %d", tt.in, err, tt.line)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	var c Counts
	for _, p := range [][2]bool{{true, true}, {true, true}, {true, false}, {false, true}, {false, false}, {false, false}, {false, false}} {
		c.Add(p[0], p[1])
	}
	got := []float64{round4(c.Precision()), round4(c.Recall()), round4(c.F1()), round4(c.FPR())}
	want := []float64{0.6667, 0.6667, 0.6667, 0.25}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Counts %+v rates mismatch (-want +got):\n%s", c, diff)
	}
	if (Counts{}).Precision() != 0 || (Counts{}).F1() != 0 {
		t.Errorf("empty Counts rates = nonzero; want 0")
	}
}

func TestPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Microsecond)
	}
	if got, want := Percentiles(d), (Latency{P50: 50, P99: 99}); got != want {
		t.Errorf("Percentiles(1..100µs) = %+v; want %+v", got, want)
	}
}

func TestClassifySpans(t *testing.T) {
	items, err := Read(strings.NewReader(`{"text":"aaaa bbbb cccc","spans":[{"start":0,"end":4,"type":"A"},{"start":10,"end":14,"type":"C"}]}`+"\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	det := func(string) ([]Span, error) {
		return []Span{{Start: 2, End: 6, Type: "A"}, {Start: 5, End: 9, Type: "B"}, {Start: 10, End: 12, Type: "A"}}, nil
	}
	r, err := ClassifySpans(items, det, Identity, Identity)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]SpanCounts{
		"A": {Pred: 2, PredTP: 1, Gold: 1, GoldFound: 1, Precision: 0.5, Recall: 1, F1: 0.6667},
		"B": {Pred: 1},
		"C": {Gold: 1},
	}
	if diff := cmp.Diff(want, r.Spans); diff != "" {
		t.Errorf("ClassifySpans spans mismatch (-want +got):\n%s", diff)
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"{\"text\":\"a\",\"label\":1}\n",
		"{\"text\":\"héllo\",\"spans\":[{\"start\":1,\"end\":3,\"type\":\"X\"}]}\n",
		"{\"text\":\"ab\",\"spans\":[{\"start\":0,\"end\":1,\"type\":\"X\",\"byte_start\":0,\"byte_end\":2}]}",
		"{oops}", "\n\n",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, in string, spans bool) {
		items, err := Read(strings.NewReader(in), spans)
		if err != nil {
			return
		}
		for _, it := range items {
			for _, s := range it.Spans {
				if s.Start < 0 || s.End > len(it.Text) || s.Start >= s.End {
					t.Fatalf("Read(%q) span %+v outside text of %d bytes", in, s, len(it.Text))
				}
			}
		}
	})
}
