package aibom

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/formats"
)

func safetensors() []byte {
	hdr := `{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	for len(hdr)%8 != 0 {
		hdr += " "
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
	b.WriteString(hdr)
	b.Write(make([]byte, 8))
	return b.Bytes()
}

const card = `---
license: apache-2.0
base_model: meta-llama/Llama-3.1-8B
datasets:
  - HuggingFaceH4/ultrachat_200k
pipeline_tag: text-generation
library_name: transformers
---
# Tiny model
`

func hfFolder(t *testing.T, root string) string {
	t.Helper()
	dir := filepath.Join(root, "tiny-llama")
	os.MkdirAll(dir, 0o755)
	files := map[string]string{
		"README.md":             card,
		"config.json":           `{"architectures":["LlamaForCausalLM"],"model_type":"llama","transformers_version":"4.44.0"}`,
		"tokenizer_config.json": `{"chat_template":"{% for m in messages %}{{ m['content'] }}{% endfor %}"}`,
		"model.safetensors":     string(safetensors()),
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func props(c cdx.Component) map[string][]string {
	m := map[string][]string{}
	if c.Properties != nil {
		for _, p := range *c.Properties {
			m[p.Name] = append(m[p.Name], p.Value)
		}
	}
	return m
}

func build(t *testing.T, opts Options, paths ...string) *cdx.BOM {
	t.Helper()
	opts.Now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	bom, err := Build(context.Background(), paths, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, bom); err != nil {
		t.Fatalf("Write: %v", err)
	}
	var got cdx.BOM
	if err := cdx.NewBOMDecoder(&buf, cdx.BOMFileFormatJSON).Decode(&got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got.BOMFormat != "CycloneDX" || got.SpecVersion != cdx.SpecVersion1_6 || !strings.HasPrefix(got.SerialNumber, "urn:uuid:") || got.Metadata == nil || got.Metadata.Timestamp != "2026-01-02T03:04:05Z" {
		t.Fatalf("BOM header = %q %v %q %+v; want CycloneDX 1.6 with serial and timestamp", got.BOMFormat, got.SpecVersion, got.SerialNumber, got.Metadata)
	}
	return &got
}

func TestHuggingFaceFolder(t *testing.T) {
	root := t.TempDir()
	dir := hfFolder(t, root)
	bom := build(t, Options{Scanner: formats.NewScanner(modelscan.Limits{}), ToolVersion: "v1.0.0"}, root)
	if bom.Components == nil || len(*bom.Components) != 1 {
		t.Fatalf("components = %v; want one model", bom.Components)
	}
	c := (*bom.Components)[0]
	if c.Type != cdx.ComponentTypeMachineLearningModel || c.Name != "tiny-llama" {
		t.Errorf("component = %s %q; want machine-learning-model tiny-llama", c.Type, c.Name)
	}
	if c.Components == nil || len(*c.Components) != 4 {
		t.Fatalf("file components = %v; want 4", c.Components)
	}
	for _, f := range *c.Components {
		if f.Hashes == nil || len(*f.Hashes) != 1 || (*f.Hashes)[0].Algorithm != cdx.HashAlgoSHA256 || len((*f.Hashes)[0].Value) != 64 {
			t.Errorf("file %s hashes = %v; want one SHA-256", f.Name, f.Hashes)
		}
	}
	mp := c.ModelCard.ModelParameters
	if mp.ModelArchitecture != "LlamaForCausalLM" || mp.ArchitectureFamily != "llama" || mp.Task != "text-generation" {
		t.Errorf("model parameters = %+v; want LlamaForCausalLM/llama/text-generation", mp)
	}
	if mp.Datasets == nil || (*mp.Datasets)[0].ComponentData == nil || (*mp.Datasets)[0].ComponentData.Name != "HuggingFaceH4/ultrachat_200k" {
		t.Errorf("datasets = %+v; want ultrachat", mp.Datasets)
	}
	if c.Licenses == nil || (*c.Licenses)[0].License.Name != "apache-2.0" {
		t.Errorf("licenses = %+v; want apache-2.0", c.Licenses)
	}
	p := props(c)
	want := map[string][]string{
		PropFormat:    {"safetensors"},
		PropFramework: {"transformers"},
		PropBaseModel: {"meta-llama/Llama-3.1-8B"},
		PropChatTemplate + ":tokenizer_config.json": {"{% for m in messages %}{{ m['content'] }}{% endfor %}"},
		PropScanStatus:   {"clean"},
		PropScanMax:      {"none"},
		PropScanFindings: {"0"},
		PropFiles:        {"4"},
	}
	for k, v := range want {
		if diff := cmp.Diff(v, p[k]); diff != "" {
			t.Errorf("property %s mismatch (-want +got):\n%s", k, diff)
		}
	}
	_ = dir
}

func TestGGUFArtifactAndVerdict(t *testing.T) {
	root := t.TempDir()
	benign, err := os.ReadFile(filepath.Join("..", "modelscan", "gguf", "testdata", "benign_v3.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	evil, err := os.ReadFile(filepath.Join("..", "modelscan", "gguf", "testdata", "bad_tpl_lipsum_globals.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "good.gguf"), benign, 0o644)
	os.WriteFile(filepath.Join(root, "evil.gguf"), evil, 0o644)
	bom := build(t, Options{Scanner: formats.NewScanner(modelscan.Limits{})}, filepath.Join(root, "good.gguf"), filepath.Join(root, "evil.gguf"))
	if len(*bom.Components) != 2 {
		t.Fatalf("components = %d; want 2", len(*bom.Components))
	}
	good, bad := (*bom.Components)[0], (*bom.Components)[1]
	if good.Hashes == nil || len(*good.Hashes) != 1 || good.Components != nil {
		t.Errorf("single artifact hashes = %v, components %v; want its own SHA-256 and no file list", good.Hashes, good.Components)
	}
	gp := props(good)
	if gp[PropScanStatus][0] != "clean" || gp[PropFramework][0] != "llama.cpp" || gp[PropChatTemplate+":good.gguf:tokenizer.chat_template"] == nil {
		t.Errorf("good.gguf properties = %v; want clean, llama.cpp and its chat template", gp)
	}
	if good.ModelCard == nil || good.ModelCard.ModelParameters.ArchitectureFamily != "llama" || (*good.Licenses)[0].License.Name != "apache-2.0" {
		t.Errorf("good.gguf model card %+v licenses %+v; want llama, apache-2.0", good.ModelCard, good.Licenses)
	}
	bp := props(bad)
	if bp[PropScanStatus][0] != "findings" || bp[PropScanMax][0] != "critical" {
		t.Errorf("evil.gguf verdict = %v / %v; want findings / critical", bp[PropScanStatus], bp[PropScanMax])
	}
}

func TestNotScannedAndNesting(t *testing.T) {
	root := t.TempDir()
	hfFolder(t, filepath.Join(root, "org"))
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("hi"), 0o644)
	bom := build(t, Options{}, root)
	if len(*bom.Components) != 1 || (*bom.Components)[0].Name != "tiny-llama" {
		t.Fatalf("components = %+v; want the nested tiny-llama folder only", bom.Components)
	}
	if p := props((*bom.Components)[0]); p[PropScanStatus][0] != "not scanned" {
		t.Errorf("scan status = %v; want not scanned", p[PropScanStatus])
	}
	if _, err := Build(context.Background(), []string{filepath.Join(root, "missing")}, Options{}); err == nil {
		t.Errorf("Build(missing path) = nil error; want error")
	}
}
