package receipt

import (
	"strings"
	"unicode/utf8"
)

// textWidth is where plain-text paragraphs are wrapped.
const textWidth = 72

// renderText writes the text/plain alternative of lt.
func renderText(lt *letter) string {
	var b strings.Builder
	para := func(s string) {
		b.WriteString(s)
		b.WriteString("\n\n")
	}
	if lt.Greeting != "" {
		para(lt.Greeting)
	}
	for _, bl := range lt.Blocks {
		if bl.Heading != "" {
			b.WriteString(bl.Heading)
			b.WriteString("\n")
		}
		if bl.Text != "" {
			para(wrap(bl.Text, "", ""))
		}
		if len(bl.Facts) > 0 {
			for _, f := range bl.Facts {
				b.WriteString(wrap(f.Label+": "+f.Value, "", "  "))
				b.WriteString("\n")
			}
			b.WriteString("\n")
		}
		if len(bl.Items) > 0 {
			for _, it := range bl.Items {
				b.WriteString(wrap(it.Text, "- ", "  "))
				b.WriteString("\n")
				if it.Detail != "" {
					b.WriteString(wrap(it.Detail, "  ", "  "))
					b.WriteString("\n")
				}
			}
			b.WriteString("\n")
		}
		if bl.Quote != "" {
			for _, line := range strings.Split(bl.Quote, "\n") {
				b.WriteString(strings.TrimRight("> "+line, " "))
				b.WriteString("\n")
			}
			b.WriteString("\n")
		}
	}
	if lt.Closing != "" {
		b.WriteString(lt.Closing)
		b.WriteString("\n")
	}
	b.WriteString(lt.Signature)
	b.WriteString("\n")
	return b.String()
}

// wrap breaks each line of s at spaces so lines stay within textWidth runes
// where words allow. The first line starts with first, the others with rest.
func wrap(s, first, rest string) string {
	var b strings.Builder
	prefix := first
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(prefix)
		width := utf8.RuneCountInString(prefix)
		start := width
		for _, w := range strings.Fields(line) {
			n := utf8.RuneCountInString(w)
			if width > start && width+1+n > textWidth {
				b.WriteString("\n")
				b.WriteString(rest)
				width = utf8.RuneCountInString(rest)
				start = width
			} else if width > start {
				b.WriteString(" ")
				width++
			}
			b.WriteString(w)
			width += n
		}
		prefix = rest
	}
	return b.String()
}
