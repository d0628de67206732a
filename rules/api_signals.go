package rules

import (
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/intake"
)

// apiCall matches the exact call of an API request in the customer's own
// words (not folded: the HTTP method must be upper case, so the English
// "get /" of a sentence does not count): a method followed by a path or a
// URL ("POST /v1/orders", "GET https://api.example.com/v1/orders?id=3"), or
// a curl command.
var apiCall = mustPattern(`"method"\s*:\s*"(?:GET|POST|PUT|PATCH|DELETE)"|"url"\s*:\s*"https?://|\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(?:https?://\S+|/\S*)|(?i:\bcurl\s+(?:-|'|"|https?://))`)

// httpStatus matches an HTTP status in folded text and captures its code:
// "HTTP/1.1 500", "status 422", "status code: 404", "error 500", "returns 401",
// "código de estado 400", "devuelve 500", `"status": 500`, "400 bad request".
var httpStatus = mustPattern(`\bhttp/[0-9.]+\s+([1-5][0-9][0-9])\b` +
	`|\b(?:status|status code|code|codigo|codigo de estado|estado|error|return|returns|returned|devuelve|devolvio|responde|respondio|respuesta)\s*[:=]?\s*([1-5][0-9][0-9])\b` +
	`|"(?:status|statuscode|status_code|code)"\s*:\s*"?([1-5][0-9][0-9])\b` +
	`|\b([1-5][0-9][0-9])\s+(?:bad request|unauthorized|payment required|forbidden|not found|method not allowed|not acceptable|request timeout|conflict|gone|payload too large|unsupported media type|unprocessable entity|unprocessable content|too many requests|internal server error|not implemented|bad gateway|service unavailable|gateway timeout)\b`)

// responseBody matches a response body pasted into the text: a JSON object
// (`{"error": ...`) or an XML/SOAP error document.
var responseBody = mustPattern(`\{\s*"[^"\n]{1,200}"\s*:|<\?xml|<(?:error|errors|fault|soap:fault|soap:envelope)\b`)

// statusWindow is how far on either side of a three-digit number
// statusCodes runs httpStatus: well past the longest words that make the
// number a status ("codigo de estado: " before it, "unprocessable content"
// after it) in folded text, where white space is collapsed.
const statusWindow = 64

// maxStatusMatches bounds the codes statusCodes collects.
const maxStatusMatches = 20

// statusCodes returns the HTTP status codes mentioned in folded text. It
// runs httpStatus only on the stretches of text around numbers that could
// be a status (windows cut where a word ends, merged when they overlap),
// not on the whole text: most mail holds few such numbers, and running
// the expression over every position of the text was the costliest step
// of judging a message. It finds what the expression finds on the whole
// text, except a match longer than statusWindow.
func statusCodes(folded string) []int {
	var codes []int
	matches := 0
	lo, hi := -1, -1 // the window being grown
	flush := func() {
		if lo < 0 || matches >= maxStatusMatches {
			return
		}
		for _, m := range httpStatus.FindAllStringSubmatch(folded[lo:hi], maxStatusMatches-matches) {
			matches++
			for _, g := range m[1:] {
				if g == "" {
					continue
				}
				if n, err := strconv.Atoi(g); err == nil {
					codes = append(codes, n)
				}
			}
		}
	}
	for p := nextStatusCandidate(folded, 0); p >= 0; p = nextStatusCandidate(folded, p+3) {
		from, to, ok := statusWindowAround(folded, p)
		if !ok {
			continue
		}
		if lo >= 0 && from <= hi {
			hi = max(hi, to)
			continue
		}
		flush()
		lo, hi = from, to
	}
	flush()
	return codes
}

// nextStatusCandidate returns the offset of the next number at or after
// from that could be an HTTP status: three digits, the first 1 to 5, not
// inside a longer number and not followed by a letter or digit; -1 if none.
func nextStatusCandidate(s string, from int) int {
	for i := from; i+3 <= len(s); i++ {
		if s[i] < '1' || s[i] > '5' || !isDigit(s[i+1]) || !isDigit(s[i+2]) {
			continue
		}
		if i > 0 && isDigit(s[i-1]) {
			continue
		}
		if i+3 < len(s) && isASCIIWord(s[i+3]) {
			continue
		}
		return i
	}
	return -1
}

// statusWindowAround returns the stretch of s around the number at p that
// statusCodes runs httpStatus on. Its ends fall outside words (or at the
// ends of s), so that \b means there what it means in the whole text.
// It reports false when the number ends a run of letters and digits longer
// than the window: no word of httpStatus can then start on a word boundary
// before the number, nor can the number start a word, so nothing matches.
func statusWindowAround(s string, p int) (from, to int, ok bool) {
	from = max(p-statusWindow, 0)
	// Start on a byte that is not part of a word (or at 0): every \b of
	// httpStatus comes before a word character, so it means there what it
	// means in the whole text, and a match may start on that byte (the
	// quote of "status":).
	for from > 0 && from < p && isASCIIWord(s[from]) {
		from++
	}
	if from == p && p > 0 && isASCIIWord(s[p-1]) {
		return 0, 0, false
	}
	to = min(p+3+statusWindow, len(s))
	for to < len(s) && to > p+3 && isASCIIWord(s[to]) {
		to--
	}
	return from, to, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isASCIIWord reports whether c is a word character as regexp's \b sees it.
func isASCIIWord(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// hasErrorStatus reports whether any code is an HTTP error (400 or more).
func hasErrorStatus(codes []int) bool {
	for _, c := range codes {
		if c >= 400 {
			return true
		}
	}
	return false
}

// apiTextExtensions are the text files customers attach in place of what
// they cannot paste.
var apiTextExtensions = map[string]bool{
	".txt": true, ".json": true, ".log": true, ".xml": true, ".http": true,
	".sh": true, ".curl": true, ".har": true, ".md": true, ".out": true,
}

// apiAttachments tells which attachments carry the call and the response,
// judged by what they hold (Attachment.Text, read by intake), not by their
// names: a file named request.txt that holds something else counts for
// nothing. A browser recording (.har) holds both when its text shows a
// request and a response, or when it was too large to be read.
func apiAttachments(atts []intake.Attachment) (call, response string) {
	for _, a := range atts {
		ext := extension(a)
		isHAR := ext == ".har" || mediaType(a) == "application/har+json"
		if !isHAR && !apiTextExtensions[ext] && !strings.HasPrefix(mediaType(a), "text/") && mediaType(a) != "application/json" {
			continue
		}
		if isCSV(a) {
			continue
		}
		name := attachmentName(a)
		if isHAR && (a.Text == "" || strings.Contains(a.Text, `"request"`) && strings.Contains(a.Text, `"response"`)) {
			if call == "" {
				call = name
			}
			if response == "" {
				response = name
			}
			continue
		}
		if a.Text == "" {
			continue
		}
		text := truncate(a.Text, maxAnalyzedBytes)
		if call == "" && apiCall.MatchString(text) {
			call = name
		}
		if response == "" {
			f := fold(text)
			if len(statusCodes(f)) > 0 || responseBody.MatchString(f) {
				response = name
			}
		}
	}
	return call, response
}
