package receipt

import "github.com/ticketd/ticketd/rules"

// phrases holds every fixed sentence of the emails in one language. Verbs
// marked %s or %d take customer or ticket data; nothing here is markup.
type phrases struct {
	noSubject string

	helloName, hello string // "Hello %s,"
	closing, team    string

	labelTicket, labelStatus, labelCategory string
	statusOpen, statusNeedsInfo             string
	categories                              map[rules.Category]string

	receiptOpen, receiptNeedsInfo string // %s: ticket number
	missingHeading                string
	whatToSend                    string // %s: Finding.Request
	replyToComplete               string
	noSLA                         string
	notesHeading                  string
	replyToAdd                    string

	quotaUsage       string // %d used, %d included, %s the period with its preposition (planPeriod)
	quotaOverUsed    string // the same, over the plan
	quotaDeducted    string
	quotaWarranty    string
	quotaOverPlan    string
	quotaSelfService string

	rejectIntro         string
	reasonAuthorized    string // %s: the sender's address
	reasonChannelOrg    string // %s: organization
	reasonChannel       string
	reasonPlanExhausted string
	reasonAuthentic     string // %s: the sender's address
	howToReachHeading   string
	confirmation        string // %s: ticket number
	confirmationHandled string
	stillMissing        string // %s: ticket number
	ack                 string // %s: ticket number

	quoteHeading string

	rejectSubject, heldSubject string
	heldIntro, heldReview      string

	agentReplyFooter string // %s: ticket number
	closingText      string // %s: ticket number
	closingAgain     string
	reminderText     string // %s: ticket number
}

var english = &phrases{
	noSubject: "(no subject)",

	helloName: "Hello %s,",
	hello:     "Hello,",
	closing:   "Kind regards,",
	team:      "The support team",

	labelTicket:     "Ticket",
	labelStatus:     "Status",
	labelCategory:   "Category",
	statusOpen:      "Open",
	statusNeedsInfo: "Waiting for information from you",
	categories: map[rules.Category]string{
		rules.Incident:    "Incident",
		rules.APIError:    "API error",
		rules.Upload:      "Data upload",
		rules.Document:    "Document",
		rules.SelfService: "Self-service request",
		rules.Question:    "Question",
	},

	receiptOpen:      "We have registered your request as ticket %s. It is complete and our team will handle it.",
	receiptNeedsInfo: "We have registered your request as ticket %s, but we need more information before we can start working on it.",
	missingHeading:   "What is missing:",
	whatToSend:       "What to send: %s",
	replyToComplete:  "Please reply to this email with the missing information, keeping the ticket number in the subject.",
	noSLA:            "No service-level time (SLA) runs while information is missing: it starts when the ticket is complete.",
	notesHeading:     "Please note:",
	replyToAdd:       "To add information, reply to this email and keep the ticket number in the subject.",

	quotaUsage:       "You have now used %d of the %d tickets included in your plan %s.",
	quotaOverUsed:    "You have now used %d tickets, more than the %d included in your plan %s: this ticket is registered and billed beyond the plan.",
	quotaDeducted:    "This ticket is deducted from your plan.",
	quotaWarranty:    "This is a warranty ticket: it does not count among the tickets included in your plan.",
	quotaOverPlan:    "Your plan's included tickets for this period are used up: this ticket is registered and billed beyond the plan.",
	quotaSelfService: "This is a request you can do yourself in the application; it is deducted from your plan like any other ticket.",

	rejectIntro:         "We received your message, but we cannot register it as a support ticket.",
	reasonAuthorized:    "The address %s is not an authorized support contact of any customer organization.",
	reasonChannelOrg:    "The support plan of %s does not include support by email.",
	reasonPlanExhausted: "Your organization has used all the tickets included in its support plan for this period, and its plan does not allow tickets beyond them.",
	reasonChannel:       "Your organization's support plan does not include support by email.",
	reasonAuthentic:     "We could not verify that this message was really sent from %s, so we cannot accept it as a ticket.",
	howToReachHeading:   "How to reach support:",
	confirmation:        "Thank you. Ticket %s now has all the information we need: its status is now open and the service-level time (SLA) has started.",
	confirmationHandled: "Our team will handle it.",
	stillMissing:        "Thank you for your reply. We have added it to ticket %s, but some information is still missing.",
	ack:                 "We have added your message to ticket %s. You do not need to do anything else; our team will take it into account.",

	quoteHeading: "Your message:",

	rejectSubject:    "Your message to support could not be registered",
	heldSubject:      "Your message to support is held for review",
	heldIntro:        "We received your message. Your address has sent us more new requests in the last hour than we register automatically, so this message and any further new ones this hour are held for review by our support team.",
	heldReview:       "You do not need to send them again: once reviewed, each is registered and you receive its ticket number.",
	agentReplyFooter: "Ticket %s. To answer, reply to this email and keep the ticket number in the subject.",
	closingText:      "Ticket %s is now closed.",
	closingAgain:     "If you need anything else, write to us: a new email starts a new ticket.",
	reminderText:     "Ticket %s is still waiting for information from you. We cannot start working on it until we have it.",
}

