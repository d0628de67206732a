package intake

import (
	"io"
	"mime"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/emersion/go-message"
)

// headerValue is a parsed Content-Type or Content-Disposition value.
type headerValue struct {
	value  string            // media type or disposition, lower-case
	params map[string]string // keys lower-case, values decoded
}

// parseContentType parses a Content-Type value. A missing or unusable value
// gives def (text/plain, or message/rfc822 inside multipart/digest).
func parseContentType(v, def string) headerValue {
	hv := parseHeaderValue(v)
	switch {
	case hv.value == "":
		hv.value = def
	case !validMediaType(hv.value):
		if strings.HasPrefix(hv.value, "text") {
			hv.value = "text/plain"
		} else {
			hv.value = "application/octet-stream"
		}
	}
	return hv
}

// validMediaType reports whether t looks like type/subtype.
func validMediaType(t string) bool {
	typ, sub, ok := strings.Cut(t, "/")
	return ok && typ != "" && sub != "" && !strings.ContainsAny(t, " \t\"()<>@,;:\\[]?=")
}

// parseHeaderValue parses "value; key=val; ..." leniently: the standard
// library's strict parser wins when it succeeds, and a forgiving parser fills
// in what it refuses (duplicate or broken parameters) or drops (RFC 2231
// values in charsets other than UTF-8).
func parseHeaderValue(v string) headerValue {
	base, rest, _ := strings.Cut(v, ";")
	hv := headerValue{value: strings.ToLower(strings.TrimSpace(base)), params: lenientParams(rest)}
	if _, std, err := mime.ParseMediaType(v); err == nil {
		for k, val := range std {
			hv.params[k] = val
		}
	}
	for k, val := range hv.params {
		hv.params[k] = decodeHeaderText(val)
	}
	return hv
}

// lenientParams parses a parameter list, tolerating missing quotes, stray
// semicolons and duplicates (the first wins), and joins RFC 2231
// continuations and charset-encoded values.
func lenientParams(s string) map[string]string {
	params := map[string]string{}
	type piece struct {
		n       int
		encoded bool
		val     string
	}
	pieces := map[string][]piece{}
	for s != "" {
		s = strings.TrimLeft(s, " \t\r\n;")
		if s == "" {
			break
		}
		eq := strings.IndexAny(s, "=;")
		if eq < 0 || s[eq] == ';' {
			// A parameter without a value: skip it.
			if eq < 0 {
				break
			}
			s = s[eq:]
			continue
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val string
		val, s = paramValue(s)
		if key == "" {
			continue
		}
		name, section, starred := splitParamKey(key)
		if section < 0 && !starred {
			if _, ok := params[name]; !ok {
				params[name] = val
			}
			continue
		}
		if section < 0 {
			section = 0
		}
		pieces[name] = append(pieces[name], piece{n: section, encoded: starred, val: val})
	}
	for name, ps := range pieces {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].n < ps[j].n })
		var raw strings.Builder
		charset := ""
		for i, p := range ps {
			val := p.val
			if p.encoded {
				if i == 0 {
					// charset'language'value
					if cs, restv, ok := strings.Cut(val, "'"); ok {
						if _, v2, ok := strings.Cut(restv, "'"); ok {
							charset, val = cs, v2
						}
					}
				}
				if un, err := url.PathUnescape(val); err == nil {
					val = un
				}
			}
			raw.WriteString(val)
		}
		params[name] = toUTF8(raw.String(), charset)
	}
	return params
}

// paramValue reads one quoted or unquoted parameter value from the start of
// s and returns it with the rest of s.
func paramValue(s string) (string, string) {
	if strings.HasPrefix(s, `"`) {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			switch c := s[i]; c {
			case '\\':
				if i+1 < len(s) {
					i++
					b.WriteByte(s[i])
				}
			case '"':
				return b.String(), s[i+1:]
			default:
				b.WriteByte(c)
			}
		}
		return b.String(), "" // unterminated quote: keep what there is
	}
	end := strings.IndexByte(s, ';')
	if end < 0 {
		end = len(s)
	}
	return strings.TrimSpace(s[:end]), s[end:]
}

// splitParamKey splits an RFC 2231 key like "filename*1*" into its name,
// section number (-1 when absent) and whether the value is charset-encoded.
func splitParamKey(key string) (name string, section int, encoded bool) {
	name, rest, ok := strings.Cut(key, "*")
	if !ok {
		return key, -1, false
	}
	if rest == "" {
		return name, -1, true
	}
	num, star := strings.CutSuffix(rest, "*")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 1000 {
		return key, -1, false
	}
	return name, n, star
}

// toUTF8 converts s from the named charset when it is not UTF-8 already.
func toUTF8(s, charset string) string {
	cs := strings.ToLower(strings.TrimSpace(charset))
	if cs == "" || cs == "utf-8" || cs == "us-ascii" || message.CharsetReader == nil {
		return s
	}
	r, err := message.CharsetReader(cs, strings.NewReader(s))
	if err != nil || r == nil {
		return s
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return s
	}
	return string(out)
}
