package intake

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
)

// zipEntryHead is how much of an image entry is read at a time while
// looking for its dimensions: most headers are in the first chunk.
const zipEntryHead = 512

// zipDirectoryFactor bounds the central directory archive/zip is allowed
// to load (it loads every record at once) to this many times
// MaxInspectEntries records.
const zipDirectoryFactor = 64

// zipContents lists the entries of a ZIP archive held in b: name,
// uncompressed size from the header, media type from the extension, and
// the dimensions of image entries from their first bytes. Directories are
// skipped; at most maxEntries are listed. No entry is read past
// limits.MaxInspectText, so a decompression bomb costs nothing.
func zipContents(b []byte, maxEntries int, limits Limits, buf []byte) ([]Attachment, error) {
	if n, ok := zipRecordCount(b); !ok {
		return nil, errors.New("no ZIP end of central directory")
	} else if n > uint64(max(zipDirectoryFactor*maxEntries, 1024)) {
		return nil, errors.New("ZIP archive with too many entries to list")
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, err
	}
	var out []Attachment
	for _, f := range zr.File {
		if len(out) >= maxEntries {
			break
		}
		if strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() || isZipMetadata(f.Name) {
			continue
		}
		name := stripControls(fixUTF8(f.Name))
		a := Attachment{Filename: name, MediaType: typeByName(name), Size: int64(min(f.UncompressedSize64, 1<<62)), Source: "zip"}
		if strings.HasPrefix(a.MediaType, "image/") {
			a.Width, a.Height = zipImageSize(f, int64(limits.MaxInspectText), buf)
		}
		out = append(out, a)
	}
	return out, nil
}

// zipImageSize reads the first bytes of an entry, a few hundred at a time
// and never past limit, until its dimensions are known.
func zipImageSize(f *zip.File, limit int64, buf []byte) (w, h int) {
	rc, err := f.Open()
	if err != nil {
		return 0, 0
	}
	defer rc.Close()
	s := newImageSize(limit)
	r := io.LimitReader(rc, limit)
	chunk := buf[:min(len(buf), zipEntryHead)]
	for !s.done() {
		n, err := io.ReadFull(r, chunk)
		s.Write(chunk[:n])
		if err != nil {
			break
		}
	}
	return s.size()
}

// zipRecordCount returns the number of central directory records the end
// of a ZIP archive announces (its ZIP64 record when there is one).
func zipRecordCount(b []byte) (uint64, bool) {
	const eocdLen = 22
	from := max(len(b)-eocdLen-0xFFFF, 0)
	i := bytes.LastIndex(b[from:], []byte("PK\x05\x06"))
	if i < 0 {
		return 0, false
	}
	i += from
	if i+eocdLen > len(b) {
		return 0, false
	}
	n := uint64(binary.LittleEndian.Uint16(b[i+10:]))
	if n != 0xFFFF {
		return n, true
	}
	// ZIP64: the locator just before points at the ZIP64 end record.
	if i < 20 || string(b[i-20:i-16]) != "PK\x06\x07" {
		return n, true
	}
	off := binary.LittleEndian.Uint64(b[i-20+8:])
	if off > uint64(len(b)) || off+56 > uint64(len(b)) || string(b[off:off+4]) != "PK\x06\x06" {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b[off+32:]), true
}

// isZipMetadata reports whether an entry is file system metadata that
// macOS adds to the archives it makes (AppleDouble "._" files under
// __MACOSX/, .DS_Store), not a file the sender chose.
func isZipMetadata(name string) bool {
	base := name[strings.LastIndexByte(name, '/')+1:]
	return strings.HasPrefix(name, "__MACOSX/") || strings.Contains(name, "/__MACOSX/") || base == ".DS_Store" || strings.HasPrefix(base, "._")
}
