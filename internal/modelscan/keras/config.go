// Package keras scans Keras models: the `.keras` zip (config.json,
// metadata.json, model.weights.h5) and legacy HDF5 `.h5` files, whose
// model_config attribute holds the same JSON. Keras rebuilds a model by
// importing the modules the config names and calling the classes and
// functions it lists; a Lambda layer carries marshalled Python bytecode that
// runs on load. CheckConfig applies the rules to a config; the Format
// locates the config in either container.
package keras

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// MaxConfigBytes bounds the config JSON read from a model.
const MaxConfigBytes = 64 << 20

// allowedModules are module prefixes that ship with Keras itself.
var allowedModules = []string{"keras", "keras_hub", "keras_nlp", "keras_cv", "tf_keras", "tensorflow.keras"}

// dangerousModules are modules whose functions execute code, touch files or
// processes, or import more code.
var dangerousModules = map[string]bool{
	"os": true, "posix": true, "nt": true, "subprocess": true, "sys": true, "__builtin__": true,
	"importlib": true, "runpy": true, "pickle": true, "_pickle": true, "shutil": true, "socket": true, "pty": true,
	"code": true, "codeop": true, "ctypes": true, "marshal": true, "types": true, "webbrowser": true, "pdb": true,
	"commands": true, "multiprocessing": true, "asyncio": true, "io": true, "pathlib": true, "tempfile": true,
	"urllib": true, "requests": true, "http": true, "ftplib": true, "smtplib": true, "telnetlib": true,
	"operator": true, "functools": true, "dill": true, "cloudpickle": true, "joblib": true,
	"tensorflow.io": true, "tensorflow.python.ops.gen_io_ops": true, "tensorflow.python.platform.gfile": true,
}

// codeNames are identifiers whose presence in a Lambda's bytecode names a
// capability beyond tensor math; they go into the finding's evidence.
var codeNames = []string{"system", "popen", "exec", "eval", "subprocess", "__import__", "builtins", "open", "getattr", "socket", "urlopen", "remove", "rmtree", "environ"}

// tfOpRisky are substrings of TFOpLambda function names that reach files
// or Python.
var tfOpRisky = []string{"io.", "py_function", "numpy_function", "py_func", "read_file", "write_file", "gfile", "save", "print"}

// riskyKerasFunctions are Keras's own functions that safe_mode bypasses
// call from a config (CVE-2025-9906 turns safe mode off, CVE-2025-8747
// downloads files with get_file): allowed modules, dangerous names.
var riskyKerasFunctions = map[string]modelscan.Severity{
	"enable_unsafe_deserialization": modelscan.SeverityCritical,
	"get_file":                      modelscan.SeverityHigh,
	"load_model":                    modelscan.SeverityHigh,
	"save_model":                    modelscan.SeverityHigh,
	"load_weights":                  modelscan.SeverityHigh,
	"save_weights":                  modelscan.SeverityHigh,
	"deserialize_keras_object":      modelscan.SeverityHigh,
	"register_keras_serializable":   modelscan.SeverityHigh,
}

// riskyLayers are layer classes that load code or pickles from their config.
var riskyLayers = map[string]string{
	"TorchModuleWrapper": "wraps a torch module restored with torch.load (pickle) from the config",
	"JaxLayer":           "wraps JAX callables given by reference",
	"FlaxLayer":          "wraps a Flax module given by reference",
}

