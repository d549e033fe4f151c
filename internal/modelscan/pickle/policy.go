package pickle

import (
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Verdict is the policy's answer for one imported global.
type Verdict struct {
	Severity modelscan.Severity
	RuleID   string // "" when the global is allowed
	Reason   string
}

// Policy decides what an imported global means. Allow entries match the
// fully qualified name exactly; deny entries match a name or any dotted name
// below it ("os" denies "os.system" and "os.path.join", never "oscar.x");
// class entries allow capitalized class names directly inside a module.
// Anything else is an unknown global.
type Policy struct {
	Allow   map[string]bool
	Deny    map[string]Verdict
	Classes map[string]bool
	// Loaders are callables that unpickle their first argument; the bytes
	// passed to them are scanned as nested artifacts.
	Loaders map[string]bool
	// RaiseStdlib reports unknown globals from Python's standard library at
	// high instead of medium (DefaultPolicy sets it).
	RaiseStdlib bool
}

// Rule ids for globals.
const (
	RuleDenied  = "pickle.global.denied"
	RuleUnknown = "pickle.global.unknown"
	RuleDunder  = "pickle.global.dunder"
	RuleInvalid = "pickle.global.invalid"
	// RuleUnknownStdlib is an unlisted standard-library global.
	RuleUnknownStdlib = "pickle.global.unknown_stdlib"
)

// Check returns the verdict for module.name (after Python 2 name mapping).
func (p *Policy) Check(module, name string) Verdict {
	q := module + "." + name
	if !validDotted(module) || !validDotted(name) {
		return Verdict{modelscan.SeverityHigh, RuleInvalid, "global with a name Python cannot import"}
	}
	if strings.Contains(name, ".") {
		for _, part := range strings.Split(name, ".") {
			if len(part) > 4 && strings.HasPrefix(part, "__") && strings.HasSuffix(part, "__") {
				return Verdict{modelscan.SeverityCritical, RuleDunder, "attribute path through a dunder attribute (sandbox escape gadget)"}
			}
		}
	}
	if p.Allow[q] {
		return Verdict{}
	}
	// Longest denied prefix on a dot boundary.
	for s := q; ; {
		if v, ok := p.Deny[s]; ok {
			if v.RuleID == "" {
				v.RuleID = RuleDenied
			}
			return v
		}
		i := strings.LastIndexByte(s, '.')
		if i < 0 {
			break
		}
		s = s[:i]
	}
	if !strings.Contains(name, ".") && name != "" && name[0] >= 'A' && name[0] <= 'Z' {
		for m := module; ; {
			if p.Classes[m] {
				return Verdict{}
			}
			i := strings.LastIndexByte(m, '.')
			if i < 0 {
				break
			}
			m = m[:i]
		}
	}
	top, _, _ := strings.Cut(module, ".")
	if p.RaiseStdlib && stdlibModules[top] && !keepMedium[q] && top != "typing" {
		return Verdict{modelscan.SeverityHigh, RuleUnknownStdlib, "standard-library global outside the allow-list (a possible new gadget)"}
	}
	return Verdict{modelscan.SeverityMedium, RuleUnknown, "global outside the allow-list of ordinary checkpoints"}
}

func validDotted(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i, c := range part {
			switch {
			case c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			case c >= '0' && c <= '9' && i > 0:
			case c > 127: // Python accepts Unicode identifiers
			default:
				return false
			}
		}
	}
	return true
}

