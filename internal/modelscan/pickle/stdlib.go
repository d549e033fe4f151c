package pickle

// stdlibModules are top-level modules of Python's standard library. A
// global from one of them that is neither allowed nor denied is reported at
// high ("unknown_stdlib"): ordinary checkpoints use the few allowed ones, and
// unlisted stdlib callables are where new gadgets come from.
var stdlibModules = map[string]bool{}

func init() {
	for _, m := range []string{
		"__future__", "_abc", "_aix_support", "_ast", "_asyncio", "_bisect", "_blake2", "_bootsubprocess", "_bz2",
		"_codecs", "_collections", "_collections_abc", "_compat_pickle", "_compression", "_contextvars", "_crypt",
		"_csv", "_ctypes", "_curses", "_datetime", "_dbm", "_decimal", "_elementtree", "_functools", "_gdbm",
		"_hashlib", "_heapq", "_imp", "_io", "_json", "_locale", "_lsprof", "_lzma", "_markupbase", "_md5",
		"_msi", "_multibytecodec", "_opcode", "_operator", "_osx_support", "_overlapped", "_pickle", "_posixshmem",
		"_py_abc", "_pydecimal", "_pyio", "_pyrepl", "_queue", "_random", "_sha1", "_sha256", "_sha3", "_sha512",
		"_signal", "_sitebuiltins", "_socket", "_sqlite3", "_sre", "_ssl", "_stat", "_statistics", "_string",
		"_strptime", "_struct", "_symtable", "_thread", "_threading_local", "_tkinter", "_tracemalloc", "_uuid",
		"_warnings", "_weakref", "_weakrefset", "_winapi", "_zoneinfo", "abc", "aifc", "antigravity", "argparse",
		"array", "ast", "asynchat", "asyncio", "asyncore", "atexit", "audioop", "base64", "bdb", "binascii",
		"bisect", "builtins", "bz2", "cProfile", "calendar", "cgi", "cgitb", "chunk", "cmath", "cmd", "code",
		"codecs", "codeop", "collections", "colorsys", "compileall", "concurrent", "configparser", "contextlib",
		"contextvars", "copy", "copyreg", "crypt", "csv", "ctypes", "curses", "dataclasses", "datetime", "dbm",
		"decimal", "difflib", "dis", "distutils", "doctest", "email", "encodings", "ensurepip", "enum", "errno",
		"faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch", "fractions", "ftplib", "functools", "gc",
		"genericpath", "getopt", "getpass", "gettext", "glob", "graphlib", "grp", "gzip", "hashlib", "heapq",
		"hmac", "html", "http", "idlelib", "imaplib", "imghdr", "imp", "importlib", "inspect", "io", "ipaddress",
		"itertools", "json", "keyword", "lib2to3", "linecache", "locale", "logging", "lzma", "mailbox", "mailcap",
		"marshal", "math", "mimetypes", "mmap", "modulefinder", "msilib", "msvcrt", "multiprocessing", "netrc",
		"nis", "nntplib", "nt", "ntpath", "nturl2path", "numbers", "opcode", "operator", "optparse", "os",
		"ossaudiodev", "pathlib", "pdb", "pickle", "pickletools", "pipes", "pkgutil", "platform", "plistlib",
		"poplib", "posix", "posixpath", "pprint", "profile", "pstats", "pty", "pwd", "py_compile", "pyclbr",
		"pydoc", "pydoc_data", "pyexpat", "queue", "quopri", "random", "re", "readline", "reprlib", "resource",
		"rlcompleter", "runpy", "sched", "secrets", "select", "selectors", "shelve", "shlex", "shutil", "signal",
		"site", "smtpd", "smtplib", "sndhdr", "socket", "socketserver", "spwd", "sqlite3", "sre_compile",
		"sre_constants", "sre_parse", "ssl", "stat", "statistics", "string", "stringprep", "struct", "subprocess",
		"sunau", "symtable", "sys", "sysconfig", "syslog", "tabnanny", "tarfile", "telnetlib", "tempfile",
		"termios", "textwrap", "this", "threading", "time", "timeit", "tkinter", "token", "tokenize", "tomllib",
		"trace", "traceback", "tracemalloc", "tty", "turtle", "turtledemo", "types", "typing", "unicodedata",
		"unittest", "urllib", "uu", "uuid", "venv", "warnings", "wave", "weakref", "webbrowser", "winreg",
		"winsound", "wsgiref", "xdrlib", "xml", "xmlrpc", "zipapp", "zipfile", "zipimport", "zlib", "zoneinfo",
	} {
		stdlibModules[m] = true
	}
}

// keepMedium are stdlib names that ordinary (non-checkpoint) pickles use;
// they stay "unknown" at medium instead of being raised to high.
var keepMedium = map[string]bool{
	"functools.partial": true, "functools.reduce": true, "re._compile": true, "re.compile": true,
	"re.RegexFlag": true, "enum.Enum": true, "logging.getLogger": true, "random.Random": true,
	"array.array": true, "array._array_reconstructor": true, "types.SimpleNamespace": true,
	"operator.itemgetter": true, "time.struct_time": true, "zoneinfo.ZoneInfo": true,
	"ipaddress.IPv4Address": true, "ipaddress.IPv6Address": true, "typing.Union": true, "typing.Optional": true,
	"collections.namedtuple": true, "_collections_abc.dict_keys": true, "copy._reconstruct": true,
	"builtins.print": true, "builtins.type": true, "builtins.map": true, "builtins.filter": true,
	"builtins.zip": true, "builtins.enumerate": true, "builtins.reversed": true, "builtins.sorted": true,
	"builtins.len": true, "builtins.min": true, "builtins.max": true, "builtins.sum": true, "builtins.abs": true,
	"builtins.chr": true, "builtins.ord": true, "builtins.repr": true, "builtins.hash": true,
	"builtins.iter": true, "builtins.next": true, "builtins.property": true, "builtins.staticmethod": true,
	"builtins.classmethod": true, "builtins.super": true, "builtins.memoryview": true,
	"builtins.Exception": true, "builtins.ValueError": true, "builtins.KeyError": true,
	"builtins.RuntimeError": true, "builtins.TypeError": true,
}
