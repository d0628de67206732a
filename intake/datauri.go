package intake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/url"
	"strings"
)

// cidRefs returns the Content-IDs an HTML body references with cid: URLs
// (src="cid:...", url(cid:...)), lower-cased and percent-decoded.
func cidRefs(lower string, refs map[string]bool) {
	for i := 0; ; {
		j := strings.Index(lower[i:], "cid:")
		if j < 0 {
			return
		}
		start := i + j + len("cid:")
		end := len(lower)
		if k := strings.IndexAny(lower[start:], "\"'<>() \t\r\n"); k >= 0 {
			end = start + k
		}
		i = end
		if end == start {
			continue
		}
		id := lower[start:end]
		if dec, err := url.PathUnescape(id); err == nil {
			id = dec
		}
		id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
		if id != "" {
			refs[id] = true
		}
	}
}

// dataImages (lower is html passed through asciiLower) adds an attachment for each data: image of an HTML body
// (<img src="data:image/png;base64,...">): media type from the URI, decoded
// size counted from the base64 text, SHA-256 of the decoded bytes (streamed,
// never held) and dimensions from at most limits.MaxInspectText decoded
// bytes. Past Limits.MaxAttachments they are counted, not decoded.
func (w *walker) dataImages(html, lower string) {
	const prefix = "data:image/"
	for i := 0; ; {
		j := strings.Index(lower[i:], prefix)
		if j < 0 {
			return
		}
		start := i + j
		// The media type and parameters, up to the comma.
		comma := strings.IndexByte(lower[start:min(len(lower), start+200)], ',')
		if comma < 0 {
			i = start + len(prefix)
			continue
		}
		comma += start
		meta := lower[start+len("data:") : comma]
		if strings.ContainsAny(meta, "\"'<> \t\r\n") {
			i = start + len(prefix)
			continue
		}
		params := strings.Split(meta, ";")
		mediaType := params[0]
		isBase64 := params[len(params)-1] == "base64"
		// The payload runs to the end of the attribute.
		end := len(html)
		if k := strings.IndexAny(html[comma+1:], "\"'<>() \t"); k >= 0 {
			end = comma + 1 + k
		}
		payload := html[comma+1 : end]
		i = end
		if len(w.atts) >= w.b.limits.MaxAttachments {
			w.attsOmitted++
			continue
		}
		a := Attachment{MediaType: stripControls(mediaType), Inline: true, Source: "data"}
		h := sha256.New()
		s := newImageSize(int64(w.b.limits.MaxInspectText))
		if isBase64 {
			payload = strings.TrimRight(strings.NewReplacer("\r", "", "\n", "").Replace(payload), "=")
			a.Size = int64(base64.RawStdEncoding.DecodedLen(len(payload)))
			dec := base64.NewDecoder(base64.RawStdEncoding, strings.NewReader(payload))
			// Bad base64 ends the hash where it starts; the size stays
			// what the text announces.
			io.CopyBuffer(onlyWriter{io.MultiWriter(h, s)}, onlyReader{dec}, w.buf) //nolint:errcheck
		} else {
			raw := payload
			if dec, err := url.PathUnescape(payload); err == nil {
				raw = dec
			}
			a.Size = int64(len(raw))
			h.Write([]byte(raw))
			s.Write([]byte(raw))
		}
		if a.MediaType == "" {
			a.MediaType = "image/unknown"
		}
		a.SHA256 = hex.EncodeToString(h.Sum(nil))
		a.Width, a.Height = s.size()
		w.atts = append(w.atts, a)
	}
}
