package intake

import (
	"net/url"
	"regexp"
	"strings"
)

// maxURLLen drops absurd "URLs" (base64 blobs, tracking monsters).
const maxURLLen = 2048

var textURLRE = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'\x60{}|\\^]+`)

// textURLs returns the http(s) URLs written in plain text, in order.
func textURLs(s string) []string {
	var out []string
	for _, u := range textURLRE.FindAllString(s, -1) {
		if u = cleanURL(u); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// cleanURL trims the punctuation that ends the sentence around a URL
// (`.`, `,`, `)` without its `(`, `>`...) and returns "" for anything that is
// not an absolute http(s) URL with a host.
func cleanURL(u string) string {
	for u != "" {
		c := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?'\"*>`", c) >= 0:
			u = u[:len(u)-1]
			continue
		case c == ')' && strings.Count(u, "(") < strings.Count(u, ")"),
			c == ']' && strings.Count(u, "[") < strings.Count(u, "]"),
			c == '}' && strings.Count(u, "{") < strings.Count(u, "}"):
			u = u[:len(u)-1]
			continue
		}
		break
	}
	if len(u) > maxURLLen || strings.ContainsAny(u, " \t\r\n") {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return ""
	}
	scheme := strings.ToLower(p.Scheme)
	if scheme != "http" && scheme != "https" {
		return ""
	}
	return scheme + u[len(p.Scheme):]
}

// collectURLs returns the distinct URLs of lists, in order of first
// appearance, at most max of them, and how many were left out.
func collectURLs(max int, lists ...[]string) ([]string, int) {
	seen := map[string]bool{}
	var out []string
	omitted := 0
	for _, l := range lists {
		for _, u := range l {
			if seen[u] {
				continue
			}
			seen[u] = true
			if len(out) >= max {
				omitted++
				continue
			}
			out = append(out, u)
		}
	}
	return out, omitted
}
