package savedmodel

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/keras"
)

// keras_metadata.pb over the read limit is not checked at all, so the
// Lambda layers it may hold must not pass as merely unusual.
func TestKerasMetadataTooLarge(t *testing.T) {
	var rec recorder
	obj := modelscan.Object{Name: "keras_metadata.pb", R: bytes.NewReader(nil), Size: keras.MaxConfigBytes + 1}
	if err := (Format{}).Scan(context.Background(), obj, &rec); err != nil {
		t.Fatalf("Scan error = %v", err)
	}
	if len(rec.findings) != 1 || rec.findings[0].Severity < modelscan.SeverityHigh {
		t.Errorf("Scan(keras_metadata.pb of %d bytes) = %+v; want one finding at high or above", obj.Size, rec.findings)
	}
}

// The op table is bounded; a flood of made-up op names must not push a
// PyFunc that comes after them out of the scan.
func TestRiskyOpAfterManyOps(t *testing.T) {
	var nodes [][]byte
	for i := range maxOps + 1 {
		nodes = append(nodes, node(fmt.Sprintf("n%d", i), fmt.Sprintf("Op%d", i)))
	}
	nodes = append(nodes, node("p", "PyFunc", "token", "pyfunc_0"))
	got := ruleIDs(scan(t, "saved_model.pb", savedModel(nil, nodes...)))
	if !slices.Contains(got, "savedmodel.op.python") {
		t.Errorf("Scan(%d ops then PyFunc) rules = %v; want savedmodel.op.python", maxOps+1, got)
	}
}
