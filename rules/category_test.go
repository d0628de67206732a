package rules

import (
	"testing"

	"github.com/ticketd/ticketd/intake"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  *intake.Message
		want Category
	}{
		{"en incident", enMail(), Incident},
		{"en incident in a how-to question", enMail(subject("How do I fix error 500 on export?")), Incident},
		{"en api error", enMail(subject("Orders endpoint returns 500"), own("Our integration gets status 500 from the API.")), APIError},
		{"en api status without error word", enMail(subject("Orders webhook"), own("The webhook answers 422 Unprocessable Entity.")), APIError},
		{"en api how-to", enMail(subject("API key for the test environment"), own("How do I get an API key for the sandbox?")), Question},
		{"en upload", enMail(subject("Supplier invoice upload fails"), own("The upload fails with an error.")), Upload},
		{"en import failure", enMail(subject("Customer import"), own("I can't import the customers file, it is rejected.")), Upload},
		{"en upload how-to", enMail(subject("Uploading supplier invoices"), own("How can I upload supplier invoices in XML?")), Question},
		{"en document phrase", enMail(subject(enDocSj), own(enDoc)), Document},
		{"en document link", enMail(subject("Delivery note total"), own("Please check "+docURL+", the total is odd.")), Document},
		{"en document how-to", enMail(subject("Sharing delivery notes"), own("How do I share the document with a customer?")), Question},
		{"en self-service", enMail(subject("New user for John Doe"), own(enCreateUser)), SelfService},
		{"en question", enMail(subject("Invoice numbering"), own("Is it possible to restart the invoice numbering every year?")), Question},
		{"en statement", enMail(subject("Invoice numbering"), own("We would like to restart the numbering next year.")), Question},
		{"es incidencia", esMail(), Incident},
		{"es error de api", esMail(subject("La API de pedidos devuelve 500"), own("Nuestra integración recibe un error de la API.")), APIError},
		{"es subida", esMail(subject("La subida de facturas falla"), own("No puedo subir la factura, da un error.")), Upload},
		{"es carga masiva", esMail(subject("Carga masiva de clientes"), own("La carga masiva de clientes falla en la línea 12.")), Upload},
		{"es documento", esMail(subject(esDocSj), own(esDoc)), Document},
		{"es autoservicio", esMail(subject("Alta de usuario para Ana López"), own(esCreateUser)), SelfService},
		{"es pregunta", esMail(subject("Numeración de facturas"), own("¿Cómo puedo reiniciar la numeración de facturas cada año?")), Question},
		{"es pregunta sobre documento", esMail(subject("Compartir albaranes"), own("¿Cómo puedo compartir el documento con un cliente?")), Question},
		{"es plantilla sin rellenar", esMail(subject("Avisos con el nombre sin rellenar"), own("Los avisos a los revisores llegan con "+
			"el texto {{nombre_documento}} sin rellenar, con cualquier tipo de documento.")), Incident},
		{"es números que se repiten", esMail(subject("Números de albarán"), own("Desde el jueves los números de albarán se repiten en "+
			"entregas distintas.")), Incident},
		{"en placeholder not filled in", enMail(subject("Reminder emails show placeholders"), own("The reminder emails show "+
			"{{signer_name}} not filled in, for every envelope we send.")), Incident},
		{"en 2FA codes lost with a reset asked", enMail(subject("Two-factor for Bob Stone"), own("Could you reset the two-factor "+
			"of bob@acme.example? His phone was stolen and he can't generate the codes to log in.")), SelfService},
		{"es códigos del doble factor con petición", esMail(subject("Doble factor de Marta"), own("¿Podríais restablecer el doble "+
			"factor de marta@globex.example? Le robaron el móvil y no puede generar los códigos para entrar.")), SelfService},
		{"en can't see an option for it is know-how", enMail(subject("Removing leavers from the workspace"), own("When I open "+
			"an existing person in Settings I can't see anything for taking them out of the workspace. Is it on another screen?")), Question},
		{"en tracking codes are no second factor", enMail(subject("Tracking codes by SMS"), own("Since Monday our "+
			"customers no longer receive the tracking codes by SMS after each delivery, although the drivers close every stop.")), Incident},
		{"en can't see anything for a month is a fault", enMail(subject("March missing from the delivery report"), own("Since "+
			"yesterday's update we can't see anything for March in the delivery report, while February and January still load as before.")), Incident},
		{"en unfilled orders are business", enMail(subject("Exporting orders to Excel"), own("We have about thirty unfilled "+
			"orders from yesterday in the dispatch list. How can we export them to Excel for the planning meeting?")), Question},
		{"en repeated steps are a process", enMail(subject("Nightly job for one warehouse"), own("In the nightly job the same "+
			"steps are repeated for every warehouse we have. How can we make it run for only one warehouse?")), Question},
		{"en a fault in the subject alone", enMail(subject("Export to PDF crashes"), own("We use the export every morning "+
			"for the dispatch of the northern warehouses, and the drivers wait for the sheets before they leave.")), Incident},
		{"en a wish to replace is no fault", enMail(subject("New logo on our signing emails"), own("We have a new logo from "+
			"our brand team and would like it to appear on the signing emails instead of the old one. Could you make the change?")), SelfService},
		{"en should not be able to is a wish", enMail(subject("Deactivate a leaver's account"), own("Please deactivate the "+
			"account of jenny@acme.example. She left on Friday and should not be able to sign anything for us anymore.")), SelfService},
		{"en should not, but it does, is a fault", enMail(subject("Old logo on new invoices"), own("The old logo should not "+
			"appear on invoices issued after the first of December, but it still shows on every invoice we issue.")), Incident},
		{"en where is the option to is a question", enMail(subject("Where is the option to remove users?"), own("I can see "+
			"how to add people to the workspace, but nothing to take them out again.")), Question},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Evaluate(tc.msg, testPolicy(), received).Category; got != tc.want {
				t.Fatalf("category %s, want %s", got, tc.want)
			}
		})
	}
}
