// Package corpus builds the crafted model files under
// internal/modelscan/testdata/corpus: benign checkpoints, every opcode path
// of the pickle machine, and each known scanner-bypass family. The files
// are written by `go run ./internal/modelscan/internal/corpus/gen` and
// checked by the table tests, which also verify the committed files match
// this code.
package corpus

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Limits are the scan limits the cases are checked with: the defaults, with a
// 4 MiB ratio floor so that the bomb samples stay small.
var Limits = modelscan.Limits{RatioFloor: 4 << 20}

// Case is one crafted file and what a scan of it must report.
type Case struct {
	File string   // path under testdata/corpus
	Data []byte   // content
	Want []string // "severity:rule" that must be among the findings
	Max  string   // the highest severity expected ("" = no finding above info)
	Err  bool     // the file cannot be scanned (exit 2)
}

func sv(s ...string) []string { return s }

// Cases returns every corpus case.
func Cases() []Case {
	var cs []Case
	add := func(c Case) { cs = append(cs, c) }

	// Benign.
	add(Case{File: "benign/torch_checkpoint.pt", Data: torchZip(torchStateDict()), Max: ""})
	add(Case{File: "benign/all_opcodes.pkl", Data: allOpcodes(), Max: ""})
	add(Case{File: "benign/proto0.pkl", Data: []byte("(lp0\nI1\naI2\naS'x'\np1\naV\\u00e9\naF1.5\naL12L\na(dp2\nS'k'\nI00\nsa."), Max: ""})
	add(Case{File: "benign/torchscript.pt", Data: zipOf(false,
		zf{"model/data.pkl", (&P{}).Proto(2).Global("__torch__.torch.nn.modules.linear", "Linear").Op(EmptyT, NewObj, EmptyD).Str("training").Op(NewTrue, SetItem, Build).Global("torch.jit._pickle", "build_intlist").Op(Mark, EmptyL).Int(1).Op('a', Tuple, Reduce, Tuple2, Stop).Bytes()},
		zf{"model/constants.pkl", (&P{}).Proto(2).Op(EmptyT, Stop).Bytes()},
		zf{"model/code/__torch__/torch/nn/modules/linear.py", []byte("class Linear(Module):\n  pass\n")},
		zf{"model/version", []byte("3\n")}), Max: ""})
	add(Case{File: "benign/lightning.ckpt", Data: (&P{}).Proto(2).Op(EmptyD).Str("hparams").Global("argparse", "Namespace").Op(EmptyT, Reduce, EmptyD).Str("root").Global("pathlib", "PosixPath").Op(Mark).Str("/data").Op(Tuple, Reduce, SetItem, Build, SetItem).Str("key_type").Global("typing", "Any").Op(SetItem, Stop).Bytes(), Max: ""})
	add(Case{File: "benign/legacy_tar.tar", Data: legacyTar(torchStateDictLegacy(), (&P{}).Proto(2).Str("1").Str("cpu").Global("torch", "FloatStorage").Op(Tuple3, Stop).Bytes()), Max: ""})
	add(Case{File: "benign/legacy_stacked.pt", Data: legacyStacked(torchStateDictLegacy()), Max: ""})
	add(Case{File: "benign/joblib_array.joblib", Data: joblibArray("f8", 3, nil), Max: ""})
	add(Case{File: "benign/joblib_framed.joblib", Data: joblibFramed(), Max: ""})
	add(Case{File: "benign/array.npy", Data: npy("<f4", "(4,)", make([]byte, 16)), Max: ""})
	add(Case{File: "benign/arrays.npz", Data: zipOf(false, zf{"a.npy", npy("<f4", "(4,)", make([]byte, 16))}), Max: ""})
	add(Case{File: "benign/README.md", Data: []byte("# A model\n\nLoad it with torch.\n"), Max: ""})
	add(Case{File: "benign/empty.pkl", Data: nil, Max: ""})
	add(Case{File: "benign/unknown.bin2", Data: []byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0, 9}, Want: sv("info:format.unknown"), Max: "info"})

	// Globals and call opcodes.
	add(Case{File: "pickle/global_os_system.pkl", Data: Evil(), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/stack_global_memo.pkl", Data: (&P{}).Proto(4).Str("os").Op(Memoize).Str("system").Op(Memoize, '0', '0', BinGet, 0, BinGet, 1, StackG).Str("id").Op(Tuple1, Reduce, Stop).Bytes(),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/stack_global_dynamic.pkl", Data: (&P{}).Proto(4).Global("builtins", "str").Op(EmptyT, Reduce).Str("system").Op(StackG, EmptyT, Reduce, Stop).Bytes(),
		Want: sv("high:pickle.global.dynamic"), Max: "high"})
	add(Case{File: "pickle/inst_subprocess.pkl", Data: []byte("(S'id'\nisubprocess\ncall\n."), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/obj_exec.pkl", Data: (&P{}).Proto(2).Op(Mark).Global("builtins", "exec").Str("print(1)").Op('o', Stop).Bytes(),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/newobj_ex_popen.pkl", Data: (&P{}).Proto(4).Global("subprocess", "Popen").Op(Mark).Str("id").Op(Tuple, EmptyD, 0x92, Stop).Bytes(),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/newobj_unknown.pkl", Data: (&P{}).Proto(2).Global("mylib.models", "Net").Op(EmptyT, NewObj, EmptyD, Build, Stop).Bytes(),
		Want: sv("medium:pickle.global.unknown"), Max: "medium"})
	add(Case{File: "pickle/builtin_compat_eval.pkl", Data: Call("__builtin__", "eval", func(p *P) { p.Str("1+1") }),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/dunder_subclasses.pkl", Data: (&P{}).Proto(4).Str("builtins").Str("object.__subclasses__").Op(StackG, EmptyT, Reduce, Stop).Bytes(),
		Want: sv("critical:pickle.global.dunder"), Max: "critical"})
	add(Case{File: "pickle/pathlib_dotted.pkl", Data: (&P{}).Proto(4).Str("pathlib").Str("Path.write_text").Op(StackG).Op(Mark).Str("/tmp/x").Op(Tuple, Reduce, Stop).Bytes(),
		Want: sv("high:pickle.global.denied"), Max: "high"})
	add(Case{File: "pickle/build_on_global.pkl", Data: (&P{}).Proto(2).Global("collections", "OrderedDict").Op(EmptyD).Str("k").Int(1).Op(SetItem, Build, Stop).Bytes(),
		Want: sv("high:pickle.build.global"), Max: "high"})
	add(Case{File: "pickle/ext1.pkl", Data: (&P{}).Proto(2).Op(0x82, 1, EmptyT, Reduce, Stop).Bytes(), Want: sv("high:pickle.ext"), Max: "high"})
	add(Case{File: "pickle/ext2.pkl", Data: (&P{}).Proto(2).Op(0x83, 1, 0, EmptyT, Reduce, Stop).Bytes(), Want: sv("high:pickle.ext"), Max: "high"})
	add(Case{File: "pickle/ext4.pkl", Data: (&P{}).Proto(2).Op(0x84, 1, 0, 0, 0, EmptyT, Reduce, Stop).Bytes(), Want: sv("high:pickle.ext"), Max: "high"})
	add(Case{File: "pickle/unknown_stdlib.pkl", Data: Call("tabnanny", "check", func(p *P) { p.Str("/") }),
		Want: sv("high:pickle.global.unknown_stdlib"), Max: "high"})
	add(Case{File: "pickle/builtin_compat_proto4.pkl", Data: (&P{}).Proto(4).Global("__builtin__", "eval").Op(Mark).Str("1").Op(Tuple, Reduce, Stop).Bytes(),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/invalid_name.pkl", Data: Call("os system", "x"), Want: sv("high:pickle.global.invalid"), Max: "high"})
	add(Case{File: "pickle/functools_partial.pkl", Data: (&P{}).Proto(2).Global("functools", "partial").Op(Mark).Global("os", "system").Str("id").Op(Tuple, Reduce, EmptyT, Reduce, Stop).Bytes(),
		Want: sv("critical:pickle.global.denied", "medium:pickle.global.unknown"), Max: "critical"})
	for _, g := range [][2]string{
		{"pkgutil", "resolve_name"}, {"cProfile", "run"}, {"profile", "run"}, {"ctypes", "CDLL"}, {"_interpreters", "run_string"},
		{"uuid", "_get_command_stdout"}, {"runpy", "_run_code"}, {"timeit", "timeit"}, {"pdb", "run"}, {"importlib", "import_module"},
		{"builtins", "getattr"}, {"builtins", "__import__"}, {"posix", "system"}, {"nt", "system"}, {"commands", "getoutput"},
		{"numpy.testing._private.utils", "runstring"}, {"torch.jit", "load"}, {"torch.serialization", "load"}, {"operator", "attrgetter"},
		{"code", "InteractiveInterpreter"}, {"sys", "modules"}, {"platform", "popen"}, {"_posixsubprocess", "fork_exec"},
	} {
		add(Case{File: "sinks/" + g[0] + "." + g[1] + ".pkl", Data: Call(g[0], g[1], func(p *P) { p.Str("x") }),
			Want: sv("critical:pickle.global.denied"), Max: "critical"})
	}
	for _, g := range [][2]string{
		{"shutil", "rmtree"}, {"socket", "create_connection"}, {"requests", "get"}, {"urllib.request", "urlopen"},
		{"http.client", "HTTPSConnection"}, {"builtins", "open"}, {"io", "FileIO"},
	} {
		add(Case{File: "sinks/" + g[0] + "." + g[1] + ".pkl", Data: Call(g[0], g[1], func(p *P) { p.Str("x") }),
			Want: sv("high:pickle.global.denied"), Max: "high"})
	}
	add(Case{File: "sinks/webbrowser.open.pkl", Data: Call("webbrowser", "open", func(p *P) { p.Str("http://x") }),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})

	// Streams, frames, nesting.
	benign := (&P{}).Proto(2).Op(EmptyD).Str("a").Int(1).Op(SetItem, Stop).Bytes()
	add(Case{File: "pickle/second_stream.pkl", Data: append(append([]byte{}, benign...), Evil()...), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/trailing_junk.pkl", Data: append(append([]byte{}, benign...), "\x00\x01junk"...), Want: sv("medium:pickle.trailing_data"), Max: "medium"})
	frameCross := (&P{}).Proto(4).Frame(5).S("cos\nsystem\n").Str("id").Op(Tuple1, Reduce, Stop).Bytes()
	add(Case{File: "pickle/frame_crossing.pkl", Data: frameCross, Want: sv("high:pickle.frame.differential", "critical:pickle.global.denied"), Max: "critical"})
	frameNested := (&P{}).Proto(4).Frame(12).Op(None, '0').Frame(18).S("cos\nsystem\n").Str("id").Op(Tuple1, Reduce, Stop).Bytes()
	add(Case{File: "pickle/frame_in_frame.pkl", Data: frameNested, Want: sv("high:pickle.frame.differential", "critical:pickle.global.denied"), Max: "critical"})
	binbytesCross := (&P{}).Proto(4).Frame(6).Op('C', 20).S("cos\nsystem\n(S'id'\ntR").Op('0').Global("os", "system").Op(Stop).Bytes()
	add(Case{File: "pickle/frame_binbytes.pkl", Data: binbytesCross, Want: sv("high:pickle.frame.differential"), Max: "critical"})
	add(Case{File: "pickle/frame_torch_load.pkl", Data: frameTorchLoad(), Want: sv("high:pickle.frame.differential", "critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/frame_oversized_arg.pkl", Data: frameOversizedArg(), Want: sv("high:pickle.frame.differential"), Max: "high"})
	add(Case{File: "pickle/frame_too_long.pkl", Data: (&P{}).Proto(4).Frame(1000).Global("os", "system").Op(Stop).Bytes(), Want: sv("high:pickle.malformed"), Max: "high"})
	add(Case{File: "pickle/nested_loads.pkl", Data: Call("pickle", "loads", func(p *P) { p.BinBytes(Evil()) }),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/nested_base64.pkl", Data: (&P{}).Proto(2).Global("_pickle", "loads").Op(Mark).Global("base64", "b64decode").Op(Mark).Str(base64.StdEncoding.EncodeToString(Evil())).Op(Tuple, Reduce, Tuple, Reduce, Stop).Bytes(),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/nested_zlib.pkl", Data: (&P{}).Proto(2).Global("pickle", "loads").Op(Mark).Global("zlib", "decompress").Op(Mark).BinBytes(zlibOf(Evil())).Op(Tuple, Reduce, Tuple, Reduce, Stop).Bytes(),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/nested_hex_codecs.pkl", Data: (&P{}).Proto(2).Global("pickle", "loads").Op(Mark).Global("codecs", "decode").Op(Mark).Str(hex.EncodeToString(Evil())).Str("hex").Op(Tuple, Reduce, Tuple, Reduce, Stop).Bytes(),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/embedded_no_loader.pkl", Data: (&P{}).Proto(2).Op(EmptyD).Str("blob").BinBytes(Evil()).Op(SetItem, Stop).Bytes(),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/embedded_base64_zlib.pkl", Data: (&P{}).Proto(2).Op(EmptyD).Str("blob").Str(base64.StdEncoding.EncodeToString(zlibOf(Evil()))).Op(SetItem, Stop).Bytes(),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/torch_load_from_bytes.pkl", Data: Call("torch.storage", "_load_from_bytes", func(p *P) { p.BinBytes(Evil()) }),
		Want: sv("critical:pickle.global.denied"), Max: "critical"})

	// Malformed.
	ev := Evil()
	add(Case{File: "malformed/truncated.pkl", Data: ev[:len(ev)-3], Want: sv("critical:pickle.global.denied", "high:pickle.malformed"), Max: "critical"})
	add(Case{File: "malformed/bad_opcode.pkl", Data: []byte{0x80, 2, 0xff, '.'}, Want: sv("high:pickle.malformed"), Max: "high"})
	add(Case{File: "malformed/underflow.pkl", Data: []byte{0x80, 2, 'R', '.'}, Want: sv("high:pickle.malformed"), Max: "high"})
	add(Case{File: "malformed/memo_missing.pkl", Data: []byte{0x80, 2, 'h', 5, '.'}, Want: sv("high:pickle.malformed"), Max: "high"})
	add(Case{File: "malformed/bad_proto.pkl", Data: []byte{0x80, 9, 'N', '.'}, Want: sv("high:pickle.malformed"), Max: "high"})
	add(Case{File: "pickle/out_of_band.pkl", Data: []byte{0x80, 5, 0x97, '.'}, Want: sv("medium:pickle.out_of_band"), Max: "medium"})

	// Containers.
	add(Case{File: "torch/evil_checkpoint.pt", Data: torchZip(Evil()), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "torch/evil_deflated.pt", Data: zipOf(true, zf{"archive/data.pkl", Evil()}, zf{"archive/version", []byte("3\n")}), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "torch/data_pkl_anywhere.pt", Data: zipOf(false, zf{"x/y/z/data.pkl", Evil()}), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "torch/bad_crc.pt", Data: badCRC(torchZip(Evil())), Want: sv("high:archive.crc_mismatch", "critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "torch/no_central_directory.pt", Data: noCD(torchZip(Evil())), Want: sv("high:archive.malformed", "critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "torch/truncated.pt", Data: truncatedZip(Evil()), Want: sv("high:archive.malformed", "critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "torch/hidden_member.pt", Data: hiddenMember(torchZip(torchStateDict()), Evil()), Want: sv("high:archive.hidden_member", "critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "torch/legacy_stacked_evil.pt", Data: legacyStacked(Evil()), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	benignRec := (&P{}).Proto(2).Str("1").Str("cpu").Global("torch", "FloatStorage").Op(Tuple3, Stop).Bytes()
	add(Case{File: "torch/legacy_tar_evil.tar", Data: legacyTar(Evil(), benignRec), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "torch/legacy_tar_storage_evil.tar", Data: legacyTar(torchStateDictLegacy(), Evil()), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "archive/path_traversal.zip", Data: zipOf(false, zf{"../../evil.pkl", benign}), Want: sv("high:archive.path_traversal"), Max: "high"})
	add(Case{File: "archive/absolute_path.zip", Data: zipOf(false, zf{"/etc/cron.d/x", []byte("* * * * * root id\n")}), Want: sv("high:archive.path_traversal"), Max: "high"})
	add(Case{File: "archive/zip_bomb.zip", Data: zipBomb(), Want: sv("high:archive.bomb"), Max: "high"})
	add(Case{File: "archive/zip_bomb_no_cd.zip", Data: noCD(zipBomb()), Want: sv("high:archive.bomb", "high:archive.malformed"), Max: "high"})
	add(Case{File: "archive/gzip_bomb.gz", Data: gzipOf(make([]byte, 5<<20)), Want: sv("high:compressed.bomb"), Max: "high"})
	add(Case{File: "archive/duplicate_names.zip", Data: zipOf(false, zf{"data.pkl", benign}, zf{"data.pkl", Evil()}), Want: sv("high:archive.duplicate_name", "critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "archive/nested_zip.zip", Data: zipOf(true, zf{"inner.zip", zipOf(true, zf{"model.pkl", Evil()})}), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "archive/deep_nesting.zip", Data: deepZip(12), Want: sv("high:scan.limit.depth"), Max: "high"})
	add(Case{File: "archive/evil.tar.gz", Data: gzipOf(tarOf(tf{"model.pkl", Evil()})), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "archive/tar_traversal.tar", Data: tarOf(tf{"../x.pkl", benign}), Want: sv("high:archive.path_traversal"), Max: "high"})
	add(Case{File: "archive/evil.7z", Data: sevenZip(zf{"archive/data.pkl", Evil()}, zf{"archive/version", []byte("3\n")}), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "benign/model.7z", Data: sevenZip(zf{"archive/data.pkl", torchStateDict()}), Max: ""})
	add(Case{File: "archive/not_7z.7z", Data: []byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c, 0, 4, 1, 2, 3}, Want: sv("high:format.unparseable"), Max: "high", Err: true})

	// joblib and numpy.
	add(Case{File: "joblib/zlib_evil.joblib", Data: zlibOf(Evil()), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "joblib/gzip_evil.pkl.gz", Data: gzipOf(Evil()), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "joblib/object_array_evil.joblib", Data: joblibArray("O8", 2, Evil()), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "joblib/after_array_evil.joblib", Data: joblibTrailingEvil(), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "joblib/raw_region_payload.joblib", Data: joblibArrayRaw("f8", 4, nil, Evil()), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "pickle/appended_zip.pkl", Data: append(append([]byte{}, benign...), zipOf(false, zf{"x.pkl", Evil()})...), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "joblib/zlib_array_evil.joblib", Data: zlibOf(joblibArray("O8", 2, Evil())), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "numpy/object_array_evil.npy", Data: npy("|O", "(2,)", Evil()), Want: sv("medium:numpy.object_array", "critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "numpy/size_mismatch.npy", Data: npy("<f4", "(4,)", make([]byte, 16+len(Evil()))), Want: sv("high:numpy.size_mismatch"), Max: "high"})
	add(Case{File: "numpy/pickle_named_npz.npz", Data: Evil(), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "archive/sfx_prefix.zip", Data: append([]byte("#!/bin/sh\nexit 0\n"), zipOf(false, zf{"model.pkl", Evil()})...), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	add(Case{File: "numpy/evil.npz", Data: zipOf(true, zf{"a.npy", npy("<f4", "(4,)", make([]byte, 16))}, zf{"b.npy", npy("|O", "(1,)", Evil())}), Want: sv("critical:pickle.global.denied"), Max: "critical"})
	return cs
}

// torchStateDict is data.pkl of torch.save({"weight": tensor}) (protocol 2).
func torchStateDict() []byte {
	p := &P{}
	p.Proto(2).Global("collections", "OrderedDict").Op(BinPut, 0, EmptyT, Reduce, BinPut, 1)
	p.BinUnicode("weight").Op(BinPut, 2).Global("torch._utils", "_rebuild_tensor_v2").Op(BinPut, 3, Mark, Mark)
	p.BinUnicode("storage").Global("torch", "FloatStorage").BinUnicode("0").BinUnicode("cpu").Int(4).Op(Tuple, BinPers)
	p.Int(0).Int(2).Int(2).Op(Tuple2).Int(2).Int(1).Op(Tuple2).Op(NewFalse)
	p.Global("collections", "OrderedDict").Op(EmptyT, Reduce, Tuple, Reduce, SetItem, Stop)
	return p.Bytes()
}

func torchStateDictLegacy() []byte {
	p := &P{}
	p.Proto(2).Op(EmptyD).BinUnicode("weight").Global("torch._utils", "_rebuild_tensor").Op(Mark, Mark)
	p.BinUnicode("storage").Global("torch", "FloatStorage").BinUnicode("0").BinUnicode("cpu").Int(4).Op(None, Tuple, BinPers)
	p.Int(0).Int(4).Op(Tuple1).Int(1).Op(Tuple1, Tuple, Reduce, SetItem, Stop)
	return p.Bytes()
}

type zf struct {
	name string
	data []byte
}

func zipOf(deflate bool, files ...zf) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Store}
		if deflate {
			h.Method = zip.Deflate
		}
		fw, err := w.CreateHeader(h)
		if err != nil {
			panic(err)
		}
		fw.Write(f.data)
	}
	w.Close()
	return b.Bytes()
}

func torchZip(dataPkl []byte) []byte {
	return zipOf(false,
		zf{"archive/data.pkl", dataPkl}, zf{"archive/byteorder", []byte("little")},
		zf{"archive/data/0", []byte{0x80, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}},
		zf{"archive/version", []byte("3\n")}, zf{"archive/.data/serialization_id", []byte("1234567890\n")})
}

// badCRC corrupts the CRC of the first member in both headers.
func badCRC(z []byte) []byte {
	z = append([]byte{}, z...)
	z[14] ^= 0xff
	cd := bytes.Index(z, []byte("PK\x01\x02"))
	z[cd+16] ^= 0xff
	return z
}

func noCD(z []byte) []byte { return z[:bytes.Index(z, []byte("PK\x01\x02"))] }

func truncatedZip(pkl []byte) []byte {
	z := zipOf(false, zf{"archive/data.pkl", pkl})
	cd := bytes.Index(z, []byte("PK\x01\x02"))
	return z[:cd-4]
}

// hiddenMember inserts a member between the last member and the central
// directory without listing it there.
func hiddenMember(z, pkl []byte) []byte {
	cd := bytes.Index(z, []byte("PK\x01\x02"))
	name := "archive/hidden.pkl"
	var h bytes.Buffer
	binary.Write(&h, binary.LittleEndian, uint32(0x04034b50))
	binary.Write(&h, binary.LittleEndian, []uint16{20, 0, 0, 0, 0})
	binary.Write(&h, binary.LittleEndian, crc32.ChecksumIEEE(pkl))
	binary.Write(&h, binary.LittleEndian, []uint32{uint32(len(pkl)), uint32(len(pkl))})
	binary.Write(&h, binary.LittleEndian, []uint16{uint16(len(name)), 0})
	h.WriteString(name)
	h.Write(pkl)
	out := append(append(append([]byte{}, z[:cd]...), h.Bytes()...), z[cd:]...)
	eocd := bytes.LastIndex(out, []byte("PK\x05\x06"))
	off := binary.LittleEndian.Uint32(out[eocd+16:])
	binary.LittleEndian.PutUint32(out[eocd+16:], off+uint32(h.Len()))
	return out
}

func zipBomb() []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	fw, _ := w.CreateHeader(&zip.FileHeader{Name: "weights.bin", Method: zip.Deflate})
	zero := make([]byte, 1<<20)
	for i := 0; i < 5; i++ { // 5 MiB of zeros: above the tests' 4 MiB ratio floor
		fw.Write(zero)
	}
	w.Close()
	return b.Bytes()
}

func deepZip(n int) []byte {
	d := Evil()
	name := "model.pkl"
	for i := 0; i < n; i++ {
		d = zipOf(false, zf{name, d})
		name = "layer.zip"
	}
	return d
}

func zlibOf(b []byte) []byte {
	var out bytes.Buffer
	w := zlib.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func gzipOf(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

type tf struct {
	name string
	data []byte
}

func tarOf(files ...tf) []byte {
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	for _, f := range files {
		w.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data)), Typeflag: tar.TypeReg, Format: tar.FormatPAX})
		w.Write(f.data)
	}
	w.Close()
	return b.Bytes()
}

func npy(descr, shape string, data []byte) []byte {
	h := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	out := []byte("\x93NUMPY\x01\x00")
	out = binary.LittleEndian.AppendUint16(out, uint16(len(h)))
	return append(append(out, h...), data...)
}

// legacyStacked is torch.save's pre-1.6 format: magic, protocol, sys_info,
// the data pickle, the storage keys, then raw storage bytes.
func legacyStacked(data []byte) []byte {
	var b bytes.Buffer
	b.Write((&P{}).Proto(2).Op(0x8a, 10).S("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19").Op(Stop).Bytes())
	b.Write((&P{}).Proto(2).Int(1001).Op(Stop).Bytes())
	b.Write((&P{}).Proto(2).Op(EmptyD, Mark).Str("protocol_version").Int(1001).Str("little_endian").Op(NewTrue, SetItems, Stop).Bytes())
	b.Write(data)
	b.Write((&P{}).Proto(2).Op(EmptyL).Str("0").Op('a', Stop).Bytes())
	b.Write([]byte{4, 0, 0, 0, 0, 0, 0, 0})
	b.Write([]byte("cos\nsystem\n\x00\x00\x00\x00\x00")) // raw floats that look like opcodes
	return b.Bytes()
}

func legacyTar(pkl, storageRecord []byte) []byte {
	sysInfo := (&P{}).Proto(2).Op(EmptyD).Str("little_endian").Op(NewTrue, SetItem, Stop).Bytes()
	var st bytes.Buffer
	st.Write((&P{}).Proto(2).Int(2).Op(Stop).Bytes())
	for _, rec := range [][]byte{
		(&P{}).Proto(2).Str("0").Str("cpu").Global("torch", "FloatStorage").Op(Tuple3, Stop).Bytes(), storageRecord,
	} {
		st.Write(rec)
		st.Write([]byte{2, 0, 0, 0, 0, 0, 0, 0})
		st.Write([]byte("cos\nsystem\n" + "\x00")[:8]) // 2 floats of raw data
	}
	st.Write((&P{}).Proto(2).Op(EmptyL, Stop).Bytes())
	var tn bytes.Buffer
	tn.Write((&P{}).Proto(2).Int(1).Op(Stop).Bytes())
	tn.Write((&P{}).Proto(2).Str("1").Str("0").Global("torch", "FloatTensor").Op(Tuple3, Stop).Bytes())
	tn.Write([]byte{1, 0, 0, 0, 0, 0, 0, 0})
	tn.Write(make([]byte, 16+8))
	return tarOf(tf{"sys_info", sysInfo}, tf{"pickle", pkl}, tf{"storages", st.Bytes()}, tf{"tensors", tn.Bytes()})
}

// joblibArray is joblib.dump({"w": array}) with a NumpyArrayWrapper; the
// array data (raw, or a pickle for object arrays) follows the wrapper.
func joblibArray(dtype string, n int, objectPickle []byte) []byte {
	return joblibArrayRaw(dtype, n, objectPickle, nil)
}

// joblibArrayRaw is joblibArray with rawPayload at the start of the raw
// array bytes.
func joblibArrayRaw(dtype string, n int, objectPickle, rawPayload []byte) []byte {
	p := &P{}
	p.Proto(2).Op(EmptyD).Str("w")
	p.Global("joblib.numpy_pickle", "NumpyArrayWrapper").Op(EmptyT, NewObj, EmptyD, Mark)
	p.Str("subclass").Global("numpy", "ndarray")
	p.Str("shape").Int(n).Op(Tuple1)
	p.Str("order").Str("C")
	p.Str("dtype").Global("numpy", "dtype").Op(Mark).Str(dtype).Op(NewFalse, NewTrue, Tuple, Reduce, Mark).Int(3).Str("<").Op(None, None, None).Int(-1).Int(-1).Int(0).Op(Tuple, Build)
	p.Str("allow_mmap").Op(NewFalse)
	if objectPickle == nil {
		p.Str("numpy_array_alignment_bytes").Int(16)
	}
	p.Op(SetItems, Build)
	if objectPickle != nil {
		p.Write(objectPickle)
	} else {
		p.Op(3, 0, 0, 0) // alignment padding: length byte, then the padding
		raw := make([]byte, 8*n)
		for i := 0; i < n; i++ {
			binary.LittleEndian.PutUint64(raw[8*i:], 0x3ff0000000000000) // 1.0
		}
		copy(raw, rawPayload)
		p.Write(raw)
	}
	p.Op(SetItem, Stop)
	return p.Bytes()
}

// joblibFramed is joblib.dump with protocol 4: the wrapper sits in a frame
// committed before the raw array bytes, which are outside any frame.
func joblibFramed() []byte {
	w := &P{}
	w.Op(EmptyD).Str("w")
	w.Global("joblib.numpy_pickle", "NumpyArrayWrapper").Op(EmptyT, NewObj, EmptyD, Mark)
	w.Str("subclass").Global("numpy", "ndarray").Str("shape").Int(2).Op(Tuple1).Str("order").Str("C")
	w.Str("dtype").Global("numpy", "dtype").Op(Mark).Str("f4").Op(NewFalse, NewTrue, Tuple, Reduce, Mark).Int(3).Str("<").Op(None, None, None).Int(-1).Int(-1).Int(0).Op(Tuple, Build)
	w.Str("allow_mmap").Op(NewFalse).Str("numpy_array_alignment_bytes").Int(16).Op(SetItems, Build)
	rest := []byte{SetItem, Stop}
	p := &P{}
	p.Proto(4).Frame(uint64(w.Len()))
	p.Write(w.Bytes())
	p.Op(1, 0)                               // padding: one byte
	p.Op(0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f) // two float32 1.0
	p.Frame(uint64(len(rest)))
	p.Write(rest)
	return p.Bytes()
}

// joblibTrailingEvil hides os.system after a benign array.
func joblibTrailingEvil() []byte {
	b := joblibArray("f8", 2, nil)
	b = b[:len(b)-1] // drop STOP
	p := &P{}
	p.Write(b)
	p.Op('0').Global("os", "system").Op(Mark).Str("id").Op(Tuple, Reduce, Stop)
	return p.Bytes()
}

// allOpcodes exercises every benign opcode of protocols 0-5 in one frame.
func allOpcodes() []byte {
	b := &P{}
	b.Op(Mark)
	b.S("F1.5\n").S("I01\n").S("I42\n").Op('J', 1, 0, 0, 0).Op('K', 7).Op('M', 1, 1).S("L123L\n")
	b.Op(0x8a, 2, 0xff, 0).Op(0x8b, 1, 0, 0, 0, 5).Op('G', 0x3f, 0xf0, 0, 0, 0, 0, 0, 0).Op(None, NewTrue, NewFalse)
	b.S("S'abc'\n").Op('T', 3, 0, 0, 0).S("abc").Op('U', 3).S("abc").S("Vh\\u00e9llo\n").BinUnicode("x").Str("y")
	b.Op(0x8d).U64(1).S("z").Op('B', 1, 0, 0, 0, 'b').Op('C', 1, 'c').Op(0x8e).U64(1).S("d").Op(0x96).U64(1).S("e").Op(0x98)
	b.Op(0x8f, Mark).Int(1).Int(2).Op(0x90).Op(Mark).Int(1).Op(0x91)
	b.Op(EmptyL).Int(1).Op('a', Mark).Int(2).Int(3).Op('e').Op(Mark).Int(1).Int(2).Op('l')
	b.Op(EmptyD).Str("k").Int(1).Op(SetItem, Mark).Str("k2").Int(2).Op(SetItems).Op(Mark).Str("a").Int(1).Op('d')
	b.Op(EmptyT).Int(1).Op(Tuple1).Int(1).Int(2).Op(Tuple2).Int(1).Int(2).Int(3).Op(Tuple3).Op(Mark).Int(1).Op(Tuple)
	b.Int(7).S("p0\n").S("g0\n").Op(BinPut, 1, BinGet, 1).Op('r', 2, 0, 0, 0, 'j', 2, 0, 0, 0).Op(Memoize, BinGet, 3)
	b.Op('2', '0').Op(Mark).Int(1).Int(2).Op('1')
	b.Global("collections", "OrderedDict").Op(EmptyT, Reduce, EmptyD, Build)
	b.Op(Mark).S("icollections\nOrderedDict\n")
	b.Op(Mark).Global("collections", "OrderedDict").Op('o')
	b.Global("collections", "OrderedDict").Op(EmptyT, NewObj)
	b.Global("collections", "OrderedDict").Op(EmptyT, EmptyD, 0x92)
	b.Str("collections").Str("OrderedDict").Op(StackG)
	b.S("P0\n").Str("x").Op(BinPers)
	b.Op(Tuple, Stop)
	p := &P{}
	p.Proto(5).Frame(uint64(b.Len()))
	p.Write(b.Bytes())
	return p.Bytes()
}

// frameOversizedArg declares a SHORT_BINBYTES longer than its frame: _pickle
// (3.11) reads on linearly and returns data, pickle.py and CPython 3.14.7+
// reject it, and a scanner that reads the frame apart would run the bytes
// after it as opcodes. The disagreement itself is the finding.
func frameOversizedArg() []byte {
	payload := (&P{}).Op('0').Global("os", "system").Str("id").Op(Tuple1, Reduce, Stop).Bytes()
	p := &P{}
	p.Proto(4).Frame(4).Op('C', 16, 'x', 'x')
	p.S("yyyyyyyyyyyyyy").Op('C', byte(len(payload)))
	p.Write(payload)
	p.Op(Stop)
	return p.Bytes()
}

// frameTorchLoad ends a frame inside GLOBAL's module line. Read linearly the
// module is "numpy.core.multiarrayos"; _pickle reading an io.BytesIO (what
// torch.load hands it) drops the rest of the frame and reads "os" instead.
func frameTorchLoad() []byte {
	p := &P{}
	p.Proto(4).Frame(22).S("cnumpy.core.multiarray")
	p.S("os\nsystem\n").Str("id").Op(Tuple1, Reduce, Stop)
	return p.Bytes()
}
