// Package formats assembles the default, ordered list of model formats the
// scanner dispatches to. It is the only package that imports every format,
// so the engine stays free of them (no global registry).
package formats

import (
	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/archive"
	"github.com/bulwark-ai/bulwark/internal/modelscan/compressed"
	"github.com/bulwark-ai/bulwark/internal/modelscan/gguf"
	"github.com/bulwark-ai/bulwark/internal/modelscan/keras"
	"github.com/bulwark-ai/bulwark/internal/modelscan/numpy"
	"github.com/bulwark-ai/bulwark/internal/modelscan/onnx"
	"github.com/bulwark-ai/bulwark/internal/modelscan/pickle"
	"github.com/bulwark-ai/bulwark/internal/modelscan/safetensors"
	"github.com/bulwark-ai/bulwark/internal/modelscan/savedmodel"
)

// Default returns the built-in formats in dispatch order: the first whose
// Match accepts an object scans it. Formats named by extension or with a
// magic number come first; archives next; pickle, which also recognizes
// unnamed pickles by running their first bytes, comes last.
func Default(lim modelscan.Limits) []modelscan.Format {
	lim = lim.WithDefaults()
	return []modelscan.Format{
		keras.Format{},
		onnx.Format{},
		savedmodel.Format{},
		gguf.Format{},
		gguf.ChatTemplateFormat{}, // tokenizer_config.json, *.jinja: Jinja sandbox escapes
		safetensors.Format{},
		numpy.Format{},
		archive.NewZip(lim),
		archive.NewTar(lim),
		archive.NewSevenZip(lim),
		compressed.New(lim),
		pickle.New(nil, lim),
	}
}

// NewScanner returns a scanner over the default formats.
func NewScanner(lim modelscan.Limits) *modelscan.Scanner {
	return modelscan.NewScanner(Default(lim), lim)
}
