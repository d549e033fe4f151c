package schema_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/scanner/schema"
)

const personSchema = `{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},"required":["name"],"additionalProperties":false}`

func TestScan(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		text   string
		want   string // finding type, "" for none
	}{
		{"no schema", "", "not json", ""},
		{"valid", personSchema, `{"name":"Ann","age":3}`, ""},
		{"openai wrapper", `{"name":"person","strict":true,"schema":` + personSchema + `}`, `{"name":"Ann"}`, ""},
		{"fenced", personSchema, "```json\n{\"name\":\"Ann\"}\n```", ""},
		{"missing field", personSchema, `{"age":3}`, schema.TypeMismatch},
		{"extra field", personSchema, `{"name":"A","x":1}`, schema.TypeMismatch},
		{"not json", personSchema, `Sure! {"name":"Ann"}`, schema.TypeInvalidJSON},
		{"trailing data", personSchema, `{"name":"Ann"} {}`, schema.TypeInvalidJSON},
		{"bad schema", `{"type": 12}`, `{}`, schema.TypeBadSchema},
		{"file ref refused", `{"$ref":"file:///etc/passwd"}`, `{}`, schema.TypeBadSchema},
	}
	s := schema.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &guard.Request{ResponseSchema: []byte(tt.schema)}
			fs, err := s.Scan(context.Background(), guard.Input{Stage: guard.StageOutput, Source: guard.SourceOutput, Text: tt.text, Request: req})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(fs) > 0 {
				got = fs[0].Type
			}
			if got != tt.want {
				t.Errorf("Scan(%q) = %q; want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestStreamHoldsAllWithSchema(t *testing.T) {
	p := guard.NewPipeline(guard.Rule{Scanner: schema.New(), Output: true, Default: guard.ActionBlock})
	s := p.Begin(guard.Request{ResponseSchema: []byte(personSchema)})
	st := s.NewStream()
	long := `{"name":"Ann","age":-1}` + strings.Repeat(" ", 300)
	for i := 0; i < len(long); i++ {
		if e, err := st.Write(context.Background(), long[i:i+1]); e != "" || err != nil {
			t.Fatalf("Write = %q, %v; want everything held", e, err)
		}
	}
	if _, err := st.Close(context.Background()); err == nil {
		t.Errorf("Close() = nil error; want a block for a schema mismatch")
	}
}

// FuzzScan checks that arbitrary outputs and schemas never make the
// scanner fail or panic.
func FuzzScan(f *testing.F) {
	f.Add(personSchema, `{"name":"Ann","age":3}`)
	f.Add(`{"name":"person","schema":`+personSchema+`}`, "```json\n{\"name\":\"Ann\"}\n```")
	f.Add(`{"$ref":"file:///etc/passwd"}`, `{}`)
	f.Add(`{"type":"array","items":{"pattern":"^(a+)+$"}}`, `["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"]`)
	s := schema.New()
	f.Fuzz(func(t *testing.T, sch, text string) {
		req := &guard.Request{ResponseSchema: []byte(sch)}
		fs, err := s.Scan(context.Background(), guard.Input{Stage: guard.StageOutput, Source: guard.SourceOutput, Text: text, Request: req})
		if err != nil {
			t.Fatalf("Scan: %v", err)
		}
		for _, fd := range fs {
			if fd.Start != 0 || fd.End != len(text) {
				t.Fatalf("finding [%d,%d) does not cover the output", fd.Start, fd.End)
			}
		}
	})
}
