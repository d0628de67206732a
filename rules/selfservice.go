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
		if in.may(&selfServiceGate, s.fold) && in.may(&selfServiceVerbGate, s.fold) && selfServiceRequest.MatchString(s.fold) && !howTo.MatchString(s.fold) && !isHypothetical(s.fold) {
			return s.text
		}
		if (kwSelf && in.kw.selfService.match(s.fold) || changeMay && selfServiceChange.MatchString(s.fold) || in.may(&selfServiceGate, s.fold) && selfServiceAsk.MatchString(s.fold)) && !howTo.MatchString(s.fold) {
			return s.text
		}
	}
	return ""
}

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
