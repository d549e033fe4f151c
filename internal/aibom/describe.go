package aibom

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bulwark-ai/bulwark/internal/modelscan/gguf"
	"github.com/bulwark-ai/bulwark/internal/modelscan/lock"
)

// maxMetaFile bounds the size of config.json, README.md and
// tokenizer_config.json read for metadata.
const maxMetaFile = 16 << 20

// info is what the model's own files say about it.
type info struct {
	name         string
	formats      []string
	framework    string
	architecture string // e.g. LlamaForCausalLM
	family       string // e.g. llama
	task         string
	license      string
	baseModels   []string
	datasets     []string
	templates    map[string]string // source → template text
}

// describe reads the metadata files of a model (a folder, or one file).
func describe(path string, files []lock.File) info {
	in := info{templates: map[string]string{}}
	dir := path
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		dir = ""
	}
	formats := map[string]bool{}
	for _, f := range files {
		if ft := artifactFormat(filepath.Base(f.Path)); ft != "" {
			formats[ft] = true
		}
	}
	for f := range formats {
		in.formats = append(in.formats, f)
	}
	sort.Strings(in.formats)
	if dir != "" {
		in.readCard(filepath.Join(dir, "README.md"))
		in.readConfig(filepath.Join(dir, "config.json"))
		in.readTokenizerConfig(filepath.Join(dir, "tokenizer_config.json"))
		if b, ok := readSmall(filepath.Join(dir, "chat_template.jinja")); ok {
			in.templates["chat_template.jinja"] = string(b)
		}
	}
	for _, f := range files {
		if strings.HasSuffix(strings.ToLower(f.Path), ".gguf") {
			p := path
			if dir != "" {
				p = filepath.Join(dir, filepath.FromSlash(f.Path))
			}
			in.readGGUF(p, f.Path)
		}
	}
	if in.framework == "" {
		in.framework = frameworkFor(in.formats)
	}
	return in
}

func frameworkFor(formats []string) string {
	for _, f := range formats {
		switch f {
		case "gguf":
			return "llama.cpp"
		case "onnx":
			return "onnx"
		case "keras", "keras-h5":
			return "keras"
		case "savedmodel", "tensorflow", "tflite":
			return "tensorflow"
		case "pytorch":
			return "pytorch"
		case "joblib", "pickle":
			return "scikit-learn"
		}
	}
	return ""
}

func readSmall(p string) ([]byte, bool) {
	f, err := os.Open(p)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMetaFile+1))
	if err != nil || len(b) > maxMetaFile {
		return nil, false
	}
	return b, true
}

// readCard reads a Hugging Face model card's YAML front matter.
func (in *info) readCard(p string) {
	b, ok := readSmall(p)
	if !ok {
		return
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	if !bytes.HasPrefix(b, []byte("---")) {
		return
	}
	rest := b[3:]
	end := bytes.Index(rest, []byte("\n---"))
	if end < 0 {
		return
	}
	var card map[string]any
	if yaml.Unmarshal(rest[:end], &card) != nil {
		return
	}
	if s := strings.Join(strList(card["license"]), " OR "); s != "" {
		in.license = s
	}
	if s := first(strList(card["license_name"])); s != "" && (in.license == "" || in.license == "other") {
		in.license = s
	}
	in.baseModels = appendNew(in.baseModels, strList(card["base_model"])...)
	in.datasets = appendNew(in.datasets, strList(card["datasets"])...)
	if s := first(strList(card["pipeline_tag"])); s != "" {
		in.task = s
	}
	if s := first(strList(card["library_name"])); s != "" {
		in.framework = s
	}
	if s := first(strList(card["model_name"])); s != "" {
		in.name = s
	}
}

// readConfig reads a transformers-style config.json.
func (in *info) readConfig(p string) {
	b, ok := readSmall(p)
	if !ok {
		return
	}
	var cfg map[string]any
	if json.Unmarshal(b, &cfg) != nil {
		return
	}
	if s := first(strList(cfg["architectures"])); s != "" && in.architecture == "" {
		in.architecture = s
	}
	if s := first(strList(cfg["model_type"])); s != "" && in.family == "" {
		in.family = s
	}
	if s := first(strList(cfg["license"])); s != "" && in.license == "" {
		in.license = s
	}
	in.baseModels = appendNew(in.baseModels, strList(cfg["base_model"])...)
	in.datasets = appendNew(in.datasets, strList(cfg["datasets"])...)
	if _, ok := cfg["transformers_version"]; ok && in.framework == "" {
		in.framework = "transformers"
	}
}

// readTokenizerConfig records chat templates: a string, or a list of
// {"name", "template"} objects.
func (in *info) readTokenizerConfig(p string) {
	b, ok := readSmall(p)
	if !ok {
		return
	}
	var cfg struct {
		ChatTemplate json.RawMessage `json:"chat_template"`
	}
	if json.Unmarshal(b, &cfg) != nil || len(cfg.ChatTemplate) == 0 {
		return
	}
	var s string
	if json.Unmarshal(cfg.ChatTemplate, &s) == nil {
		in.templates["tokenizer_config.json"] = s
		return
	}
	var named []struct {
		Name     string `json:"name"`
		Template string `json:"template"`
	}
	if json.Unmarshal(cfg.ChatTemplate, &named) == nil {
		for _, t := range named {
			in.templates["tokenizer_config.json:"+t.Name] = t.Template
		}
	}
}

// readGGUF reads a GGUF file's metadata.
func (in *info) readGGUF(p, rel string) {
	f, err := os.Open(p)
	if err != nil {
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return
	}
	g, err := gguf.Parse(context.Background(), f, st.Size())
	if err != nil {
		return
	}
	if s := g.Strings["general.architecture"]; s != "" && in.family == "" {
		in.family = s
	}
	if s := g.Strings["general.name"]; s != "" && in.name == "" {
		in.name = s
	}
	if s := g.Strings["general.license"]; s != "" && in.license == "" {
		in.license = s
	}
	for k, v := range g.ChatTemplates() {
		in.templates[rel+":"+k] = v
	}
}

// strList reads a YAML/JSON value that is a string or a list of strings.
func strList(v any) []string {
	switch x := v.(type) {
	case string:
		if x = strings.TrimSpace(x); x != "" {
			return []string{x}
		}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
		}
		return out
	}
	return nil
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func appendNew(list []string, add ...string) []string {
	for _, a := range add {
		dup := false
		for _, l := range list {
			if l == a {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, a)
		}
	}
	return list
}
