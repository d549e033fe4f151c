package pickle

// Python 2 names that CPython's unpickler renames when the stream's protocol
// is below 3 and fix_imports is on (the default), as Lib/_compat_pickle.py.

var importMapping = map[string]string{
	"__builtin__": "builtins", "copy_reg": "copyreg", "Queue": "queue", "SocketServer": "socketserver",
	"ConfigParser": "configparser", "repr": "reprlib", "tkFileDialog": "tkinter.filedialog",
	"tkSimpleDialog": "tkinter.simpledialog", "tkColorChooser": "tkinter.colorchooser",
	"tkCommonDialog": "tkinter.commondialog", "Dialog": "tkinter.dialog", "Tkdnd": "tkinter.dnd",
	"tkFont": "tkinter.font", "tkMessageBox": "tkinter.messagebox", "ScrolledText": "tkinter.scrolledtext",
	"Tkconstants": "tkinter.constants", "Tix": "tkinter.tix", "ttk": "tkinter.ttk", "Tkinter": "tkinter",
	"markupbase": "_markupbase", "_winreg": "winreg", "thread": "_thread", "dummy_thread": "_dummy_thread",
	"dbhash": "dbm.bsd", "dumbdbm": "dbm.dumb", "dbm": "dbm.ndbm", "gdbm": "dbm.gnu", "xmlrpclib": "xmlrpc.client",
	"SimpleXMLRPCServer": "xmlrpc.server", "httplib": "http.client", "htmlentitydefs": "html.entities",
	"HTMLParser": "html.parser", "Cookie": "http.cookies", "cookielib": "http.cookiejar",
	"BaseHTTPServer": "http.server", "test.test_support": "test.support", "commands": "subprocess",
	"urlparse": "urllib.parse", "robotparser": "urllib.robotparser", "urllib2": "urllib.request",
	"anydbm": "dbm", "_abcoll": "collections.abc", "cPickle": "pickle", "_elementtree": "xml.etree.ElementTree",
	"FileDialog": "tkinter.filedialog", "SimpleDialog": "tkinter.simpledialog",
	"DocXMLRPCServer": "xmlrpc.server", "SimpleHTTPServer": "http.server", "CGIHTTPServer": "http.server",
	"UserDict": "collections", "UserList": "collections", "UserString": "collections", "whichdb": "dbm",
	"StringIO": "io", "cStringIO": "io", "exceptions": "builtins",
}

type modName struct{ module, name string }

var nameMapping = map[modName]modName{
	{"__builtin__", "xrange"}:              {"builtins", "range"},
	{"__builtin__", "reduce"}:              {"functools", "reduce"},
	{"__builtin__", "intern"}:              {"sys", "intern"},
	{"__builtin__", "unichr"}:              {"builtins", "chr"},
	{"__builtin__", "unicode"}:             {"builtins", "str"},
	{"__builtin__", "long"}:                {"builtins", "int"},
	{"__builtin__", "basestring"}:          {"builtins", "str"},
	{"itertools", "izip"}:                  {"builtins", "zip"},
	{"itertools", "imap"}:                  {"builtins", "map"},
	{"itertools", "ifilter"}:               {"builtins", "filter"},
	{"itertools", "ifilterfalse"}:          {"itertools", "filterfalse"},
	{"itertools", "izip_longest"}:          {"itertools", "zip_longest"},
	{"UserDict", "IterableUserDict"}:       {"collections", "UserDict"},
	{"UserList", "UserList"}:               {"collections", "UserList"},
	{"UserString", "UserString"}:           {"collections", "UserString"},
	{"whichdb", "whichdb"}:                 {"dbm", "whichdb"},
	{"_socket", "fromfd"}:                  {"socket", "fromfd"},
	{"_multiprocessing", "Connection"}:     {"multiprocessing.connection", "Connection"},
	{"multiprocessing.process", "Process"}: {"multiprocessing.context", "Process"},
	{"multiprocessing.forking", "Popen"}:   {"multiprocessing.popen_fork", "Popen"},
	{"urllib", "ContentTooShortError"}:     {"urllib.error", "ContentTooShortError"},
	{"urllib", "getproxies"}:               {"urllib.request", "getproxies"},
	{"urllib", "pathname2url"}:             {"urllib.request", "pathname2url"},
	{"urllib", "quote_plus"}:               {"urllib.parse", "quote_plus"},
	{"urllib", "quote"}:                    {"urllib.parse", "quote"},
	{"urllib", "unquote_plus"}:             {"urllib.parse", "unquote_plus"},
	{"urllib", "unquote"}:                  {"urllib.parse", "unquote"},
	{"urllib", "url2pathname"}:             {"urllib.request", "url2pathname"},
	{"urllib", "urlcleanup"}:               {"urllib.request", "urlcleanup"},
	{"urllib", "urlencode"}:                {"urllib.parse", "urlencode"},
	{"urllib", "urlopen"}:                  {"urllib.request", "urlopen"},
	{"urllib", "urlretrieve"}:              {"urllib.request", "urlretrieve"},
	{"urllib2", "HTTPError"}:               {"urllib.error", "HTTPError"},
	{"urllib2", "URLError"}:                {"urllib.error", "URLError"},
	{"os", "getcwdu"}:                      {"os", "getcwd"},
}

// fixImports maps a Python 2 global to its Python 3 name like CPython.
func fixImports(module, name string) (string, string) {
	if m, ok := nameMapping[modName{module, name}]; ok {
		return m.module, m.name
	}
	if m, ok := importMapping[module]; ok {
		return m, name
	}
	return module, name
}
