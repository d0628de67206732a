package rules

import (
	"strings"
)

// selfServiceRequest is a request of something the customer's own
// administrators can do (verb and object within a few words).
var selfServiceRequest = mustPattern(`\b(?:create|add|set up|setup|remove|delete|deactivate|disable|reactivate|enable|reset|change|update|replace|rename|unlock|invite|grant|revoke|assign|crear|crea|dar de alta|alta de|anadir|agregar|eliminar|borrar|dar de baja|baja de|desactivar|reactivar|activar|restablecer|resetear|reiniciar|cambiar|actualizar|sustituir|reemplazar|renombrar|desbloquear|invitar|quitar|asignar|modificar)(?:le|les|lo|la|los|las|me|nos)?\b[^.?!\n]{0,48}?\b(?:users?|accounts?|logins?|passwords?|2fa|two[- ]factor|mfa|multi[- ]factor|authenticator|logo|logos|email address|e-mail address|role|roles|permissions?|access rights|admin rights|workspace name|company name|branding|colou?rs?|time ?zone|signers?|seats?|workspaces?|team name|usuarios?|espacio de trabajo|usuarias?|cuentas?|contrasenas?|claves? de acceso|doble factor|segundo factor|autenticacion|verificacion en dos pasos|logotipo|correo electronico|direccion de correo|rol|roles|permisos?|nombre de la empresa|colores|zona horaria|firmantes?|licencias?)\b`)

// selfServiceAsk asks for a role or access to be given: "necesito que su
// usuario tenga el rol de Jefe de tráfico", "give Ana admin rights".
var selfServiceAsk = mustPattern(`\b(?:need|needs|will need|necesitan|necesita|necesitaran|necesitarán)\b[^.?!]{0,30}\b(?:accounts?|logins?|access to|cuentas?|usuarios? nuevos?|acceso a)\b|\b(?:tenga|tengan|have|has|give|gives|dar|darle|darles|ponerle|ponerles|poner|set|make)\b[^.?!]{0,40}\b(?:rol|role|permisos?|permissions?|acceso de|admin rights|access rights|administrador|admin)\b`)

// selfServiceChange is a change the customer states and asks to apply:
// "Luca is now l.bianchi@acme.example, please update".
var selfServiceChange = mustPattern(`\b(?:new|nuevo|nueva) (?:[\w-]+ ){0,3}(?:logo|logotipo|logos)\b|\b(?:logo|logotipo) (?:nuevo|new)\b|[\w.+-]+@[\w-]+\.[\w.]+[^.?!]{0,40}\b(?:please (?:update|change|correct)|update (?:it|that|him|her|please)|por favor (?:actualiza|cambia|modifica)|actualizadlo|cambiadlo)`)

// selfServiceGate holds the objects without which selfServiceRequest
// cannot match.
var selfServiceGate = gated{any: []string{"user", "usuari", "account", "cuenta", "password", "contrasen", "clave",
	"login", "2fa", "factor", "mfa", "authenticator", "autentica", "logo", "email", "e-mail", "correo", "role", "rol",
	"permis", "rights", "workspace", "espacio", "company name", "nombre de la empresa", "branding", "color", "colour",
	"time zone", "timezone", "zona horaria", "signer", "firmante", "seat", "licencia", "verificacion", "direccion"}}

// selfServiceVerbGate holds the verbs without which selfServiceRequest
// cannot match.
var selfServiceVerbGate = gated{any: []string{"create", "add", "set", "remove", "delete", "deactivate", "disable",
	"enable", "reset", "change", "update", "replace", "rename", "unlock", "invite", "grant", "revoke", "assign",
	"crea", "alta", "anadir", "agregar", "eliminar", "borrar", "baja", "activar", "restablecer", "resetear",
	"reiniciar", "cambiar", "actualizar", "sustituir", "reemplazar", "renombrar", "desbloquear", "invitar", "quitar",
	"asignar", "modificar"}}

// selfServiceRequest returns the first sentence that asks for something
// the customer's administrators can do alone, or "".
func (in *input) selfServiceRequest() string {
	kwSelf := in.kw.selfService.matchWords(in.words)
	changeMay := strings.Contains(in.text, "logo") || strings.Contains(in.text, "@")
	for _, s := range in.allSentences() {
		if howTo.MatchString(s.fold) {
			continue // "how do I reset a user's 2FA?" asks how, not for it
		}
		object := in.may(&selfServiceGate, s.fold)
		asks := func(p *pattern) bool {
			loc := p.FindStringIndex(s.fold)
			return loc != nil && !notForSupport(s.fold, loc[0])
		}
		if object && in.may(&selfServiceVerbGate, s.fold) && !isHypothetical(s.fold) && asks(selfServiceRequest) ||
			kwSelf && in.asksForKeyword(s.fold) ||
			changeMay && asks(selfServiceChange) ||
			object && asks(selfServiceAsk) {
			return s.text
		}
	}
	return ""
}

