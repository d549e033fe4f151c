package protowalk

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"
)

// walkAll visits every field, descending into field 1 as a message and
// reading field 2 as a string; it returns the visited field numbers.
func walkAll(b []byte) ([]string, error) {
	r := New(context.Background(), bytes.NewReader(b), int64(len(b)))
	var seen []string
	var visit func(num protowire.Number, typ protowire.Type) error
	visit = func(num protowire.Number, typ protowire.Type) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			seen = append(seen, "msg")
			return r.Message(typ, visit)
		case num == 2 && typ == protowire.BytesType:
			s, _, err := r.String(typ, 16)
			seen = append(seen, "str:"+s)
			return err
		}
		seen = append(seen, "skip")
		return r.Skip(typ)
	}
	err := r.Walk(visit)
	return seen, err
}

func TestWalk(t *testing.T) {
	str := func(num protowire.Number, s string) []byte {
		return protowire.AppendString(protowire.AppendTag(nil, num, protowire.BytesType), s)
	}
	sub := func(num protowire.Number, b []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), b)
	}
	fixed := protowire.AppendFixed64(protowire.AppendTag(nil, 3, protowire.Fixed64Type), 7)
	nested := sub(1, append(str(2, "in"), fixed...))
	big := sub(5, make([]byte, seekSkip+10))
	tests := []struct {
		name    string
		in      []byte
		want    []string
		wantErr bool
	}{
		{"empty", nil, nil, false},
		{"nested", append(nested, str(2, "out")...), []string{"msg", "str:in", "skip", "str:out"}, false},
		{"long_string_skipped", str(2, "0123456789abcdefXYZ"), []string{"str:"}, false},
		{"seek_over_big_field", append(big, str(2, "after")...), []string{"skip", "str:after"}, false},
		{"length_past_parent", sub(1, []byte{0x12, 0x05, 'a'}), []string{"msg", "str:"}, true},
		{"truncated_varint", []byte{0x08, 0x80}, []string{"skip"}, true},
		{"group", []byte{0x0b}, []string{"skip"}, true},
		{"field_zero", []byte{0x00}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := walkAll(tt.in)
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrMalformed)) {
				t.Fatalf("walk(%s) error = %v; want malformed error %v", tt.name, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("walk(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestDepthLimit(t *testing.T) {
	b := []byte{}
	for i := 0; i < MaxDepth+5; i++ {
		b = protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), b)
	}
	if _, err := walkAll(b); !errors.Is(err, ErrMalformed) {
		t.Errorf("walk(deep) error = %v; want ErrMalformed", err)
	}
}

func FuzzWalk(f *testing.F) {
	f.Add([]byte{0x0a, 0x04, 0x12, 0x02, 'h', 'i'})
	f.Add([]byte{0x08, 0x96, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := walkAll(b)
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("walk returned a non-format error on in-memory input: %v", err)
		}
	})
}
