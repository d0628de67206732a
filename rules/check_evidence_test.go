package rules

import (
	"testing"

	"github.com/ticketd/ticketd/intake"
)

func TestEvidenceAttached(t *testing.T) {
	logo := png("image001.png")
	logo.Inline, logo.Size = true, 3_210
	pastedScreenshot := png("image002.png")
	pastedScreenshot.Inline = true
	howTo := "How do I export all the invoices of a customer to Excel? I looked in Billing and in Reports " +
		"but I only see the PDF option there, and we need a spreadsheet for our accountants."
	esHowTo := "¿Cómo puedo exportar todas las facturas de un cliente a Excel? He mirado en Facturación y en " +
		"Informes pero solo veo la opción de PDF, y necesitamos una hoja de cálculo para la gestoría."
	runRuleCases(t, RuleEvidenceAttached, testPolicy(), []ruleCase{
		{"en no attachment", enMail(attach()), true},
		{"en only a pdf", enMail(attach(file("invoice.pdf", "application/pdf"))), true},
		{"en only a signature logo", enMail(attach(logo)), true},
		{"en only an smime signature", enMail(attach(file("smime.p7s", "application/pkcs7-signature"))), true},
		{"en png", enMail(), false},
		{"en pasted inline screenshot", enMail(attach(pastedScreenshot)), false},
		{"en video", enMail(attach(file("recording.mp4", "video/mp4"))), false},
		{"en octet-stream video", enMail(attach(file("Screen Recording.MOV", "application/octet-stream"))), false},
		{"en octet-stream heic", enMail(attach(file("IMG_2231.HEIC", "application/octet-stream"))), false},
		{"en octet-stream zip", enMail(attach(file("logs.zip", "application/octet-stream"))), true},
		{"en how-to question needs none", enMail(subject("Export invoices to Excel"), own(howTo), attach()), false},
		{"es sin adjuntos", esMail(attach()), true},
		{"es solo un pdf", esMail(attach(file("factura.pdf", "application/pdf"))), true},
		{"es captura jpg", esMail(attach(file("captura.jpg", "image/jpeg"))), false},
		{"es pregunta", esMail(subject("Exportar facturas a Excel"), own(esHowTo), attach()), false},
	})
}

// An api_error, an upload and a document problem need other evidence, not
// a screenshot.
func TestEvidenceNotAskedForOtherCategories(t *testing.T) {
	for _, m := range []*intake.Message{
		enMail(attach(), subject("Orders API returns 500"), own("When we call POST /v1/orders the API answers HTTP/1.1 500 Internal Server Error with "+
			`{"error": "internal"} for every order since this morning, also for orders that worked yesterday.`)),
		enMail(attach(file("suppliers.pdf", "application/pdf")), subject("Supplier invoice upload fails"),
			own("When we upload the attached supplier invoice in Purchases the upload fails with the message "+
				"\"invalid file\" after a few seconds, although the file opens fine on our computers.")),
	} {
		v := Evaluate(m, testPolicy(), received)
		if v.Has(RuleEvidenceAttached) || v.Category == Incident {
			t.Errorf("%q: category %s findings %v; want no evidence request", m.Subject, v.Category, ruleIDs(v))
		}
	}
}
