package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"time"
)

// This file checks a database file by reading it with plain reads, before
// bbolt maps it: bbolt trusts its file, so an empty file is initialised
// again (ticket numbers restart at 1) and a page number past the end of a
// truncated file is a SIGBUS that no recover catches. Nothing here writes.
//
// bbolt's layout (go.etcd.io/bbolt/internal/common, v1.5.0), native byte
// order: every page starts with a 16-byte header (id u64, flags u16, count
// u16, overflow u32). Pages 0 and 1 are meta pages: magic u32, version
// u32, pageSize u32, flags u32, root bucket (root pgid u64, sequence u64),
// freelist pgid u64, high-water mark pgid u64, txid u64, checksum u64 (FNV-1a
// 64 of the 56 bytes before it). Branch elements are (pos u32, ksize u32,
// pgid u64), leaf elements (flags u32, pos u32, ksize u32, vsize u32), pos
// counted from the element itself. A leaf element with flag 1 is a bucket:
// its value is (root pgid u64, sequence u64), followed by an inline page
// when root is 0.

const (
	pageHeaderSize   = 16
	elemSize         = 16
	metaMagic        = 0xED0CDAED
	metaVersion      = 2
	metaChecksumOff  = 56 // bytes of the meta struct covered by its checksum
	pgidNoFreelist   = ^uint64(0)
	flagBranch       = 0x01
	flagLeaf         = 0x02
	flagMeta         = 0x04
	flagFreelist     = 0x10
	leafBucketFlag   = 0x01
	minPageSize      = 1024
	maxPageSize      = 16 << 20 // the largest bbolt probes for
	maxTreeDepth     = 64
	freelistOverflow = 0xFFFF // count value meaning "the real count is the first element"
)

// restoreHint ends every ErrDamaged message.
const restoreHint = "do not delete or re-create it: stop ticketd, keep the damaged file for analysis, and restore the latest backup " +
	"(README, \"Backup and restore\")"

// damaged returns an error wrapping ErrDamaged that names the file, says
// what is wrong and how to restore.
func damaged(path, format string, args ...any) error {
	return fmt.Errorf("database %s is damaged: %s; %s: %w", path, fmt.Sprintf(format, args...), restoreHint, ErrDamaged)
}

// meta is the part of a bbolt meta page the checks use.
type meta struct {
	pageSize uint32
	root     uint64 // root bucket's page
	freelist uint64
	pgid     uint64 // high-water mark: pages below it are in the file
	txid     uint64
}

// parseMeta decodes and validates the meta page at the start of buf (page
// header included), as bbolt's Meta.Validate does, plus the page header.
func parseMeta(buf []byte, index uint64) (meta, error) {
	if len(buf) < pageHeaderSize+metaChecksumOff+8 {
		return meta{}, fmt.Errorf("meta page %d is cut short", index)
	}
	ne := binary.NativeEndian
	if id, flags := ne.Uint64(buf), ne.Uint16(buf[8:]); id != index || flags != flagMeta {
		return meta{}, fmt.Errorf("meta page %d has the header of page %d with flags %#x", index, id, flags)
	}
	m := buf[pageHeaderSize:]
	if magic := ne.Uint32(m); magic != metaMagic {
		return meta{}, fmt.Errorf("meta page %d has magic %#x, not bbolt's %#x", index, magic, metaMagic)
	}
	if v := ne.Uint32(m[4:]); v != metaVersion {
		return meta{}, fmt.Errorf("meta page %d has version %d, not %d", index, v, metaVersion)
	}
	h := fnv.New64a()
	_, _ = h.Write(m[:metaChecksumOff])
	if sum, want := ne.Uint64(m[metaChecksumOff:]), h.Sum64(); sum != want {
		return meta{}, fmt.Errorf("meta page %d fails its checksum (stored %016x, computed %016x)", index, sum, want)
	}
	mt := meta{
		pageSize: ne.Uint32(m[8:]),
		root:     ne.Uint64(m[16:]),
		freelist: ne.Uint64(m[32:]),
		pgid:     ne.Uint64(m[40:]),
		txid:     ne.Uint64(m[48:]),
	}
	if ps := mt.pageSize; ps < minPageSize || ps > maxPageSize || ps&(ps-1) != 0 {
		return meta{}, fmt.Errorf("meta page %d gives an impossible page size %d", index, ps)
	}
	if mt.root < 2 || mt.root >= mt.pgid || (mt.freelist != pgidNoFreelist && (mt.freelist < 2 || mt.freelist >= mt.pgid)) {
		return meta{}, fmt.Errorf("meta page %d points outside its %d pages (root %d, freelist %d)", index, mt.pgid, mt.root, mt.freelist)
	}
	return mt, nil
}

// fileCheck reads a bbolt file with ReadAt only.
type fileCheck struct {
	f        *os.File
	path     string
	size     int64
	pageSize int64
	hwm      uint64
	seen     map[uint64]bool
	ctx      context.Context
}