// asksForKeyword reports whether the folded sentence f holds a configured
// self-service phrase that asks for it to be done.
func (in *input) asksForKeyword(f string) bool {
	for _, sp := range in.kw.selfService.spans(f) {
		if !notForSupport(f, sp[0]) {
			return true
		}
	}
	return false
}

// notForSupport reports whether the request-like words found at in the
// folded sentence f do not ask support to do anything: a piece of
// know-how ("I only found how to add signers"), the label of a button (an
// "Invite user" button), or a question about who does it ("Restablecer el
// doble factor: ¿nosotros o vosotros?") or about what the customer can or
// must do ("can we change that retention period ourselves?", "do we still
// have to change it by hand?", "does a separate legal entity need a
// separate account?", "¿podemos cambiar nosotros el rol?"). "Can you reset
// her 2FA?", "Could we ask you to reset it?" and "¿podéis cambiar el
// logo?" ask support, and stay requests.
func notForSupport(f string, at int) bool {
	before := f[max(0, at-60):at]
	if knowHowBefore.MatchString(before) || strings.HasSuffix(before, "\"") {
		return true // know-how, or the label of a button: an "Invite user" button
	}
	if !strings.HasSuffix(strings.TrimSpace(f), "?") {
		return false
	}
	if whoDoesIt.MatchString(f) {
		return true
	}
	if askingSupport.MatchString(f[:at]) {
		return false
	}
	return whetherBefore.MatchString(before) || possibleBefore.MatchString(before) && anyOneAfter(f[at:])
}

// anyOneAfter reports whether the verb that opens rest acts on any one
// thing rather than a given one: "renombrar un espacio de trabajo", "add a
// user", against "restablecer el doble factor de Marta".
func anyOneAfter(rest string) bool {
	words := strings.Fields(truncate(rest, 80))
	if len(words) < 2 {
		return false
	}
	switch words[1] {
	case "a", "an", "any", "un", "una", "unos", "unas", "algun", "alguna", "nuevos", "nuevas", "new":
		return true
	}
	return false
}

var (
	// knowHowBefore puts a verb in a piece of know-how: "found how to add".
	knowHowBefore = mustPattern(`\b(?:how to|how do (?:i|we|you)|how can (?:i|we)|como se|como (?:puedo|podemos|hay que)|la forma de|the way to|(?:the|an|any) (?:option|button|setting|menu entry) to|(?:la|una|alguna) opcion (?:de|para)|(?:el|un|algun) boton (?:de|para))\s+$`)
	// whetherBefore asks whether the customer can, may or must do
	// something, or whether something is needed ("does it need", "¿hace
	// falta?"). "Is it possible to reset ...?" and "¿se puede restablecer
	// ...?" are left out: customers ask support that way too.
	whetherBefore = mustPattern(`\b(?:can we|can i|could we|could i|are we able to|am i able to|may we|do we|do i|does|did|should we|should i|must we|podemos|puedo|tenemos que|hay que|debemos|hace falta|necesitamos|necesita)\b`)
	// possibleBefore asks whether something can be done at all: about any
	// one thing a question ("¿se puede renombrar un espacio de trabajo?"),
	// about a given one a request ("is it possible to reset Bob's 2FA?").
	possibleBefore = mustPattern(`\b(?:is it possible|is there a way|se puede|es posible|hay forma de|hay manera de|hay alguna forma de|hay alguna manera de)\b`)
	// whoDoesIt asks who does something rather than for it to be done:
	// "Restablecer el doble factor: ¿nosotros o vosotros?", "who resets it?".
	whoDoesIt = mustPattern(`\b(?:nosotros o vosotros|vosotros o nosotros|nosotros o ustedes|ustedes o nosotros|ourselves or|us or you|you or us|we or you|you or we)\b|^(?:¿\s*)?(?:quien|who)\b`)
	// askingSupport turns the question to support: "can you", "¿podéis?".
	askingSupport = mustPattern(`\b(?:can you|could you|would you|will you|are you able|ask you|please|podeis|podrias|podriais|podria|podrian|puedes|pueden|por favor|os pido|te pido|le pido|os pedimos|le pedimos|pediros|pedirle|pedirles|necesito que|necesitamos que)\b`)
)

// onlyRequest reports whether every statement of malfunction lies in the
// self-service request itself ("Please deactivate his user so he can no
// longer sign in"; "que tenga el rol de Jefe en lugar de Conductor").
func onlyRequest(ms []statement, req string) bool {
	for _, s := range ms {
		if isHardFailure(s.symptom) || hasErrorStatus(statusCodes(s.fold)) {
			return false // "resetting the password shows error 500" is an incident
		}
		if s.text != req && !selfServiceGate.may(s.fold) {
			return false
		}
		if s.text != req && !selfServiceRequest.MatchString(s.fold) && !selfServiceAsk.MatchString(s.fold) {
			return false
		}
	}
	return true
}

// onlyAccessLoss reports whether every statement only says someone lost
// access, which a self-service reset resolves.
func onlyAccessLoss(ms []statement) bool {
	for _, s := range ms {
		if !accessLoss.MatchString(s.fold) {
			return false
		}
	}
	return true
}