var spanish = &phrases{
	noSubject: "(sin asunto)",

	helloName: "Estimado/a %s:",
	hello:     "Estimado/a cliente:",
	closing:   "Atentamente,",
	team:      "El equipo de soporte",

	labelTicket:     "Ticket",
	labelStatus:     "Estado",
	labelCategory:   "Categoría",
	statusOpen:      "Abierto",
	statusNeedsInfo: "Pendiente de información por su parte",
	categories: map[rules.Category]string{
		rules.Incident:    "Incidencia",
		rules.APIError:    "Error de API",
		rules.Upload:      "Carga de datos",
		rules.Document:    "Documento",
		rules.SelfService: "Solicitud de autoservicio",
		rules.Question:    "Consulta",
	},

	receiptOpen:      "Hemos registrado su solicitud con el número de ticket %s. Está completa y nuestro equipo se ocupará de ella.",
	receiptNeedsInfo: "Hemos registrado su solicitud con el número de ticket %s, pero necesitamos más información antes de poder empezar a trabajar en ella.",
	missingHeading:   "Información que falta:",
	whatToSend:       "Qué debe enviarnos: %s",
	replyToComplete:  "Le rogamos que responda a este correo con la información que falta, manteniendo el número de ticket en el asunto.",
	noSLA:            "Mientras falte información no corre ningún plazo de servicio (SLA): empezará a contar cuando el ticket esté completo.",
	notesHeading:     "Tenga en cuenta:",
	replyToAdd:       "Si desea añadir información, responda a este correo manteniendo el número de ticket en el asunto.",

	quotaUsage:       "Ha utilizado %d de las %d incidencias incluidas en su plan %s.",
	quotaOverUsed:    "Ha utilizado %d incidencias, más de las %d incluidas en su plan %s: esta incidencia queda registrada y se facturará aparte del plan.",
	quotaDeducted:    "Este ticket se descuenta de su plan.",
	quotaWarranty:    "Esta es una incidencia en garantía: no cuenta entre las incidencias incluidas en su plan.",
	quotaOverPlan:    "Los tickets incluidos en su plan para este periodo ya se han agotado: este ticket queda registrado y se facturará aparte del plan.",
	quotaSelfService: "Esta es una gestión que puede realizar usted mismo en la aplicación; se descuenta de su plan como cualquier otro ticket.",

	rejectIntro:         "Hemos recibido su mensaje, pero no podemos registrarlo como ticket de soporte.",
	reasonAuthorized:    "La dirección %s no figura como contacto de soporte autorizado de ninguna organización cliente.",
	reasonChannelOrg:    "El plan de soporte de %s no incluye la atención por correo electrónico.",
	reasonPlanExhausted: "Su organización ha agotado los tickets incluidos en su plan de soporte para este periodo, y su plan no admite tickets adicionales.",
	reasonChannel:       "El plan de soporte de su organización no incluye la atención por correo electrónico.",
	reasonAuthentic:     "No hemos podido verificar que este mensaje se haya enviado realmente desde %s, por lo que no podemos aceptarlo como ticket.",
	howToReachHeading:   "Cómo contactar con soporte:",
	confirmation:        "Muchas gracias. El ticket %s ya tiene toda la información que necesitamos: su estado ha pasado a abierto y el plazo de servicio (SLA) ha empezado a contar.",
	confirmationHandled: "Nuestro equipo se ocupará de él.",
	stillMissing:        "Gracias por su respuesta. La hemos añadido al ticket %s, pero todavía falta información.",
	ack:                 "Hemos añadido su mensaje al ticket %s. No necesita hacer nada más; nuestro equipo lo tendrá en cuenta.",

	quoteHeading: "Su mensaje:",

	rejectSubject:    "No hemos podido registrar su mensaje al soporte",
	heldSubject:      "Su mensaje al soporte queda retenido para revisión",
	heldIntro:        "Hemos recibido su mensaje. Su dirección nos ha enviado en la última hora más solicitudes nuevas de las que registramos automáticamente, por lo que este mensaje y los nuevos que lleguen en esta hora quedan retenidos para que los revise nuestro equipo de soporte.",
	heldReview:       "No necesita volver a enviarlos: una vez revisados, cada uno se registra y recibirá su número de ticket.",
	agentReplyFooter: "Ticket %s. Para responder, conteste a este correo manteniendo el número de ticket en el asunto.",
	closingText:      "El ticket %s está cerrado.",
	closingAgain:     "Si necesita algo más, escríbanos: un correo nuevo abre un ticket nuevo.",
	reminderText:     "El ticket %s sigue pendiente de información por su parte. No podemos empezar a trabajar en él hasta recibirla.",
}

// lang returns the language e is written in: Spanish or English.
func lang(l rules.Lang) rules.Lang {
	if l == rules.Spanish {
		return rules.Spanish
	}
	return rules.English
}

// phrasesFor returns the sentences for l (English unless Spanish).
func phrasesFor(l rules.Lang) *phrases {
	if lang(l) == rules.Spanish {
		return spanish
	}
	return english
}
