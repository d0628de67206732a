package intake

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"unicode/utf16"
)

// TNEF (MS-OXTNEF, Outlook's winmail.dat) is walked by hand: a signature,
// a legacy key, then attributes (level u8, id u32, length u32, data,
// checksum u16), all little-endian. Only the attachment attributes are
// read; every length is checked against what is left.
const (
	tnefSignature = 0x223E9F78

	attAttachRenddata = 0x00069002 // starts an attachment
	attAttachTitle    = 0x00018010 // its 8.3 file name, NUL-terminated
	attAttachData     = 0x0006800F // its bytes
	attAttachment     = 0x00069005 // its MAPI properties

	prAttachLongFilename = 0x3707
	prAttachMimeTag      = 0x370E
	prDisplayName        = 0x3001
)

// tnefFile is one attachment found in a TNEF stream.
type tnefFile struct {
	title, longName, mimeTag string
	data                     []byte
	hasData                  bool
}

// tnefContents lists the attachments inside a TNEF stream, at most
// maxEntries of them. Damage ends the walk and keeps what was found.
func tnefContents(b []byte, maxEntries int, limits Limits) []Attachment {
	if len(b) < 6 || binary.LittleEndian.Uint32(b) != tnefSignature {
		return nil
	}
	b = b[6:]
	var files []*tnefFile
	var cur *tnefFile
	for len(b) >= 9 {
		id := binary.LittleEndian.Uint32(b[1:])
		n := binary.LittleEndian.Uint32(b[5:])
		b = b[9:]
		if uint64(n)+2 > uint64(len(b)) {
			break
		}
		data := b[:n]
		b = b[n+2:] // the checksum is not checked: damage is read as far as it goes
		switch id {
		case attAttachRenddata:
			if len(files) >= maxEntries {
				cur = nil
				continue
			}
			cur = &tnefFile{}
			files = append(files, cur)
		case attAttachTitle:
			if cur != nil {
				cur.title = cString(data)
			}
		case attAttachData:
			if cur != nil {
				cur.data, cur.hasData = data, true
			}
		case attAttachment:
			if cur != nil {
				readAttachProps(data, cur)
			}
		}
	}
	var out []Attachment
	for _, f := range files {
		name := f.longName
		if name == "" {
			name = f.title
		}
		name = stripControls(fixUTF8(name))
		if name == "" && !f.hasData {
			continue
		}
		mt := typeByName(name)
		if tag := strings.ToLower(strings.TrimSpace(f.mimeTag)); mt == "application/octet-stream" && strings.Count(tag, "/") == 1 && len(tag) < 100 {
			mt = stripControls(tag)
		}
		sum := sha256.Sum256(f.data)
		a := Attachment{Filename: name, MediaType: mt, Size: int64(len(f.data)), SHA256: hex.EncodeToString(sum[:]), Source: "tnef"}
		if strings.HasPrefix(mt, "image/") {
			a.Width, a.Height = imageDimensions(f.data, limits.MaxInspectBytes)
		}
		out = append(out, a)
	}
	return out
}

// cString returns b up to its first NUL.
func cString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// readAttachProps reads the MAPI properties of attAttachment for the long
// file name and the MIME tag. It stops at the first property type it does
// not know or at any length past the end: the names are optional.
func readAttachProps(b []byte, f *tnefFile) {
	if len(b) < 4 {
		return
	}
	count := binary.LittleEndian.Uint32(b)
	b = b[4:]
	for i := uint32(0); i < count && len(b) >= 4; i++ {
		typ := binary.LittleEndian.Uint16(b)
		id := binary.LittleEndian.Uint16(b[2:])
		b = b[4:]
		if id >= 0x8000 { // named property: GUID, kind, then an id or a name
			if len(b) < 20 {
				return
			}
			kind := binary.LittleEndian.Uint32(b[16:])
			b = b[20:]
			switch kind {
			case 0:
				if len(b) < 4 {
					return
				}
				b = b[4:]
			case 1:
				if len(b) < 4 {
					return
				}
				n := uint64(binary.LittleEndian.Uint32(b))
				padded := (n + 3) &^ 3
				if 4+padded > uint64(len(b)) {
					return
				}
				b = b[4+padded:]
			default:
				return
			}
		}
		multi := typ&0x1000 != 0
		base := typ &^ 0x1000
		values := uint64(1)
		if multi || isVarProp(base) {
			if len(b) < 4 {
				return
			}
			values = uint64(binary.LittleEndian.Uint32(b))
			b = b[4:]
			if values > uint64(len(b)) {
				return
			}
		}
		for v := uint64(0); v < values; v++ {
			var val []byte
			if isVarProp(base) {
				if len(b) < 4 {
					return
				}
				n := uint64(binary.LittleEndian.Uint32(b))
				padded := (n + 3) &^ 3
				if 4+padded > uint64(len(b)) {
					return
				}
				val = b[4 : 4+n]
				b = b[4+padded:]
			} else {
				size := fixedPropSize(base)
				if size == 0 || size > len(b) {
					return
				}
				b = b[size:]
			}
			if multi || v > 0 {
				continue
			}
			var s string
			switch base {
			case 0x001E: // PT_STRING8
				s = cString(val)
			case 0x001F: // PT_UNICODE
				s = utf16String(val)
			default:
				continue
			}
			switch id {
			case prAttachLongFilename:
				f.longName = s
			case prAttachMimeTag:
				f.mimeTag = s
			case prDisplayName:
				if f.longName == "" && strings.Contains(s, ".") {
					f.longName = s
				}
			}
		}
	}
}

// isVarProp reports whether a MAPI property type has a length prefix.
func isVarProp(t uint16) bool {
	return t == 0x001E || t == 0x001F || t == 0x0102 || t == 0x000D
}

// fixedPropSize is the padded size of a fixed-size MAPI property value, 0
// for a type not known here.
func fixedPropSize(t uint16) int {
	switch t {
	case 0x0002, 0x0003, 0x0004, 0x000A, 0x000B: // short, long, float, error, boolean
		return 4
	case 0x0005, 0x0006, 0x0007, 0x0014, 0x0040: // double, currency, apptime, i8, systime
		return 8
	case 0x0048: // CLSID
		return 16
	}
	return 0
}

// utf16String decodes little-endian UTF-16 up to its first NUL.
func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}