// CheckConfig parses a Keras model config (config.json, or HDF5's
// model_config) and returns its findings. An error means the JSON is
// invalid or too large.
func CheckConfig(data []byte) ([]modelscan.Finding, error) {
	if len(data) > MaxConfigBytes {
		return nil, fmt.Errorf("keras: config of %d bytes exceeds the %d byte limit", len(data), MaxConfigBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(pythonJSON(data)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("keras: config is not JSON: %w", err)
	}
	c := checker{seen: map[string]bool{}}
	c.walk(v, "", 0)
	sort.SliceStable(c.out, func(i, k int) bool { return c.out[i].Severity > c.out[k].Severity })
	return c.out, nil
}

// pythonJSON rewrites the NaN, Infinity and -Infinity literals that
// Python's json (which Keras uses) reads and writes, and encoding/json
// rejects, into 0 outside strings, so such a config is checked rather than
// refused or, where a caller only tries valid JSON, skipped. data is
// returned unchanged when it has none.
func pythonJSON(data []byte) []byte {
	if !bytes.Contains(data, []byte("NaN")) && !bytes.Contains(data, []byte("Infinity")) {
		return data
	}
	out := make([]byte, 0, len(data))
	inStr := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inStr {
			out = append(out, c)
			switch c {
			case '\\':
				if i+1 < len(data) {
					i++
					out = append(out, data[i])
				}
			case '"':
				inStr = false
			}
			continue
		}
		switch {
		case c == '"':
			inStr = true
		case bytes.HasPrefix(data[i:], []byte("NaN")):
			out = append(out, '0')
			i += len("NaN") - 1
			continue
		case bytes.HasPrefix(data[i:], []byte("Infinity")):
			out = append(out, '0')
			i += len("Infinity") - 1
			continue
		}
		out = append(out, c)
	}
	return out
}

type checker struct {
	out  []modelscan.Finding
	seen map[string]bool
}

func (c *checker) add(sev modelscan.Severity, rule, msg, ev string) {
	if c.seen[rule+"\x00"+ev] {
		return
	}
	c.seen[rule+"\x00"+ev] = true
	c.out = append(c.out, modelscan.Finding{Severity: sev, RuleID: rule, Message: msg, Evidence: ev})
}

const maxWalkDepth = 512

func (c *checker) walk(v any, layer string, depth int) {
	if depth > maxWalkDepth {
		c.add(modelscan.SeverityHigh, "keras.config.depth", "config nests deeper than the scanner follows", fmt.Sprintf("depth > %d", maxWalkDepth))
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			c.walk(e, layer, depth+1)
		}
	case map[string]any:
		if name := layerName(x); name != "" {
			layer = name
		}
		c.object(x, layer)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c.walk(x[k], layer, depth+1)
		}
	}
}

func layerName(m map[string]any) string {
	if cfg, ok := m["config"].(map[string]any); ok {
		if n, ok := cfg["name"].(string); ok {
			return n
		}
	}
	if n, ok := m["name"].(string); ok {
		return n
	}
	return ""
}

// object applies the rules to one JSON object.
func (c *checker) object(m map[string]any, layer string) {
	className, _ := m["class_name"].(string)
	cfg, _ := m["config"].(map[string]any)
	switch className {
	case "Lambda":
		c.lambda(cfg, layer)
	case "__lambda__":
		// Keras 3 nests the function as {"class_name": "__lambda__", "config": {"code": ...}}.
		c.add(modelscan.SeverityCritical, "keras.lambda.bytecode", "Lambda function with marshalled Python bytecode (runs on load)", layer+codeHint(cfg["code"]))
	case "TFOpLambda", "SlicingOpLambda":
		if fn, ok := cfg["function"].(string); ok {
			for _, r := range tfOpRisky {
				if strings.Contains(fn, r) {
					c.add(modelscan.SeverityHigh, "keras.tfoplambda.risky", "TensorFlow op layer calls a file or Python op", layer+": "+fn)
					break
				}
			}
		}
	}
	if why, ok := riskyLayers[className]; ok {
		c.add(modelscan.SeverityCritical, "keras.layer.code", "layer "+why, layer+": "+className)
	}
	if fn := functionName(m, className); fn != "" {
		if sev, ok := riskyKerasFunctions[fn]; ok {
			c.add(sev, "keras.function.risky", "config calls a Keras function that disables safe mode, loads or fetches files", fn)
		}
	}
	if mod, ok := m["module"].(string); ok && mod != "" && !allowed(mod) {
		ev := mod + "." + className
		if isDangerous(mod) || (mod == "builtins" && dangerousBuiltin(m)) {
			c.add(modelscan.SeverityCritical, "keras.module.dangerous", "config references a module that runs code, files or processes", ev)
		} else {
			c.add(modelscan.SeverityMedium, "keras.module.custom", "config references a module outside Keras (custom code must be importable to load)", ev)
		}
	}
	if reg, ok := m["registered_name"].(string); ok && reg != "" && strings.Contains(reg, ">") {
		pkg := reg[:strings.Index(reg, ">")]
		if !allowed(pkg) {
			c.add(modelscan.SeverityMedium, "keras.registered.custom", "config uses a custom registered object", reg)
		}
	}
}

