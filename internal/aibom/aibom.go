// Package aibom builds an AI bill of materials: a CycloneDX 1.6 BOM with a
// machine-learning-model component per model (a model folder or a single
// artifact), the SHA-256 of every file, what the model card, config.json,
// tokenizer_config.json or GGUF metadata say about format, framework,
// architecture, license, base model and datasets, its chat templates, and
// the scanner's verdict.
package aibom

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/lock"
)

// Property names written on model components.
const (
	PropFormat       = "bulwark:format"
	PropFramework    = "bulwark:framework"
	PropBaseModel    = "bulwark:base_model"
	PropChatTemplate = "bulwark:chat_template"
	PropScanStatus   = "bulwark:scan:status" // clean, findings, error, not scanned
	PropScanMax      = "bulwark:scan:max_severity"
	PropScanFindings = "bulwark:scan:findings"
	PropScanRule     = "bulwark:scan:rule"
	PropFiles        = "bulwark:files"
	PropSize         = "bulwark:size"
	PropRootDigest   = "bulwark:manifest_sha256"
)

// Scanner scans a model path; *modelscan.Scanner implements it.
type Scanner interface {
	Scan(ctx context.Context, paths ...string) (*modelscan.Result, error)
}

// Options configures Build.
type Options struct {
	// Scanner runs the artifact scanner on each model; nil records
	// "not scanned".
	Scanner Scanner
	// ToolVersion is bulwark's version, recorded as the BOM's tool.
	ToolVersion string
	// Now stamps the BOM (time.Now when nil).
	Now func() time.Time
	// SerialNumber overrides the random urn:uuid serial (for tests).
	SerialNumber string
}

// Build returns the BOM for the models found under paths.
func Build(ctx context.Context, paths []string, opts Options) (*cdx.BOM, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	bom := cdx.NewBOM()
	bom.SerialNumber = opts.SerialNumber
	if bom.SerialNumber == "" {
		bom.SerialNumber = newSerial()
	}
	version := opts.ToolVersion
	if version == "" {
		version = "dev"
	}
	bom.Metadata = &cdx.Metadata{
		Timestamp: now().UTC().Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: "bulwark", Version: version,
		}}},
	}
	var comps []cdx.Component
	for _, p := range paths {
		models, err := findModels(p)
		if err != nil {
			return nil, err
		}
		for _, m := range models {
			c, err := modelComponent(ctx, m, opts.Scanner)
			if err != nil {
				return nil, err
			}
			comps = append(comps, c)
		}
	}
	bom.Components = &comps
	return bom, nil
}

// Write encodes bom as CycloneDX 1.6 JSON.
func Write(w io.Writer, bom *cdx.BOM) error {
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("aibom: encode: %w", err)
	}
	return nil
}

func newSerial() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// modelExts are file extensions that make a file a model artifact.
var modelExts = map[string]string{
	".safetensors": "safetensors", ".gguf": "gguf", ".onnx": "onnx", ".keras": "keras", ".h5": "keras-h5",
	".hdf5": "keras-h5", ".pt": "pytorch", ".pth": "pytorch", ".bin": "pytorch", ".ckpt": "pytorch",
	".pkl": "pickle", ".pickle": "pickle", ".joblib": "joblib", ".npy": "numpy", ".npz": "numpy",
	".tflite": "tflite", ".mlmodel": "coreml", ".pb": "tensorflow",
}

// artifactFormat names a model file's format ("" when it is not one).
func artifactFormat(name string) string {
	if strings.EqualFold(name, "saved_model.pb") {
		return "savedmodel"
	}
	return modelExts[strings.ToLower(filepath.Ext(name))]
}

// findModels applies the grouping rule: a file is one model; a folder that
// directly holds a model artifact, config.json or a model card is one
// model (with everything under it); any other folder is searched one level
// down.
func findModels(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("aibom: %w", err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, fmt.Errorf("aibom: %w", err)
	}
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (artifactFormat(n) != "" || n == "config.json" || n == "README.md" || n == "tokenizer_config.json") {
			return []string{p}, nil
		}
	}
	var out []string
	for _, e := range entries {
		child := filepath.Join(p, e.Name())
		if e.IsDir() && e.Name() != ".git" {
			sub, err := findModels(child)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
	}
	return out, nil
}

