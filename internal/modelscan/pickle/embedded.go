package pickle

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"compress/zlib"
	"encoding/ascii85"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// minEmbedded is the shortest str/bytes value examined for an embedded
// artifact; a useful payload is longer.
const minEmbedded = 16

// sniff looks at a str/bytes constant for an embedded pickle or archive,
// possibly wrapped in base64, hex, zlib or gzip, and hands what it finds to
// the embedded hook (lenient: only what the nested scan finds is reported).
func (m *vm) sniff(v *value) {
	if m.h.embedded == nil || v.scanned {
		return
	}
	if m.sniffBytes([]byte(v.s), v, 0) {
		v.scanned = true
	}
}

func (m *vm) sniffBytes(p []byte, v *value, depth int) bool {
	if len(p) < minEmbedded || depth > 3 {
		return false
	}
	full := func() ([]byte, bool) {
		if depth > 0 || !v.trunc {
			return p, true
		}
		return v.content(m.r.src, m.maxBuf)
	}
	switch {
	case looksLikePickle(p) || bytes.HasPrefix(p, []byte("PK\x03\x04")):
		b, ok := full()
		if !ok {
			return false
		}
		m.h.embedded(b, v.off, "embedded", false)
		return true
	case isZlib(p), len(p) > 2 && p[0] == 0x1f && p[1] == 0x8b, bytes.HasPrefix(p, []byte("BZh")):
		b, ok := full()
		if !ok {
			return false
		}
		out, err := decompress(p[0], b, m.maxBuf)
		if err != nil && len(out) == 0 {
			return false
		}
		return m.sniffBytes(out, v, depth+1)
	}
	if enc, ok := wrappedPrefix(p); ok {
		b, ok := full()
		if !ok {
			return false
		}
		out, err := unwrapText(enc, b)
		if err != nil || len(out) == 0 {
			return false
		}
		return m.sniffBytes(out, v, depth+1)
	}
	return false
}

func looksLikePickle(p []byte) bool {
	if len(p) >= 2 && p[0] == 0x80 && p[1] <= 5 {
		return true
	}
	// A protocol 0 GLOBAL: "cmodule\nname\n".
	if len(p) > 4 && p[0] == 'c' {
		nl := bytes.IndexByte(p, '\n')
		return nl > 1 && nl < 128 && validDotted(string(p[1:nl]))
	}
	return false
}

func isZlib(p []byte) bool {
	return len(p) >= 2 && p[0]&0x0f == 8 && (uint16(p[0])<<8|uint16(p[1]))%31 == 0
}

// interesting reports whether decoded bytes start like something worth
// decoding fully.
func interesting(p []byte) bool {
	return looksLikePickle(p) || bytes.HasPrefix(p, []byte("PK\x03")) || isZlib(p) ||
		(len(p) >= 2 && p[0] == 0x1f && p[1] == 0x8b) || bytes.HasPrefix(p, []byte("BZh"))
}

// wrappedPrefix guesses a text encoding from the first characters.
func wrappedPrefix(p []byte) (string, bool) {
	head := p[:min(len(p), 16)]
	if b, err := hex.DecodeString(string(head[:len(head)&^1])); err == nil && interesting(b) {
		return "hex", true
	}
	if b, err := base64.StdEncoding.DecodeString(string(head[:len(head)&^3])); err == nil && interesting(b) {
		return "base64", true
	}
	if b, err := base64.URLEncoding.DecodeString(string(head[:len(head)&^3])); err == nil && interesting(b) {
		return "base64url", true
	}
	return "", false
}

func unwrapText(enc string, b []byte) ([]byte, error) {
	s := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, string(b))
	switch enc {
	case "hex":
		return hex.DecodeString(s)
	case "base64url":
		return base64.URLEncoding.DecodeString(padB64(s))
	case "base32":
		return base32.StdEncoding.DecodeString(s)
	case "ascii85":
		out := make([]byte, len(s))
		n, _, err := ascii85.Decode(out, []byte(strings.TrimSuffix(strings.TrimPrefix(s, "<~"), "~>")), true)
		return out[:n], err
	}
	return base64.StdEncoding.DecodeString(padB64(s))
}

func padB64(s string) string {
	if r := len(s) % 4; r != 0 && !strings.HasSuffix(s, "=") {
		s += strings.Repeat("=", 4-r)
	}
	return s
}

