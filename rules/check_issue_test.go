package rules

import "testing"

func TestIssueSingle(t *testing.T) {
	runRuleCases(t, RuleIssueSingle, testPolicy(), []ruleCase{
		{"en numbered problems", enMail(own("We have two things today, please have a look as soon as you can:\n" +
			"1. The invoice PDF export fails with error 500.\n" +
			"2. The customer list does not load since yesterday.\n")), true},
		{"en bulleted problems with wrapped item", enMail(own("Hello, since the update:\n\n" +
			"- invoices cannot be exported, the page shows\n  an error 500 every time\n" +
			"* the dashboard totals are wrong for March\n\nThanks for your help with both of these.")), true},
		{"en also, another problem", enMail(own(enIncident + " Also, the customer list does not load since yesterday.")), true},
		{"en another problem", enMail(own(enIncident + " We have another problem with the dashboard, which is very slow.")), true},
		{"en in addition", enMail(own(enIncident + " In addition, the reports page crashes when we filter by month.")), true},
		{"en steps to reproduce", enMail(own(enIncident + "\nSteps to reproduce:\n1. Open Billing > Invoices\n" +
			"2. Click Export to PDF, the page freezes\n3. An error 500 appears\n")), false},
		{"en what we tried", enMail(own(enIncident + "\nWe tried:\n- clearing the cache, the error stays\n- another browser, same error\n")), false},
		{"en also, attached screenshot", enMail(own(enIncident + " Also, I attached a screenshot of the error.")), false},
		{"en also without comma", enMail(own(enIncident + " We also tried Firefox and the error is the same.")), false},
		{"en one problem item", enMail(own(enIncident + "\n- Expected: a PDF file\n- Actual: error 500\n")), false},
		{"en complete", enMail(), false},
		{"es numbered problems", esMail(own("Buenos días, tenemos dos incidencias desde la actualización de ayer:\n" +
			"1) La exportación de facturas a PDF falla con un error.\n" +
			"2) El listado de clientes no carga.\n")), true},
		{"es además,", esMail(own(esIncident + " Además, el listado de clientes no carga desde ayer.")), true},
		{"es otro problema", esMail(own(esIncident + " Tenemos otro problema con el panel, que va muy lento.")), true},
		{"es por otro lado", esMail(own(esIncident + " Por otro lado, los informes dan un error al filtrar por mes.")), true},
		{"es pasos", esMail(own(esIncident + "\nPasos para reproducirlo:\n1. Abrir Facturación\n" +
			"2. Pulsar Exportar, la página se cuelga\n3. Aparece un error\n")), false},
		{"es además, adjunto captura", esMail(own(esIncident + " Además, adjunto una captura del error.")), false},
		{"es complete", esMail(), false},
		{"es párrafo que aclara", esMail(own("Desde el jueves, los compañeros de Dublín, que tienen la interfaz en inglés, ven en la " +
			"pantalla de inicio el aviso «Tiene un contrato pendiente de firma» en castellano. Solo ese recuadro aparece en otro idioma.\n\n" +
			"No se trata de un contrato concreto: el aviso les aparece igual aunque no tengan nada pendiente, y en Madrid sale bien.")), false},
		{"en paragraph that clarifies", enMail(own("Since Monday the signing page shows the decline button greyed out for " +
			"every signer, so nobody can decline an envelope any more.\n\n" +
			"It is not limited to one envelope: the decline button stays grey on every envelope, old and new ones alike.")), false},
	})
}