// inspectFile checks the database file at path before bbolt opens it: it
// is not empty, both meta pages are valid and agree on the page size, the
// file holds every page the metas count, and the freelist page is sane.
// With walk, it also walks the whole B+tree of the newest meta, checking
// that every page it reaches is inside the file and well formed, so that
// bbolt's own check cannot fault. It returns nil when path does not exist
// (Open creates it), an error wrapping ErrDamaged for a damaged file, and
// other errors (permissions) as they come. It reads under a shared lock,
// so that it never reads pages a running writer is changing: if a writer
// holds the file for longer than timeout, it returns an error wrapping
// ErrLocked.
func inspectFile(ctx context.Context, path string, timeout time.Duration, walk bool) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer f.Close() // releases the lock
	locked, err := lockShared(f, timeout)
	if err != nil {
		return fmt.Errorf("lock database %s: %w", path, err)
	}
	if !locked {
		return lockedError(path)
	}
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil // let bbolt report it
	}
	metas, err := readMetas(f, path, fi.Size())
	if err != nil {
		return err
	}
	cur := newest(metas)
	fc := &fileCheck{f: f, path: path, size: fi.Size(), pageSize: int64(cur.pageSize), hwm: cur.pgid, ctx: ctx}
	if err := fc.checkFreelist(cur); err != nil {
		return err
	}
	if walk {
		return fc.walkTree(cur)
	}
	return nil
}

// newest returns the meta bbolt uses: the one with the higher txid.
func newest(m [2]meta) meta {
	if m[1].txid > m[0].txid {
		return m[1]
	}
	return m[0]
}

// readMetas reads and validates both meta pages of a file of size bytes,
// and checks that the file is as long as they say.
func readMetas(f io.ReaderAt, path string, size int64) ([2]meta, error) {
	var metas [2]meta
	if size == 0 {
		return metas, damaged(path, "the file is empty (0 bytes)")
	}
	buf := make([]byte, 4096)
	n, err := f.ReadAt(buf, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return metas, fmt.Errorf("read database %s: %w", path, err)
	}
	m0, err0 := parseMeta(buf[:n], 0)
	pageSize := int64(m0.pageSize)
	if err0 != nil {
		// Find meta page 1 as bbolt does: try every page size.
		for ps := int64(minPageSize); ps <= maxPageSize && ps+pageHeaderSize+64 <= size; ps <<= 1 {
			n, err := f.ReadAt(buf, ps)
			if err != nil && !errors.Is(err, io.EOF) {
				return metas, fmt.Errorf("read database %s: %w", path, err)
			}
			if _, err := parseMeta(buf[:n], 1); err == nil {
				return metas, damaged(path, "%v (meta page 1 is valid: bbolt would silently fall back to the previous transaction)", err0)
			}
		}
		if size < 2*minPageSize {
			return metas, damaged(path, "the file is only %d bytes, shorter than two pages: it was truncated (%v)", size, err0)
		}
		return metas, damaged(path, "%v, and no valid meta page 1 was found", err0)
	}
	if size < 2*pageSize {
		return metas, damaged(path, "the file is %d bytes, shorter than its two %d-byte meta pages: it was truncated", size, pageSize)
	}
	n, err = f.ReadAt(buf, pageSize)
	if err != nil && !errors.Is(err, io.EOF) {
		return metas, fmt.Errorf("read database %s: %w", path, err)
	}
	m1, err1 := parseMeta(buf[:n], 1)
	if err1 != nil {
		return metas, damaged(path, "%v (meta page 0 is valid)", err1)
	}
	if m1.pageSize != m0.pageSize {
		return metas, damaged(path, "the meta pages disagree on the page size (%d and %d)", m0.pageSize, m1.pageSize)
	}
	metas = [2]meta{m0, m1}
	for i, m := range metas {
		if need := int64(m.pgid) * pageSize; need/pageSize != int64(m.pgid) || size < need {
			return metas, damaged(path, "the file is %d bytes but meta page %d says it holds %d pages of %d bytes (%d bytes): it was truncated",
				size, i, m.pgid, pageSize, int64(m.pgid)*pageSize)
		}
	}
	return metas, nil
}

// readPage reads page id with its overflow pages, checking that they lie
// below the high-water mark.
func (fc *fileCheck) readPage(id uint64, what string) ([]byte, error) {
	if id < 2 || id >= fc.hwm {
		return nil, damaged(fc.path, "%s points at page %d, outside pages 2 to %d", what, id, fc.hwm-1)
	}
	hdr := make([]byte, pageHeaderSize)
	if _, err := fc.f.ReadAt(hdr, int64(id)*fc.pageSize); err != nil {
		return nil, damaged(fc.path, "%s: page %d cannot be read: %v", what, id, err)
	}
	ne := binary.NativeEndian
	if got := ne.Uint64(hdr); got != id {
		return nil, damaged(fc.path, "%s: page %d carries the id %d", what, id, got)
	}
	overflow := uint64(ne.Uint32(hdr[12:]))
	if id+overflow >= fc.hwm {
		return nil, damaged(fc.path, "%s: page %d runs over %d more pages, past the last page %d", what, id, overflow, fc.hwm-1)
	}
	buf := make([]byte, int64(overflow+1)*fc.pageSize)
	if _, err := fc.f.ReadAt(buf, int64(id)*fc.pageSize); err != nil {
		return nil, damaged(fc.path, "%s: page %d cannot be read: %v", what, id, err)
	}
	return buf, nil
}

