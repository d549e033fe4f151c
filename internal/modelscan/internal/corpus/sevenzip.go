package corpus

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"unicode/utf16"
)

// sevenZip writes a minimal 7z archive with one "copy" (stored) folder per
// file: enough to exercise the 7z reader without a compressor.
func sevenZip(files ...zf) []byte {
	var packed bytes.Buffer
	for _, f := range files {
		packed.Write(f.data)
	}
	var h bytes.Buffer
	num := func(v uint64) { // 7z numbers below 2^14
		if v < 0x80 {
			h.WriteByte(byte(v))
			return
		}
		h.WriteByte(0x80 | byte(v>>8))
		h.WriteByte(byte(v))
	}
	h.WriteByte(0x01) // Header
	h.WriteByte(0x04) // MainStreamsInfo
	h.WriteByte(0x06) // PackInfo
	num(0)
	num(uint64(len(files)))
	h.WriteByte(0x09) // Size
	for _, f := range files {
		num(uint64(len(f.data)))
	}
	h.WriteByte(0x00)
	h.WriteByte(0x07) // UnPackInfo
	h.WriteByte(0x0b) // Folder
	num(uint64(len(files)))
	h.WriteByte(0x00) // not external
	for range files {
		num(1)            // one coder
		h.WriteByte(0x01) // id size 1, simple coder
		h.WriteByte(0x00) // Copy
	}
	h.WriteByte(0x0c) // CodersUnPackSize
	for _, f := range files {
		num(uint64(len(f.data)))
	}
	h.WriteByte(0x00)
	h.WriteByte(0x00) // end of streams info
	h.WriteByte(0x05) // FilesInfo
	num(uint64(len(files)))
	var names bytes.Buffer
	names.WriteByte(0x00) // not external
	for _, f := range files {
		for _, u := range utf16.Encode([]rune(f.name)) {
			binary.Write(&names, binary.LittleEndian, u)
		}
		names.Write([]byte{0, 0})
	}
	h.WriteByte(0x11) // Name
	num(uint64(names.Len()))
	h.Write(names.Bytes())
	h.WriteByte(0x00)
	h.WriteByte(0x00)

	var start [20]byte
	binary.LittleEndian.PutUint64(start[0:], uint64(packed.Len()))
	binary.LittleEndian.PutUint64(start[8:], uint64(h.Len()))
	binary.LittleEndian.PutUint32(start[16:], crc32.ChecksumIEEE(h.Bytes()))
	var out bytes.Buffer
	out.Write([]byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c, 0, 4})
	binary.Write(&out, binary.LittleEndian, crc32.ChecksumIEEE(start[:]))
	out.Write(start[:])
	out.Write(packed.Bytes())
	out.Write(h.Bytes())
	return out.Bytes()
}
