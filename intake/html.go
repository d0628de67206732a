package intake

import (
	"html"
	"regexp"
	"strings"

	"github.com/k3a/html2text"
)

// html2text (k3a, v1.3.0) only knows bare <br> and <p>, drops the text of
// <a> tags, stops output for good after an <a> without href or a stray
// closing </script>, and is quadratic on stray '>'. So the markup is
// prepared first: stripHTMLNoise drops comments, scripts, styles and the
// head; htmlToText escapes stray '>', turns a run of block-level tags into
// one <br> and paragraphs into <p>, and unwraps links to their text (their
// targets are collected separately by htmlURLs).
var (
	htmlStrayRE = regexp.MustCompile(`(?i)</?(script|style|head|title|meta|link|a|html|body|xml)\b[^>]*>`)
	htmlBreakRE = regexp.MustCompile(`(?i)<br\b[^>]*>`)
	htmlBlockRE = regexp.MustCompile(`(?i)(\s*</?(div|tr|table|tbody|thead|tfoot|blockquote|h[1-6]|ul|ol|dl|dt|dd|hr|pre|section|article|header|footer|nav|aside|address|center|form|fieldset|figure|figcaption|main)\b[^>]*>\s*)+`)
	htmlParaRE  = regexp.MustCompile(`(?i)</?p\b[^>]*>`)
	htmlItemRE  = regexp.MustCompile(`(?i)<li\b[^>]*>`)
	htmlCellRE  = regexp.MustCompile(`(?i)</t[dh]\s*>`)
)

// htmlToText converts an HTML body, already stripped by stripHTMLNoise, to
// plain text: block elements become line breaks, entities are decoded.
func htmlToText(s string) string {
	s = escapeStrayGT(s)
	s = htmlStrayRE.ReplaceAllString(s, "")
	s = htmlBreakRE.ReplaceAllString(s, "<br>")
	s = htmlBlockRE.ReplaceAllString(s, "<br>")
	s = htmlParaRE.ReplaceAllString(s, "<p>")
	s = htmlItemRE.ReplaceAllString(s, "<li>")
	s = htmlCellRE.ReplaceAllString(s, " ")
	return html2text.HTML2TextWithOptions(s, html2text.WithUnixLineBreaks(), html2text.WithListSupportPrefix("- "))
}

// stripHTMLNoise removes what never shows as text: comments, and the
// script, style, head and title elements. It scans with plain index
// searches (regular expressions with lazy matching were most of the cost of
// parsing large HTML); an element without its end tag is left alone.
func stripHTMLNoise(s string) string {
	s = removeBetween(s, "<!--", "-->", false)
	for _, name := range []string{"script", "style", "head", "title"} {
		s = removeBetween(s, "<"+name, "</"+name, true)
	}
	return s
}

// removeBetween removes every span from open to the end of close (through
// the next '>' when element is true, else close itself), matching ASCII
// case-insensitively. With element set, open must be followed by the end of
// a tag name.
func removeBetween(s, open, close string, element bool) string {
	lower := asciiLower(s)
	if !strings.Contains(lower, open) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for {
		j := strings.Index(lower[i:], open)
		if j < 0 {
			break
		}
		j += i
		k := j + len(open)
		if element && k < len(lower) && !isTagNameEnd(lower[k]) {
			b.WriteString(s[i:k])
			i = k
			continue
		}
		c := strings.Index(lower[k:], close)
		if c < 0 {
			break
		}
		end := k + c + len(close)
		if element {
			e := strings.IndexByte(lower[end:], '>')
			if e < 0 {
				break
			}
			end += e + 1
		}
		b.WriteString(s[i:j])
		i = end
	}
	b.WriteString(s[i:])
	return b.String()
}

func isTagNameEnd(c byte) bool {
	return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// asciiLower lower-cases ASCII letters only, so byte offsets stay valid.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// htmlLinkRE finds, in document order, href targets and URLs written out in
// the text.
var htmlLinkRE = regexp.MustCompile(`(?i)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))|https?://[^\s<>"']+`)

// htmlURLs returns the http(s) URLs of an HTML body (already stripped by
// stripHTMLNoise), href targets included, in document order.
func htmlURLs(s string) []string {
	var out []string
	for _, m := range htmlLinkRE.FindAllStringSubmatch(s, -1) {
		u := m[0]
		if strings.HasPrefix(strings.ToLower(u), "href") {
			u = m[1] + m[2] + m[3]
		}
		if u = cleanURL(html.UnescapeString(strings.TrimSpace(u))); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// escapeStrayGT escapes every '>' that does not close a tag. html2text takes
// the text between the last '<' and each '>' as a tag, so a run of stray '>'
// would make it rescan an ever longer "tag": quadratic time.
func escapeStrayGT(s string) string {
	if !strayGT(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	inTag := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '<':
			inTag = true
			b.WriteByte(c)
		case c == '>' && !inTag:
			b.WriteString("&gt;")
		case c == '>':
			inTag = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// strayGT reports whether s has a '>' outside a tag.
func strayGT(s string) bool {
	inTag := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			inTag = true
		case '>':
			if !inTag {
				return true
			}
			inTag = false
		}
	}
	return false
}