// decompress inflates zlib/gzip/bzip2 data up to limit bytes.
func decompress(magic byte, b []byte, limit int64) ([]byte, error) {
	var r io.Reader
	var err error
	switch magic {
	case 0x1f:
		r, err = gzip.NewReader(bytes.NewReader(b))
	case 'B':
		r = bzip2.NewReader(bytes.NewReader(b))
	default:
		r, err = zlib.NewReader(bytes.NewReader(b))
	}
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	_, err = io.Copy(&out, io.LimitReader(r, limit))
	return out.Bytes(), err
}

// decode evaluates pure decoding functions on constant arguments, so that a
// payload wrapped in base64/hex/zlib is still seen.
func (m *vm) decode(fn string, args value) ([]byte, bool) {
	a0, ok := args.item(0)
	if !ok {
		return nil, false
	}
	in, ok := a0.content(m.r.src, m.maxBuf)
	if !ok {
		return nil, false
	}
	enc := ""
	if a1, ok := args.item(1); ok {
		enc, _ = a1.str()
		enc = strings.ToLower(strings.ReplaceAll(enc, "-", "_"))
	}
	var out []byte
	var err error
	switch fn {
	case "base64.b64decode", "base64.standard_b64decode", "base64.decodebytes", "base64.decodestring", "binascii.a2b_base64":
		out, err = unwrapText("base64", in)
	case "base64.urlsafe_b64decode":
		out, err = unwrapText("base64url", in)
	case "base64.b16decode", "binascii.unhexlify", "binascii.a2b_hex", "builtins.bytes.fromhex", "builtins.bytearray.fromhex":
		out, err = unwrapText("hex", in)
	case "base64.b32decode":
		out, err = unwrapText("base32", in)
	case "base64.a85decode":
		out, err = unwrapText("ascii85", in)
	case "zlib.decompress":
		out, err = decompress(0x78, in, m.maxBuf)
	case "gzip.decompress":
		out, err = decompress(0x1f, in, m.maxBuf)
	case "bz2.decompress":
		out, err = decompress('B', in, m.maxBuf)
	case "codecs.decode", "_codecs.decode":
		switch enc {
		case "base64", "base_64", "base64_codec":
			out, err = unwrapText("base64", in)
		case "hex", "hex_codec":
			out, err = unwrapText("hex", in)
		case "zlib", "zip", "zlib_codec":
			out, err = decompress(0x78, in, m.maxBuf)
		case "bz2", "bz2_codec":
			out, err = decompress('B', in, m.maxBuf)
		default:
			return nil, false
		}
	case "_codecs.encode", "codecs.encode", "builtins.bytes", "builtins.bytearray":
		if a0.k != kStr {
			return nil, false
		}
		switch enc {
		case "latin1", "latin_1", "iso_8859_1", "iso8859_1", "l1":
			out = latin1(in)
		case "", "utf8", "utf_8", "ascii":
			out = in
		default:
			return nil, false
		}
	default:
		return nil, false
	}
	if err != nil && len(out) == 0 {
		return nil, false
	}
	return out, true
}

func latin1(s []byte) []byte {
	out := make([]byte, 0, len(s))
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		s = s[n:]
		out = append(out, byte(r))
	}
	return out
}

// decodeStringLiteral decodes the quoted argument of STRING like CPython.
func decodeStringLiteral(l string) (string, error) {
	if len(l) < 2 || l[0] != l[len(l)-1] || (l[0] != '\'' && l[0] != '"') {
		return "", malformed("the STRING opcode argument must be quoted")
	}
	s := l[1 : len(l)-1]
	if strings.IndexByte(s, '\\') < 0 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'v':
			b.WriteByte(11)
		case '\\', '\'', '"':
			b.WriteByte(s[i])
		case '\n':
		case 'x':
			if i+2 >= len(s) {
				return "", malformed("invalid \\x escape in STRING")
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", malformed("invalid \\x escape in STRING")
			}
			b.WriteByte(byte(v))
			i += 2
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i:j], 8, 16)
			b.WriteByte(byte(v))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}

