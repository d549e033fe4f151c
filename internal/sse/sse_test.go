package sse

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type ev struct {
	Event, Data, ID string
}

func readAll(in string, maxLine int) ([]ev, error) {
	r := NewReader(strings.NewReader(in), maxLine)
	var out []ev
	for {
		e, err := r.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		out = append(out, ev{e.Event, string(e.Data), e.ID})
	}
}

var readCases = []struct {
	name string
	in   string
	want []ev
	err  bool
}{
	{"openai", "data: {\"a\":1}\n\ndata: [DONE]\n\n", []ev{{"", `{"a":1}`, ""}, {"", "[DONE]", ""}}, false},
	{"anthropic", "event: message_start\ndata: {}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n", []ev{{"message_start", "{}", ""}, {"ping", `{"type": "ping"}`, ""}}, false},
	{"crlf and comments", ": keep-alive\r\n\r\nid: 7\r\ndata: x\r\ndata: y\r\n\r\n", []ev{{"", "x\ny", "7"}}, false},
	{"cr only", "data: a\r\rdata: b\r\r", []ev{{"", "a", ""}, {"", "b", ""}}, false},
	{"no space", "data:x\n\n", []ev{{"", "x", ""}}, false},
	{"truncated", "data: {\"a\"", []ev{}, true},
	{"empty", "", nil, false},
	{"too long", "data: " + strings.Repeat("x", 100) + "\n\n", nil, true},
}

func TestReader(t *testing.T) {
	for _, tc := range readCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(tc.in, 64)
			if (err != nil) != tc.err {
				t.Fatalf("read(%q) error = %v; want error %v", tc.in, err, tc.err)
			}
			if tc.err {
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("read(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestWriterRoundTrip(t *testing.T) {
	cases := []ev{{"", `{"a":1}`, ""}, {"content_block_delta", "line1\nline2", ""}, {"x", "", ""}}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, c := range cases {
		if err := w.Write(c.Event, []byte(c.Data)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := readAll(buf.String(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cases, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func FuzzReader(f *testing.F) {
	for _, tc := range readCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		evs, err := readAll(in, 1024)
		if err != nil {
			return
		}
		// Whatever we read must survive a write/read round trip.
		var buf bytes.Buffer
		w := NewWriter(&buf)
		for _, e := range evs {
			if strings.ContainsAny(e.Event, "\r\n") {
				return
			}
			if err := w.Write(e.Event, []byte(e.Data)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := readAll(buf.String(), 0)
		if err != nil {
			t.Fatalf("reread: %v", err)
		}
		norm := func(es []ev) []ev {
			out := make([]ev, len(es))
			for i, e := range es {
				out[i] = ev{e.Event, strings.ReplaceAll(strings.ReplaceAll(e.Data, "\r\n", "\n"), "\r", "\n"), ""}
			}
			return out
		}
		if diff := cmp.Diff(norm(evs), norm(got)); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s", diff)
		}
	})
}