// modelComponent describes one model.
func modelComponent(ctx context.Context, path string, sc Scanner) (cdx.Component, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return cdx.Component{}, fmt.Errorf("aibom: %w", err)
	}
	l, err := lock.Hash(ctx, []string{path})
	if err != nil {
		return cdx.Component{}, err
	}
	info := describe(path, l.Files)
	name := filepath.Base(abs)
	c := cdx.Component{
		BOMRef: "model:" + filepath.ToSlash(path),
		Type:   cdx.ComponentTypeMachineLearningModel,
		Name:   name,
	}
	if info.name != "" && info.name != name {
		c.Description = info.name
	}
	var props []cdx.Property
	add := func(name, value string) {
		if value != "" {
			props = append(props, cdx.Property{Name: name, Value: value})
		}
	}
	var total int64
	h := sha256.New()
	var files []cdx.Component
	for _, f := range l.Files {
		total += f.Size
		d, _ := hex.DecodeString(f.SHA256)
		h.Write(d)
		files = append(files, cdx.Component{
			BOMRef: c.BOMRef + "#" + f.Path, Type: cdx.ComponentTypeFile, Name: f.Path,
			Hashes:     &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: f.SHA256}},
			Properties: &[]cdx.Property{{Name: PropSize, Value: strconv.FormatInt(f.Size, 10)}},
		})
	}
	if len(l.Files) == 1 && l.Files[0].Path == filepath.Base(path) {
		// A single artifact: its own hash is the model's.
		c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: l.Files[0].SHA256}}
	} else {
		c.Components = &files
		add(PropRootDigest, hex.EncodeToString(h.Sum(nil)))
	}
	add(PropFiles, strconv.Itoa(len(l.Files)))
	add(PropSize, strconv.FormatInt(total, 10))
	for _, f := range info.formats {
		add(PropFormat, f)
	}
	add(PropFramework, info.framework)
	for _, b := range info.baseModels {
		add(PropBaseModel, b)
	}
	for _, k := range sortedKeys(info.templates) {
		props = append(props, cdx.Property{Name: PropChatTemplate + ":" + k, Value: info.templates[k]})
	}
	if info.license != "" {
		ack := cdx.LicenseAcknowledgementDeclared
		c.Licenses = &cdx.Licenses{{License: &cdx.License{Name: info.license, Acknowledgement: ack}}}
	}
	if len(info.baseModels) > 0 {
		var anc []cdx.Component
		for _, b := range info.baseModels {
			anc = append(anc, cdx.Component{Type: cdx.ComponentTypeMachineLearningModel, Name: b})
		}
		c.Pedigree = &cdx.Pedigree{Ancestors: &anc}
	}
	if info.architecture != "" || info.family != "" || info.task != "" || len(info.datasets) > 0 {
		mp := &cdx.MLModelParameters{Task: info.task, ArchitectureFamily: info.family, ModelArchitecture: info.architecture}
		if len(info.datasets) > 0 {
			var ds []cdx.MLDatasetChoice
			for _, d := range info.datasets {
				ds = append(ds, cdx.MLDatasetChoice{ComponentData: &cdx.ComponentData{Type: cdx.ComponentDataTypeDataset, Name: d}})
			}
			mp.Datasets = &ds
		}
		c.ModelCard = &cdx.MLModelCard{ModelParameters: mp}
	}
	props = append(props, scanProps(ctx, sc, path)...)
	c.Properties = &props
	return c, nil
}

// scanProps runs the scanner on the model and summarizes the verdict.
func scanProps(ctx context.Context, sc Scanner, path string) []cdx.Property {
	if sc == nil {
		return []cdx.Property{{Name: PropScanStatus, Value: "not scanned"}}
	}
	res, err := sc.Scan(ctx, path)
	if err != nil {
		return []cdx.Property{{Name: PropScanStatus, Value: "error"}}
	}
	status := "clean"
	maxSev := "none"
	if sev, ok := res.Max(); ok {
		maxSev = sev.String()
		status = "findings"
	}
	if len(res.Errors) > 0 {
		status = "error"
	}
	out := []cdx.Property{
		{Name: PropScanStatus, Value: status},
		{Name: PropScanMax, Value: maxSev},
		{Name: PropScanFindings, Value: strconv.Itoa(len(res.Findings))},
	}
	rules := map[string]bool{}
	for _, f := range res.Findings {
		rules[f.Severity.String()+" "+f.RuleID] = true
	}
	keys := make([]string, 0, len(rules))
	for k := range rules {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, cdx.Property{Name: PropScanRule, Value: k})
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