// checkFreelist checks the freelist page bbolt reads at open.
func (fc *fileCheck) checkFreelist(m meta) error {
	if m.freelist == pgidNoFreelist {
		return nil
	}
	p, err := fc.readPage(m.freelist, "the freelist")
	if err != nil {
		return err
	}
	ne := binary.NativeEndian
	if flags := ne.Uint16(p[8:]); flags != flagFreelist {
		return damaged(fc.path, "the freelist page %d has flags %#x", m.freelist, flags)
	}
	count, start := uint64(ne.Uint16(p[10:])), uint64(pageHeaderSize)
	if count == freelistOverflow {
		count, start = ne.Uint64(p[pageHeaderSize:]), pageHeaderSize+8
	}
	if count > (uint64(len(p))-start)/8 {
		return damaged(fc.path, "the freelist page %d claims %d free pages, more than it can hold", m.freelist, count)
	}
	for i := range count {
		if id := ne.Uint64(p[start+8*i:]); id < 2 || id >= fc.hwm {
			return damaged(fc.path, "the freelist lists page %d, outside pages 2 to %d", id, fc.hwm-1)
		}
	}
	return nil
}

// walkTree walks every bucket from the root of m.
func (fc *fileCheck) walkTree(m meta) error {
	fc.seen = make(map[uint64]bool)
	return fc.walkPage(m.root, 0, "the root bucket")
}

// walkPage checks page id (a branch or leaf of a bucket) and what it
// reaches.
func (fc *fileCheck) walkPage(id uint64, depth int, what string) error {
	if err := fc.ctx.Err(); err != nil {
		return err
	}
	if depth > maxTreeDepth {
		return damaged(fc.path, "%s is more than %d levels deep at page %d (a loop?)", what, maxTreeDepth, id)
	}
	if fc.seen[id] {
		return damaged(fc.path, "page %d is reached twice (from %s)", id, what)
	}
	fc.seen[id] = true
	p, err := fc.readPage(id, what)
	if err != nil {
		return err
	}
	return fc.walkElems(p, id, depth, what)
}

// walkElems checks the elements of page p (a file page, or an inline
// bucket's page when id is 0).
func (fc *fileCheck) walkElems(p []byte, id uint64, depth int, what string) error {
	ne := binary.NativeEndian
	flags, count := ne.Uint16(p[8:]), int(ne.Uint16(p[10:]))
	if pageHeaderSize+count*elemSize > len(p) {
		return damaged(fc.path, "%s: page %d claims %d elements, more than it can hold", what, id, count)
	}
	for i := range count {
		off := pageHeaderSize + i*elemSize
		e := p[off : off+elemSize]
		switch flags {
		case flagBranch:
			pos, ksize := int(ne.Uint32(e)), int(ne.Uint32(e[4:]))
			if off+pos+ksize > len(p) || pos < 0 {
				return damaged(fc.path, "%s: branch page %d, element %d points past the page", what, id, i)
			}
			if err := fc.walkPage(ne.Uint64(e[8:]), depth+1, what); err != nil {
				return err
			}
		case flagLeaf:
			eflags, pos, ksize, vsize := ne.Uint32(e), int(ne.Uint32(e[4:])), int(ne.Uint32(e[8:])), int(ne.Uint32(e[12:]))
			end := off + pos + ksize + vsize
			if pos < 0 || ksize < 0 || vsize < 0 || end > len(p) || end < off {
				return damaged(fc.path, "%s: leaf page %d, element %d points past the page", what, id, i)
			}
			if eflags&leafBucketFlag == 0 {
				continue
			}
			v := p[off+pos+ksize : end]
			name := fmt.Sprintf("bucket %q", p[off+pos:off+pos+ksize])
			if len(v) < 16 {
				return damaged(fc.path, "%s: %s has a %d-byte header", what, name, len(v))
			}
			if root := ne.Uint64(v); root != 0 {
				if err := fc.walkPage(root, depth+1, name); err != nil {
					return err
				}
				continue
			}
			inline := v[16:]
			if len(inline) < pageHeaderSize || ne.Uint16(inline[8:]) != flagLeaf {
				return damaged(fc.path, "%s: inline %s is not a leaf page", what, name)
			}
			if err := fc.walkElems(inline, 0, depth+1, name); err != nil {
				return err
			}
		default:
			return damaged(fc.path, "%s: page %d has flags %#x, neither branch nor leaf", what, id, flags)
		}
	}
	if flags != flagBranch && flags != flagLeaf {
		return damaged(fc.path, "%s: page %d has flags %#x, neither branch nor leaf", what, id, flags)
	}
	return nil
}
