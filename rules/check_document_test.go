package rules

import (
	"testing"

	"github.com/ticketd/ticketd/intake"
)

const (
	docURL  = "https://docs.example.com/document/3f2a9c1e-77b0-4d2e-9a51-0c4f5e6d7a8b"
	enDoc   = "The document shows the wrong total since we edited the second line yesterday; the PDF says 1,200 EUR but the lines add up to 1,020 EUR."
	esDoc   = "El documento muestra un total incorrecto desde que ayer editamos la segunda línea; el PDF indica 1.200 EUR pero las líneas suman 1.020 EUR."
	enDocSj = "Wrong total in delivery note"
	esDocSj = "Total incorrecto en el albarán"
)

func urls(u ...string) func(*intake.Message) {
	return func(m *intake.Message) { m.URLs = u }
}

func TestDocumentLink(t *testing.T) {
	runRuleCases(t, RuleDocumentLink, testPolicy(), []ruleCase{
		{"en no link", enMail(subject(enDocSj), own(enDoc)), true},
		{"en link elsewhere", enMail(subject(enDocSj), own(enDoc), urls("https://docs.example.com/help/totals")), true},
		{"en link to another host", enMail(subject(enDocSj), own(enDoc), urls("https://evil.example/document/3f2a")), true},
		{"en link in body urls", enMail(subject(enDocSj), own(enDoc), urls(docURL)), false},
		{"en link written in own text", enMail(subject(enDocSj), own(enDoc+"\nLink: "+docURL+"\n")), false},
		{"en not about a document", enMail(), false},
		{"es sin enlace", esMail(subject(esDocSj), own(esDoc)), true},
		{"es con enlace", esMail(subject(esDocSj), own(esDoc+" Enlace: <"+docURL+">")), false},
		{"es no trata de un documento", esMail(), false},
		{"en quoted screen text is no document", enMail(subject("Signer emails in the wrong language"), attach(), own("Our "+
			"account and the envelope are set to English, but the email the signer gets says \"Tiene un documento pendiente de firma\" "+
			"and the button says \"Revisar documento\". Screenshot attached.")), false},
		{"en a quoted identifier is one document", enMail(subject("Wrong VAT on one invoice"), attach(), own("Invoice "+
			"\"INV-2026-0412\" shows 10 % VAT although the customer is set to 21 %, and only this one does it. Screenshot attached.")), true},
		{"en numbering gaps are no document", enMail(subject("Invoice numbering skips values"), attach(), own("Hi, our "+
			"invoice numbers jumped from ACM-2026-04411 to ACM-2026-04419 after last night's batch run, so seven numbers are missing.")), false},
		{"es comillas de pantalla no son un documento", esMail(subject("Aviso al firmante en otro idioma"), attach(), own("La "+
			"cuenta está en castellano, pero el aviso que recibe el firmante dice «You have a document to sign» y el botón «Review document». Adjunto captura.")), false},
	})
}

// Without configured patterns, any link will do.
func TestDocumentLinkWithoutPatterns(t *testing.T) {
	p := testPolicy()
	p.DocumentURLPatterns = nil
	runRuleCases(t, RuleDocumentLink, p, []ruleCase{
		{"no link", enMail(subject(enDocSj), own(enDoc)), true},
		{"any link", enMail(subject(enDocSj), own(enDoc), urls("https://app.acme.example/notes/12")), false},
	})
}