func (c *checker) lambda(cfg map[string]any, layer string) {
	if cfg == nil {
		c.add(modelscan.SeverityHigh, "keras.lambda.layer", "Lambda layer (arbitrary Python function)", layer)
		return
	}
	switch fn := cfg["function"].(type) {
	case []any: // Keras 2: [base64 marshal, defaults, closure]
		code := any(nil)
		if len(fn) > 0 {
			code = fn[0]
		}
		c.add(modelscan.SeverityCritical, "keras.lambda.bytecode", "Lambda layer with marshalled Python bytecode (runs on load)", layer+codeHint(code))
	case string:
		if t, _ := cfg["function_type"].(string); t == "lambda" {
			c.add(modelscan.SeverityCritical, "keras.lambda.bytecode", "Lambda layer with marshalled Python bytecode (runs on load)", layer+codeHint(fn))
			return
		}
		mod, _ := cfg["module"].(string)
		c.add(modelscan.SeverityHigh, "keras.lambda.function", "Lambda layer calls a named Python function", strings.TrimPrefix(mod+"."+fn, "."))
	case map[string]any:
		// Keras 3; the nested object is checked when the walk reaches it.
		if cn, _ := fn["class_name"].(string); cn != "__lambda__" {
			c.add(modelscan.SeverityHigh, "keras.lambda.function", "Lambda layer calls a named Python function", layer+": "+fmt.Sprint(fn["config"]))
		}
	default:
		c.add(modelscan.SeverityHigh, "keras.lambda.layer", "Lambda layer (arbitrary Python function)", layer)
	}
}

// codeHint decodes base64 marshalled code and names the risky identifiers it
// mentions, for the evidence.
func codeHint(v any) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return ""
		}
	}
	var hits []string
	for _, n := range codeNames {
		if bytes.Contains(raw, []byte(n)) {
			hits = append(hits, n)
		}
	}
	if len(hits) == 0 {
		return ""
	}
	return " (bytecode names " + strings.Join(hits, ", ") + ")"
}

func allowed(mod string) bool {
	for _, a := range allowedModules {
		if mod == a || strings.HasPrefix(mod, a+".") {
			return true
		}
	}
	return false
}

func isDangerous(mod string) bool {
	for m := mod; m != ""; {
		if dangerousModules[m] {
			return true
		}
		i := strings.LastIndexByte(m, '.')
		if i < 0 {
			break
		}
		m = m[:i]
	}
	return false
}

// dangerousBuiltin reports whether a {"module": "builtins"} object names a
// builtin that runs or loads code.
func dangerousBuiltin(m map[string]any) bool {
	names := []string{}
	if cn, ok := m["class_name"].(string); ok {
		names = append(names, cn)
	}
	if cfg, ok := m["config"].(string); ok {
		names = append(names, cfg)
	}
	for _, n := range names {
		switch n {
		case "eval", "exec", "compile", "open", "__import__", "getattr", "setattr", "globals", "input", "breakpoint", "memoryview":
			return true
		}
	}
	return false
}

// functionName returns the function a serialized object refers to: Keras
// 3 writes {"class_name": "function", "config": "name"}; other objects may
// name it in class_name.
func functionName(m map[string]any, className string) string {
	if cfg, ok := m["config"].(string); ok {
		if className == "function" || m["registered_name"] == "function" {
			return cfg[strings.LastIndexByte(cfg, '.')+1:]
		}
	}
	if _, ok := m["module"].(string); ok {
		return className
	}
	return ""
}
