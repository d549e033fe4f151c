package corpus

import (
	"bytes"
	"encoding/binary"
)

// P assembles a pickle opcode by opcode.
type P struct{ bytes.Buffer }

// Op writes raw bytes.
func (p *P) Op(b ...byte) *P { p.Write(b); return p }

// S writes a raw string.
func (p *P) S(s string) *P { p.WriteString(s); return p }

// Proto writes PROTO n.
func (p *P) Proto(n byte) *P { return p.Op(0x80, n) }

// Global writes GLOBAL module name.
func (p *P) Global(mod, name string) *P { return p.S("c" + mod + "\n" + name + "\n") }

// Str writes SHORT_BINUNICODE (or BINUNICODE when long).
func (p *P) Str(s string) *P {
	if len(s) < 256 {
		return p.Op(0x8c, byte(len(s))).S(s)
	}
	p.Op('X')
	p.u32(uint32(len(s)))
	return p.S(s)
}

// BinUnicode writes BINUNICODE.
func (p *P) BinUnicode(s string) *P { p.Op('X'); p.u32(uint32(len(s))); return p.S(s) }

// BinBytes writes BINBYTES.
func (p *P) BinBytes(b []byte) *P { p.Op('B'); p.u32(uint32(len(b))); p.Write(b); return p }

// Int writes BININT1/BININT2/BININT.
func (p *P) Int(n int) *P {
	switch {
	case n >= 0 && n < 256:
		return p.Op('K', byte(n))
	case n >= 0 && n < 65536:
		return p.Op('M', byte(n), byte(n>>8))
	}
	p.Op('J')
	p.u32(uint32(int32(n)))
	return p
}

// Frame writes FRAME n.
func (p *P) Frame(n uint64) *P {
	p.Op(0x95)
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], n)
	p.Write(b[:])
	return p
}

// U64 writes a little-endian uint64 argument.
func (p *P) U64(n uint64) *P {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], n)
	p.Write(b[:])
	return p
}

func (p *P) u32(n uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], n)
	p.Write(b[:])
}

// Opcodes used by name.
const (
	Mark     = '('
	Stop     = '.'
	Tuple    = 't'
	Tuple1   = 0x85
	Tuple2   = 0x86
	Tuple3   = 0x87
	Reduce   = 'R'
	Build    = 'b'
	EmptyD   = '}'
	EmptyL   = ']'
	EmptyT   = ')'
	SetItems = 'u'
	SetItem  = 's'
	Memoize  = 0x94
	StackG   = 0x93
	NewObj   = 0x81
	BinPut   = 'q'
	BinGet   = 'h'
	NewFalse = 0x89
	NewTrue  = 0x88
	None     = 'N'
	BinPers  = 'Q'
)

// Call writes GLOBAL mod.name, the arguments (already assembled) as a
// tuple, and REDUCE.
func Call(mod, name string, args ...func(*P)) []byte {
	p := &P{}
	p.Proto(2).Global(mod, name).Op(Mark)
	for _, a := range args {
		a(p)
	}
	p.Op(Tuple, Reduce, Stop)
	return p.Bytes()
}

// Evil is the canonical payload: os.system("id").
func Evil() []byte {
	return Call("os", "system", func(p *P) { p.Str("id") })
}
