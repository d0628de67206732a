package rules

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/intake"
)

// apiCall matches the exact call of an API request in the customer's own
// words (not folded: the HTTP method must be upper case, so the English
// "get /" of a sentence does not count): a method followed by a path or a
// URL ("POST /v1/orders", "GET https://api.example.com/v1/orders?id=3"), or
// a curl command.
var apiCall = regexp.MustCompile(`\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(?:https?://\S+|/\S*)|(?i:\bcurl\s+(?:-|'|"|https?://))`)

// httpStatus matches an HTTP status in folded text and captures its code:
// "HTTP/1.1 500", "status 422", "status code: 404", "error 500", "returns 401",
// "código de estado 400", "devuelve 500", `"status": 500`, "400 bad request".
var httpStatus = regexp.MustCompile(`\bhttp/[0-9.]+\s+([1-5][0-9][0-9])\b` +
	`|\b(?:status|status code|code|codigo|codigo de estado|estado|error|return|returns|returned|devuelve|devolvio|responde|respondio|respuesta)\s*[:=]?\s*([1-5][0-9][0-9])\b` +
	`|"(?:status|statuscode|status_code|code)"\s*:\s*"?([1-5][0-9][0-9])\b` +
	`|\b([1-5][0-9][0-9])\s+(?:bad request|unauthorized|payment required|forbidden|not found|method not allowed|not acceptable|request timeout|conflict|gone|payload too large|unsupported media type|unprocessable entity|unprocessable content|too many requests|internal server error|not implemented|bad gateway|service unavailable|gateway timeout)\b`)

// responseBody matches a response body pasted into the text: a JSON object
// (`{"error": ...`) or an XML/SOAP error document.
var responseBody = regexp.MustCompile(`\{\s*"[^"\n]{1,200}"\s*:|<\?xml|<(?:error|errors|fault|soap:fault|soap:envelope)\b`)

// statusCodes returns the HTTP status codes mentioned in folded text.
func statusCodes(folded string) []int {
	var codes []int
	for _, m := range httpStatus.FindAllStringSubmatch(folded, 20) {
		for _, g := range m[1:] {
			if g == "" {
				continue
			}
			if n, err := strconv.Atoi(g); err == nil {
				codes = append(codes, n)
			}
		}
	}
	return codes
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

// Text attachments that stand in for the call or the response. Customers
// often attach what they cannot paste; the file name says what it is:
//   - a .har file (browser network export) holds both the call and the response;
//   - a text file (.txt .json .log .xml .http .sh .curl) whose name mentions
//     the request ("request", "call", "curl", "peticion", "solicitud",
//     "llamada") counts as the call;
//   - one whose name mentions the response ("response", "respuesta", "error",
//     "output", "salida", "log"), or any .log, .json or .xml file without a
//     hint, counts as the response (that is what people attach);
//   - a .txt without a hint counts as neither: it could be anything.
var (
	apiTextExtensions = map[string]bool{
		".txt": true, ".json": true, ".log": true, ".xml": true, ".http": true,
		".sh": true, ".curl": true,
	}
	callNameHints     = []string{"request", "call", "curl", "peticion", "solicitud", "llamada"}
	responseNameHints = []string{"response", "respuesta", "error", "output", "salida", "log"}
)

// apiAttachments tells whether the attachments carry the call and the
// response, by the rules above.
func apiAttachments(atts []intake.Attachment) (call, response bool) {
	for _, a := range atts {
		ext := extension(a)
		if ext == ".har" || mediaType(a) == "application/har+json" {
			call, response = true, true
			continue
		}
		if !apiTextExtensions[ext] {
			continue
		}
		name := fold(a.Filename)
		hintCall := containsAny(name, callNameHints)
		hintResp := containsAny(name, responseNameHints)
		if hintCall {
			call = true
		}
		if hintResp || (!hintCall && (ext == ".log" || ext == ".json" || ext == ".xml")) {
			response = true
		}
	}
	return call, response
}

// containsAny reports whether s contains any of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
