package intake

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
)

// maxExportName bounds the length of an exported attachment's file name.
const maxExportName = 100

// ExtractAttachments writes every attachment of raw (the parts that Parse
// records as attachments: named parts and non-text leaves) into dir, which
// it creates, and returns the paths written. File names come from the
// message and are untrusted: they are reduced to a safe base name (no path
// separators, no control characters, valid UTF-8, bounded length) and
// prefixed with their position, so two parts never overwrite each other
// and nothing is written outside dir.
func ExtractAttachments(raw []byte, dir string) ([]string, error) {
	var written []string
	n := 0
	err := eachAttachment(raw, func(name, mediaType string, body io.Reader) error {
		n++
		if len(written) == 0 {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return err
			}
		}
		file := filepath.Join(dir, fmt.Sprintf("%02d-%s", n, SafeFileName(name, mediaType)))
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
		if err != nil {
			return err
		}
		_, cerr := io.Copy(f, body)
		if err := f.Close(); cerr == nil {
			cerr = err
		}
		if cerr != nil {
			return fmt.Errorf("write %s: %w", file, cerr)
		}
		written = append(written, file)
		return nil
	})
	if err != nil {
		return written, fmt.Errorf("extract attachments: %w", err)
	}
	return written, nil
}

// File is one attachment's decoded bytes.
type File struct {
	Index     int    // its position among the message's attachments, from 0
	Name      string // as the message names it: untrusted
	MediaType string
	Data      []byte // nil for an omitted file
}

// ReadAttachments returns the attachments of raw (as ExtractAttachments
// finds them) whose decoded bytes fit, all together, within maxBytes, and
// the others, in order, without their bytes (omitted; ReadAttachments(raw,
// 0) lists them all cheaply).
func ReadAttachments(raw []byte, maxBytes int64) (files, omitted []File, err error) {
	left := maxBytes
	i := 0
	err = eachAttachment(raw, func(name, mediaType string, body io.Reader) error {
		defer func() { i++ }()
		data, err := io.ReadAll(io.LimitReader(body, max(left, 0)+1))
		if err != nil {
			return err
		}
		if int64(len(data)) > left {
			omitted = append(omitted, File{Index: i, Name: name, MediaType: mediaType})
			return nil
		}
		left -= int64(len(data))
		files = append(files, File{Index: i, Name: name, MediaType: mediaType, Data: data})
		return nil
	})
	if err != nil {
		return files, omitted, fmt.Errorf("read attachments: %w", err)
	}
	return files, omitted, nil
}

// eachAttachment calls fn for every attachment part of raw with its
// untrusted name, its media type and its decoded body.
func eachAttachment(raw []byte, fn func(name, mediaType string, body io.Reader) error) error {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return err
	}
	walkErr := e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			return err
		}
		mediaType, _, _ := part.Header.ContentType()
		if strings.HasPrefix(mediaType, "multipart/") {
			return nil
		}
		disp, dparams, _ := part.Header.ContentDisposition()
		name := dparams["filename"]
		if name == "" {
			_, cparams, _ := part.Header.ContentType()
			name = cparams["name"]
		}
		isText := mediaType == "" || strings.HasPrefix(mediaType, "text/")
		if name == "" && disp != "attachment" && (isText || mediaType == "message/rfc822" || mediaType == "message/delivery-status") {
			return nil
		}
		return fn(name, mediaType, part.Body)
	})
	if walkErr != nil && !errors.Is(walkErr, io.EOF) {
		return walkErr
	}
	return nil
}

// SafeFileName reduces an untrusted attachment name to something safe to
// create in a directory: the last path element, control and separator
// characters replaced, valid UTF-8, at most maxExportName bytes, never
// empty, never "." or "..".
func SafeFileName(name, mediaType string) string {
	name = strings.ToValidUTF8(name, "_")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		if unicode.IsControl(r) || r == ':' || r == '*' || r == '?' || r == '"' || r == '<' || r == '>' || r == '|' {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	if len(name) > maxExportName {
		ext := filepath.Ext(name)
		if len(ext) > 16 || !utf8.ValidString(ext) {
			ext = ""
		}
		cut := maxExportName - len(ext)
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + ext
	}
	if name == "" {
		name = "attachment"
		if exts, _ := mime.ExtensionsByType(mediaType); len(exts) > 0 {
			name += exts[0]
		}
	}
	return name
}
