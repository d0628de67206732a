package intake

import (
	"bytes"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What intake looks for inside an attachment, decided from its media type
// and file name.
type inspectKind int

const (
	inspectNone inspectKind = iota
	inspectImage
	inspectTNEF
	inspectZIP
	inspectPDF
	inspectText
)

// extTypes maps the file name extensions that matter to a media type, for
// attachments sent as application/octet-stream and for the files inside
// containers. It is fixed (mime.TypeByExtension reads the system's tables).
var extTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".jfif": "image/jpeg",
	".gif": "image/gif", ".bmp": "image/bmp", ".webp": "image/webp", ".tif": "image/tiff",
	".tiff": "image/tiff", ".heic": "image/heic", ".svg": "image/svg+xml",
	".pdf": "application/pdf", ".zip": "application/zip", ".dat": "application/octet-stream",
	".txt": "text/plain", ".log": "text/plain", ".json": "application/json",
	".har": "application/json", ".xml": "application/xml", ".http": "text/plain",
	".csv": "text/csv", ".html": "text/html", ".htm": "text/html",
	".eml": "message/rfc822", ".msg": "application/vnd.ms-outlook",
	".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm",
	".avi": "video/x-msvideo", ".mkv": "video/x-matroska", ".wmv": "video/x-ms-wmv",
	".doc": "application/msword", ".xls": "application/vnd.ms-excel",
	".ppt":  "application/vnd.ms-powerpoint",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

// fileExt returns the lower-cased extension of a file name, dot included.
func fileExt(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	return strings.ToLower(path.Ext(name))
}

// typeByName guesses a media type from a file name's extension.
func typeByName(name string) string {
	if t, ok := extTypes[fileExt(name)]; ok {
		return t
	}
	return "application/octet-stream"
}

// textTypes are the media types of attachments whose text is kept.
var textTypes = map[string]bool{
	"text/plain": true, "text/x-log": true, "text/log": true, "text/json": true, "text/xml": true,
	"application/json": true, "application/xml": true, "application/x-har": true,
	"application/har+json": true, "message/http": true, "application/http": true,
	"application/x-ndjson": true,
}

// textExts are the file name extensions of attachments whose text is kept.
// CSV is left out: a spreadsheet export is not where an API call is.
var textExts = map[string]bool{".txt": true, ".json": true, ".log": true, ".har": true, ".xml": true, ".http": true}

// inspectKindOf decides what to look for in an attachment.
func inspectKindOf(mediaType, name string) inspectKind {
	ext := fileExt(name)
	switch {
	case mediaType == "application/ms-tnef" || mediaType == "application/vnd.ms-tnef" || strings.EqualFold(path.Base(strings.ReplaceAll(name, "\\", "/")), "winmail.dat"):
		return inspectTNEF
	case mediaType == "application/zip" || mediaType == "application/x-zip-compressed" || mediaType == "application/x-zip" || ext == ".zip":
		return inspectZIP
	case mediaType == "application/pdf" || mediaType == "application/x-pdf" || ext == ".pdf":
		return inspectPDF
	case strings.HasPrefix(mediaType, "image/") || strings.HasPrefix(extTypes[ext], "image/"):
		return inspectImage
	case ext == ".csv" || mediaType == "text/csv":
		return inspectNone
	case textExts[ext] || textTypes[mediaType]:
		return inspectText
	}
	return inspectNone
}

// headKeeper keeps the first limit bytes written to it.
type headKeeper struct {
	buf   []byte
	limit int
	over  bool // more than limit bytes were written
}

func (k *headKeeper) Write(p []byte) (int, error) {
	n := len(p)
	if room := k.limit - len(k.buf); room < len(p) {
		k.over = true
		p = p[:max(room, 0)]
	}
	k.buf = append(k.buf, p...)
	return n, nil
}

// holdKeeper holds a container's bytes while they stay within limit, and
// lets them go (keeping only the count) once they do not.
type holdKeeper struct {
	buf   bytes.Buffer
	limit int64
	over  bool
}

func (k *holdKeeper) Write(p []byte) (int, error) {
	if k.over {
		return len(p), nil
	}
	if int64(k.buf.Len())+int64(len(p)) > k.limit {
		k.over = true
		k.buf = bytes.Buffer{}
		return len(p), nil
	}
	return k.buf.Write(p)
}

// cleanAttachmentText makes the kept start of a text attachment valid
// UTF-8 without NUL or other control characters (tabs and line breaks
// stay, CRLF becomes LF), at most limit bytes.
func cleanAttachmentText(b []byte, cut bool, limit int) string {
	if cut {
		b = trimPartialRune(b)
	}
	s := fixUTF8(string(b))
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\n' && r != '\t' {
				return -1
			}
			return r
		}, s)
	}
	s, _ = truncateUTF8(s, limit)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	return s
}
