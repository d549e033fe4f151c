package cli

import (
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

func TestBOMCLI(t *testing.T) {
	dir := modelDir(t)
	code, stdout, stderr := runSupply(t, "bom", dir)
	if code != ExitOK {
		t.Fatalf("bom = %d (%s)", code, stderr)
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(strings.NewReader(stdout), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if bom.SpecVersion != cdx.SpecVersion1_6 || bom.Components == nil || len(*bom.Components) != 1 || (*bom.Components)[0].Type != cdx.ComponentTypeMachineLearningModel {
		t.Errorf("bom = %v %+v; want 1.6 with one machine-learning-model", bom.SpecVersion, bom.Components)
	}
	if code, _, _ := runSupply(t, "bom"); code != ExitError {
		t.Errorf("bom without paths = %d; want 2", code)
	}
}
