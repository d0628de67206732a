package rules

import (
	"fmt"
	"strings"
)

// checkAPICallResponse fires for an API error whose mail lacks the exact call
// (an HTTP method with a path or URL, or a curl command) or the server's
// response (an HTTP status or a response body), in the customer's own
// words or in attached text files named for them (see apiAttachments).
// methodFirst opens a pasted request: "PATCH /v1/tarifas/3 {...}".
var methodFirst = mustPattern(`^(?:GET|POST|PUT|PATCH|DELETE)\s+\S`)

// withoutCalls returns the folded text of the units that are not the call
// itself, so that the JSON body of a curl command is not taken for the
// server's response.
func withoutCalls(units []unit) string {
	var b strings.Builder
	for _, u := range units {
		t := strings.TrimSpace(u.text)
		if strings.HasPrefix(strings.ToLower(t), "curl ") || methodFirst.MatchString(t) {
			continue // a pasted command or request, its body included
		}
		b.WriteString(fold(apiCall.ReplaceAllString(t, " ")))
		b.WriteString("\n")
	}
	return b.String()
}

func checkAPICallResponse(in *input) *Finding {
	if in.category != APIError {
		return nil
	}
	call := apiCall.MatchString(in.subject) || apiCall.MatchString(in.own) || apiCall.MatchString(in.passed)
	rest := withoutCalls(in.units)
	response := len(statusCodes(in.foldSubject+" .\n"+rest)) > 0 || responseBody.MatchString(rest)
	attCall, attResponse := apiAttachments(in.msg.Attachments)
	if attCall != "" {
		in.note(RuleAPICallResponse, false, "call in "+attCall)
	}
	if attResponse != "" {
		in.note(RuleAPICallResponse, false, "response in "+attResponse)
	}
	call = call || attCall != ""
	response = response || attResponse != ""
	var msg Text
	switch {
	case call && response:
		return nil
	case call:
		msg = Text{
			EN: "To investigate an API error we need the exact call and the server's response; your message does not include the response.",
			ES: "Para investigar un error de la API necesitamos la llamada exacta y la respuesta del servidor; su mensaje no incluye la respuesta.",
		}
	case response:
		msg = Text{
			EN: "To investigate an API error we need the exact call and the server's response; your message does not include the call.",
			ES: "Para investigar un error de la API necesitamos la llamada exacta y la respuesta del servidor; su mensaje no incluye la llamada.",
		}
	default:
		msg = Text{
			EN: "To investigate an API error we need the exact call and the server's response; your message includes neither.",
			ES: "Para investigar un error de la API necesitamos la llamada exacta y la respuesta del servidor; su mensaje no incluye ninguna de las dos.",
		}
	}
	in.note(RuleAPICallResponse, true, fmt.Sprintf("call given: %v, response given: %v", call, response))
	return &Finding{
		Rule:    RuleAPICallResponse,
		Outcome: NeedsInfo,
		Message: msg,
		Request: Text{
			EN: "Reply to this email with the exact request (the HTTP method and URL, for example POST /v1/orders, or the curl command, with its body) " +
				"and the full response (HTTP status and body). Remove passwords and tokens first.",
			ES: "Responda a este correo con la petición exacta (el método HTTP y la URL, por ejemplo POST /v1/orders, o el comando curl, con su cuerpo) " +
				"y la respuesta completa (código HTTP y cuerpo). Elimine antes contraseñas y tokens.",
		},
	}
}
