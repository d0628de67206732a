package rules

import "strings"

// checkSenderAuthorized fires when the From address is no contact of any
// organization: only authorized contacts may open tickets.
func checkSenderAuthorized(in *input) *Finding {
	if in.contact != nil {
		return nil
	}
	addr := truncate(strings.TrimSpace(in.msg.From.Addr), 254)
	return &Finding{
		Rule:    RuleSenderAuthorized,
		Outcome: Rejected,
		Message: Text{
			EN: "We cannot register your message: " + addr + " is not an authorized support contact of any of our customers. " +
				"Please ask your organization's support coordinator to add this address, or write to us from an authorized address.",
			ES: "No podemos registrar su mensaje: " + addr + " no es un contacto de soporte autorizado de ninguno de nuestros clientes. " +
				"Pida al responsable de soporte de su organización que dé de alta esta dirección, o escríbanos desde una dirección autorizada.",
		},
	}
}

// checkChannel fires when the sender is a contact but the organization's
// plan does not include support by email.
func checkChannel(in *input) *Finding {
	if in.org == nil || in.org.hasMethod("email") {
		return nil
	}
	en, es := methodList(in.org.ContactMethods)
	msg := Text{
		EN: "We cannot register your message: the support plan of " + orgLabel(in.org) + " does not include support by email.",
		ES: "No podemos registrar su mensaje: el plan de soporte de " + orgLabel(in.org) + " no incluye soporte por correo electrónico.",
	}
	if en == "" {
		msg.EN += " Please contact your account manager."
		msg.ES += " Póngase en contacto con su gestor de cuenta."
	} else {
		msg.EN += " Please contact us by " + en + "."
		msg.ES += " Contacte con nosotros por " + es + "."
	}
	return &Finding{Rule: RuleChannelIncluded, Outcome: Rejected, Message: msg}
}

// orgLabel names an organization for the customer.
func orgLabel(org *Organization) string {
	if org.Name != "" {
		return org.Name
	}
	return org.ID
}

// methodNames translates the usual contact methods; others are shown as
// configured.
var methodNames = map[string]Text{
	"phone":  {EN: "phone", ES: "teléfono"},
	"portal": {EN: "the support portal", ES: "el portal de soporte"},
	"chat":   {EN: "chat", ES: "chat"},
	"email":  {EN: "email", ES: "correo electrónico"},
}

// methodList joins the contact methods into "phone or the support portal"
// in each language.
func methodList(methods []string) (en, es string) {
	var ens, ess []string
	for _, m := range methods {
		m = strings.ToLower(strings.TrimSpace(m))
		if m == "" {
			continue
		}
		t, ok := methodNames[m]
		if !ok {
			t = Text{EN: m, ES: m}
		}
		ens = append(ens, t.EN)
		ess = append(ess, t.ES)
	}
	return joinOr(ens, "or"), joinOr(ess, "o")
}

// joinOr joins words as "a, b or c".
func joinOr(words []string, or string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + or + " " + words[len(words)-1]
}