// DefaultPolicy returns the built-in policy: what ordinary PyTorch, NumPy,
// scikit-learn/joblib checkpoints import is allowed; code execution,
// import, file, network and process sinks are denied.
func DefaultPolicy() *Policy {
	p := &Policy{Allow: map[string]bool{}, Deny: map[string]Verdict{}, Classes: map[string]bool{}, Loaders: map[string]bool{}, RaiseStdlib: true}
	for _, n := range allowList {
		p.Allow[n] = true
	}
	for _, n := range torchDtypes {
		p.Allow["torch."+n] = true
	}
	for _, n := range storageKinds {
		p.Allow["torch."+n+"Storage"] = true
		p.Allow["torch.cuda."+n+"Storage"] = true
		p.Allow["torch."+n+"Tensor"] = true // legacy tensor types
		p.Allow["torch.cuda."+n+"Tensor"] = true
	}
	for _, n := range []string{"torch.nn.modules", "torch.optim", "numpy.dtypes", "torch.nn.utils.parametrize", "__torch__"} {
		p.Classes[n] = true
	}
	add := func(sev modelscan.Severity, why string, names ...string) {
		for _, n := range names {
			p.Deny[n] = Verdict{Severity: sev, Reason: why}
		}
	}
	crit, high := modelscan.SeverityCritical, modelscan.SeverityHigh
	add(crit, "runs operating-system commands",
		"os", "posix", "nt", "subprocess", "_posixsubprocess", "pty", "commands", "popen2", "platform.popen",
		"platform._syscmd_ver", "platform._syscmd_file", "uuid._get_command_stdout", "uuid._popen", "pydoc.pipepager",
		"pydoc.tempfilepager", "pydoc.pager", "mailcap", "_winapi", "msvcrt", "asyncio.subprocess",
		"asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell", "asyncio.base_events", "asyncio.unix_events",
		"multiprocessing", "_multiprocessing", "webbrowser", "distutils", "setuptools", "pip", "_pip", "ensurepip",
		"numpy.distutils", "numpy.f2py", "os.path", "sys", "_osx_support", "_aix_support")
	add(crit, "executes or compiles code",
		"builtins.eval", "builtins.exec", "builtins.execfile", "builtins.compile", "builtins.__import__",
		"builtins.getattr", "builtins.setattr", "builtins.delattr", "builtins.globals", "builtins.locals",
		"builtins.vars", "builtins.breakpoint", "builtins.input", "builtins.apply", "builtins.reload",
		"builtins.__build_class__", "runpy", "pkgutil", "importlib", "imp", "zipimport", "cProfile", "profile",
		"pdb", "bdb", "timeit", "trace", "code", "codeop", "ctypes", "_ctypes", "_interpreters",
		"_xxsubinterpreters", "_xxinterpchannels", "interpreters", "concurrent.interpreters", "types.FunctionType",
		"types.CodeType", "types.LambdaType", "types.MethodType", "types.ModuleType", "marshal", "pickle",
		"_pickle", "cPickle", "dill", "cloudpickle", "joblib.load", "joblib.numpy_pickle.load", "shelve",
		"copyreg.add_extension", "copy_reg.add_extension", "atexit", "site", "logging.config", "doctest",
		"test.support", "idlelib", "numpy.testing", "numpy.load", "numpy.loads", "numpy.lib.npyio",
		"numpy.lib.format.read_array", "numpy.core.numeric.loads", "numpy.ctypeslib", "pandas.read_pickle",
		"pandas.io.pickle", "torch.load", "torch.serialization", "torch.hub", "torch.jit", "torch._C",
		"torch.ops", "torch._ops", "torch.utils.cpp_extension", "torch.fx.graph_module", "torch._dynamo",
		"torch._inductor", "torch.package", "torch.distributed", "torch.multiprocessing", "torch.utils.data.datapipes",
		"yaml.load", "yaml.unsafe_load", "yaml.full_load", "yaml.load_all", "yaml.unsafe_load_all",
		"yaml.full_load_all", "yaml.UnsafeLoader", "yaml.Loader", "IPython", "sympy.sympify", "sympy.parsing",
		"operator.attrgetter", "operator.methodcaller", "functools.singledispatch", "inspect", "gc",
		"builtins.help", "_sitebuiltins", "unittest", "compileall", "py_compile", "zipapp", "venv",
		"keras.models.load_model", "tensorflow", "jax.experimental", "numexpr", "pandas.eval", "pandas.core.computation",
		"_operator.attrgetter", "_operator.methodcaller", "_pyrepl", "pydoc", "torch.fx", "torch._export",
		"torch.utils.collect_env", "torch.utils.bottleneck", "torch.utils.benchmark", "torch.cuda._memory_viz",
		"torch.backends.cudnn.rnn", "torch.utils.tensorboard", "torch.onnx", "torch._functorch", "torch._higher_order_ops",
		"torch._library", "torch.library", "torch._prims", "torch._refs", "torch._subclasses",
		"torch.export", "torch.compiler", "torch.utils._config_module", "torch.testing._internal", "_imp", "_io.open_code",
		"xmlrpc", "cgi", "cgitb", "zipimport", "_bootsubprocess", "sysconfig", "lib2to3.pgen2", "turtle",
		"builtins.memoryview.__class__", "builtins.classmethod.__func__")
	add(high, "reads or writes files",
		"builtins.open", "io", "_io", "codecs.open", "fileinput", "linecache", "tempfile", "shutil", "tarfile",
		"zipfile", "dbm", "sqlite3", "gzip.open", "bz2.open", "lzma.open", "numpy.fromfile", "numpy.savetxt",
		"numpy.save", "numpy.savez", "numpy.genfromtxt", "numpy.loadtxt", "numpy.memmap", "glob", "filecmp",
		"mmap", "fcntl", "resource", "signal", "threading", "_thread", "tty", "termios", "syslog", "pathlib",
		"posixpath", "ntpath", "genericpath", "builtins.exit", "builtins.quit", "jinja2", "pandas.read_csv",
		"bz2.BZ2File", "gzip.GzipFile", "lzma.LZMAFile", "netrc", "mailbox", "getpass", "readline")
	add(high, "opens network connections",
		"socket", "_socket", "ssl", "select", "selectors", "socketserver", "http", "urllib", "urllib2",
		"urllib3", "requests", "httpx", "aiohttp", "ftplib", "smtplib", "smtpd", "telnetlib", "poplib",
		"imaplib", "nntplib", "xmlrpc", "xmlrpclib", "wsgiref", "asyncio", "huggingface_hub", "httplib")
	for _, n := range []string{"pickle.loads", "pickle._loads", "_pickle.loads", "cPickle.loads", "dill.loads",
		"dill._dill.loads", "cloudpickle.loads", "torch.load", "torch.serialization.load", "torch.storage._load_from_bytes",
		"numpy.loads", "numpy.core.numeric.loads", "pandas.read_pickle", "joblib.load", "marshal.loads"} {
		p.Loaders[n] = true
	}
	return p
}