// decodeRawUnicodeEscape decodes UNICODE's raw-unicode-escape argument.
func decodeRawUnicodeEscape(l string) string {
	if strings.IndexByte(l, '\\') < 0 && isASCII(l) {
		return l
	}
	var b strings.Builder
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c == '\\' && i+1 < len(l) && (l[i+1] == 'u' || l[i+1] == 'U') {
			w := 4
			if l[i+1] == 'U' {
				w = 8
			}
			if i+2+w <= len(l) {
				if v, err := strconv.ParseUint(l[i+2:i+2+w], 16, 32); err == nil {
					b.WriteRune(rune(v))
					i += 1 + w
					continue
				}
			}
		}
		b.WriteRune(rune(c)) // bytes are Latin-1 code points
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isJoblibWrapper(q string) bool {
	return q == "joblib.numpy_pickle.NumpyArrayWrapper" || q == "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper"
}

// joblibArray follows the array data joblib writes right after a
// NumpyArrayWrapper: raw bytes (skipped), or a pickle for object arrays
// (scanned).
func (m *vm) joblibArray(t *value, state value) error {
	shape, ok1 := state.dictGet("shape")
	dtype, ok2 := state.dictGet("dtype")
	if !ok1 || !ok2 || shape.k != kTuple || shape.items == nil || int(shape.n) != len(*shape.items) {
		return &limitError{"joblib array metadata not understood; the data after it was not inspected"}
	}
	count := int64(1)
	for _, d := range *shape.items {
		n, ok := d.int()
		if !ok || n < 0 || (n > 0 && count > (1<<62)/n) {
			return &limitError{"joblib array shape not understood"}
		}
		count *= n
	}
	size, object, ok := dtypeSize(dtype)
	if !ok {
		return &limitError{"joblib array dtype not understood"}
	}
	*t = value{k: kUnknown}
	// joblib commits the frame holding the wrapper before writing the array
	// data outside any frame: a frame ending here ended properly.
	if m.frameEnd >= 0 && m.r.offset() >= m.frameEnd {
		m.frameEnd = -1
	}
	if object {
		sub := newVM(m.ctx, m.pol, m.r, m.h, m.maxBuf)
		_, err := sub.run()
		return err
	}
	if a, ok := state.dictGet("numpy_array_alignment_bytes"); ok && a.k != kNone {
		b, err := m.arg(1)
		if err != nil {
			return err
		}
		if err := m.r.skip(int64(b[0])); err != nil {
			return malformed("joblib array data was truncated")
		}
	}
	if size > 0 && count > (1<<62)/size {
		return &limitError{"joblib array too large"}
	}
	start := m.r.offset()
	if err := m.r.skip(count * size); err != nil {
		return malformed("joblib array data was truncated")
	}
	m.rawAsPickle(start, count*size)
	return nil
}

// rawAsPickle reads skipped raw data the way plain pickle.load would (it
// does not know joblib's layout and runs the bytes as opcodes) and reports
// only denied imports: random array bytes never spell one, a payload does.
func (m *vm) rawAsPickle(off, n int64) {
	if n < 4 || m.h.report == nil {
		return
	}
	n = min(n, 1<<20)
	h := hooks{report: func(f modelscan.Finding) {
		if f.RuleID == RuleDenied || f.RuleID == RuleDunder {
			f.Message = "array data that joblib skips runs as pickle opcodes under plain pickle.load: " + f.Message
			m.h.report(f)
		}
	}}
	sub := newVM(m.ctx, m.pol, newReader(m.r.src, off, off+n), h, m.maxBuf)
	sub.strictNames = true
	_, _ = sub.run()
}

// dtypeSize returns a numpy.dtype object's item size and whether it holds
// Python objects.
func dtypeSize(d value) (int64, bool, bool) {
	if d.k != kObj || d.s != "numpy.dtype" {
		return 0, false, false
	}
	args, _ := d.item(0)
	a0, _ := args.item(0)
	s, ok := a0.str()
	if !ok || s == "" {
		return 0, false, false
	}
	if s[0] == 'O' {
		return 8, true, true
	}
	if st, ok := d.item(1); ok && st.k == kTuple {
		if el, ok := st.item(5); ok {
			if n, ok := el.int(); ok && n > 0 {
				return n, false, true
			}
		}
	}
	k := s[0]
	digits := strings.TrimLeft(s[1:], "")
	end := 0
	for end < len(digits) && digits[end] >= '0' && digits[end] <= '9' {
		end++
	}
	n, err := strconv.ParseInt(digits[:end], 10, 64)
	if err != nil {
		if k == '?' || k == 'b' && end == 0 {
			return 1, false, true
		}
		return 0, false, false
	}
	if k == 'U' {
		n *= 4
	}
	return n, false, true
}
