package rules

import (
	"testing"

	"github.com/ticketd/ticketd/intake"
)

func TestUploadFilesAttached(t *testing.T) {
	const (
		enSj     = "Supplier invoice upload fails"
		enUpload = "When we upload a supplier invoice in Purchases > Invoices the upload fails after a few seconds " +
			"with the message \"invalid file\", although the same file opens fine on our computers."
		enBulkSj = "Bulk import of customers fails"
		enBulk   = "The bulk import of our customer list fails at line 12 with the message \"invalid tax id\", " +
			"although the tax id in that line is correct and the same list worked last month."
		esSj     = "La subida de facturas de proveedor falla"
		esUpload = "Cuando subimos una factura de proveedor en Compras > Facturas, la subida falla a los pocos " +
			"segundos con el mensaje \"fichero no válido\", aunque el fichero se abre bien en nuestros equipos."
		esBulkSj = "La carga masiva de clientes falla"
		esBulk   = "La carga masiva de nuestro listado de clientes falla en la línea 12 con el mensaje \"NIF no " +
			"válido\", aunque el NIF de esa línea es correcto y el mismo listado funcionó el mes pasado."
	)
	signature := file("smime.p7s", "application/pkcs7-signature")
	runRuleCases(t, RuleUploadFiles, testPolicy(), []ruleCase{
		{"en nothing attached", enMail(subject(enSj), own(enUpload), attach()), true},
		{"en only a screenshot", enMail(subject(enSj), own(enUpload)), true},
		{"en only a signature", enMail(subject(enSj), own(enUpload), attach(signature)), true},
		{"en the pdf", enMail(subject(enSj), own(enUpload), attach(png("shot.png"), file("INV-2231.pdf", "application/pdf"))), false},
		{"en an xml invoice", enMail(subject(enSj), own(enUpload), attach(file("factura.xml", "application/xml"))), false},
		{"en bulk with an xlsx", enMail(subject(enBulkSj), own(enBulk), attach(file("customers.xlsx",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), true},
		{"en bulk with the csv", enMail(subject(enBulkSj), own(enBulk), attach(file("customers.csv", "text/csv"))), false},
		{"en bulk with an octet-stream csv", enMail(subject(enBulkSj), own(enBulk), attach(file("Customers.CSV", "application/octet-stream"))), false},
		{"en not an upload", enMail(), false},
		{"es sin adjuntos", esMail(subject(esSj), own(esUpload), attach()), true},
		{"es solo captura", esMail(subject(esSj), own(esUpload)), true},
		{"es con el pdf", esMail(subject(esSj), own(esUpload), attach(file("factura.pdf", "application/pdf"))), false},
		{"es carga masiva sin csv", esMail(subject(esBulkSj), own(esBulk)), true},
		{"es carga masiva con csv", esMail(subject(esBulkSj), own(esBulk), attach(file("clientes.csv", "text/csv"))), false},
		{"es no es una subida", esMail(), false},
	})
}

// The bulk request asks for the CSV, the other for the file.
func TestUploadRequestNamesFile(t *testing.T) {
	for _, tc := range []struct {
		msg  *intake.Message
		want string
	}{
		{enMail(subject("Bulk import of customers fails"), own("The CSV import fails with an error at line 12."), attach()), "CSV file"},
		{enMail(subject("Supplier invoice upload fails"), own("The upload fails with an error."), attach()), "file that fails to upload"},
	} {
		f := finding(t, Evaluate(tc.msg, testPolicy(), received), RuleUploadFiles)
		if !contains(f.Request.EN, tc.want) {
			t.Errorf("%q: request %q lacks %q", tc.msg.Subject, f.Request.EN, tc.want)
		}
	}
}