var allowList = []string{
	"torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
	"torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
	"torch._utils._rebuild_sparse_tensor", "torch._utils._rebuild_sparse_csr_tensor",
	"torch._utils._rebuild_nested_tensor", "torch._utils._rebuild_device_tensor_from_numpy",
	"torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_wrapper_subclass",
	"torch._utils._rebuild_qtensor", "torch._utils._rebuild_xla_tensor", "torch._utils._rebuild_mps_tensor",
	"torch._tensor._rebuild_from_type", "torch._tensor._rebuild_from_type_v2", "torch.Size", "torch.device",
	"torch.Tensor", "torch.nn.parameter.Parameter", "torch.nn.parameter.UninitializedParameter",
	"torch.nn.parameter.Buffer", "torch.storage.TypedStorage", "torch.storage.UntypedStorage",
	"torch.storage._load_from_bytes", "torch.serialization._get_layout", "torch.strided", "torch.sparse_coo",
	"torch.sparse_csr", "torch.sparse_csc", "torch.sparse_bsr", "torch.sparse_bsc", "torch._mkldnn",
	"torch.contiguous_format", "torch.channels_last", "torch.channels_last_3d", "torch.preserve_format",
	"torch.per_tensor_affine", "torch.per_channel_affine", "torch.per_tensor_symmetric",
	"torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams",
	"collections.OrderedDict", "collections.defaultdict", "collections.Counter", "collections.deque",
	"builtins.set", "builtins.frozenset", "builtins.slice", "builtins.complex", "builtins.bytearray",
	"builtins.bytes", "builtins.int", "builtins.float", "builtins.str", "builtins.list", "builtins.tuple",
	"builtins.dict", "builtins.bool", "builtins.range", "builtins.object", "builtins.NoneType",
	"builtins.Ellipsis", "builtins.NotImplemented",
	"copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__", "_codecs.encode",
	"numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct", "numpy.core.multiarray.scalar",
	"numpy._core.multiarray.scalar", "numpy.ndarray", "numpy.dtype", "numpy.core.numeric._frombuffer",
	"numpy._core.numeric._frombuffer", "numpy.ma.core._mareconstruct", "numpy.ma.core.MaskedArray",
	"numpy.random._pickle.__randomstate_ctor", "numpy.random._pickle.__generator_ctor",
	"numpy.random._pickle.__bit_generator_ctor", "numpy.random.mtrand._rand",
	"numpy.bool_", "numpy.int8", "numpy.int16", "numpy.int32", "numpy.int64", "numpy.uint8", "numpy.uint16",
	"numpy.uint32", "numpy.uint64", "numpy.float16", "numpy.float32", "numpy.float64", "numpy.longdouble",
	"numpy.complex64", "numpy.complex128", "numpy.str_", "numpy.bytes_", "numpy.object_", "numpy.void",
	"numpy.datetime64", "numpy.timedelta64",
	"joblib.numpy_pickle.NumpyArrayWrapper", "joblib.numpy_pickle.NDArrayWrapper",
	"joblib.numpy_pickle.ZNDArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
	"argparse.Namespace", "pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib.PurePath",
	"pathlib.PurePosixPath", "pathlib.PureWindowsPath", "datetime.datetime", "datetime.date", "datetime.time",
	"datetime.timedelta", "datetime.timezone", "decimal.Decimal", "fractions.Fraction", "uuid.UUID",
	"torch.torch_version.TorchVersion", "typing.Any",
	// TorchScript archives (torch.jit.save): read by TorchScript's own
	// restricted unpickler, these builders are all they import.
	"torch.jit._pickle.build_intlist", "torch.jit._pickle.build_doublelist", "torch.jit._pickle.build_boollist",
	"torch.jit._pickle.build_tensorlist", "torch.jit._pickle.build_tensor_from_id", "torch.jit._pickle.restore_type_tag",
}

var torchDtypes = []string{
	"float", "float16", "float32", "float64", "bfloat16", "half", "double", "int8", "int16", "int32", "int64",
	"uint8", "uint16", "uint32", "uint64", "bool", "complex32", "complex64", "complex128", "long", "int", "short",
	"cfloat", "cdouble", "chalf", "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "float8_e4m3fn",
	"float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz",
}

var storageKinds = []string{
	"Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool", "ComplexFloat",
	"ComplexDouble", "QInt8", "QUInt8", "QInt32", "QUInt4x2", "QUInt2x4", "Untyped",
}

// storageElemSize is the element size of legacy storage types, for walking
// the raw data that follows them.
func storageElemSize(q string) int64 {
	q = strings.TrimPrefix(strings.TrimPrefix(q, "torch.cuda."), "torch.")
	switch strings.TrimSuffix(q, "Storage") {
	case "Double", "Long", "ComplexFloat":
		return 8
	case "ComplexDouble":
		return 16
	case "Float", "Int", "QInt32":
		return 4
	case "Half", "BFloat16", "Short":
		return 2
	case "Char", "Byte", "Bool", "QInt8", "QUInt8", "QUInt4x2", "QUInt2x4", "Untyped":
		return 1
	}
	return 0
}
