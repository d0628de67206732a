package intake

import "testing"

func TestOwnWords(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{
			name: "Gmail English attribution wrapped over two lines",
			text: "The export still fails.\n\nOn Mon, Nov 2, 2026 at 10:15 AM Bob Stone <bob@acme.example>\nwrote:\n\n> old text\n> more old text\n",
			want: "The export still fails.",
		},
		{
			name: "Gmail Spanish attribution",
			text: "Sigue fallando la exportación.\n\nEl lun, 2 nov 2026 a las 10:15, Carmen Ruiz (<carmen@globex.example>) escribió:\n> texto anterior\n",
			want: "Sigue fallando la exportación.",
		},
		{
			name: "French and German attributions",
			text: "Still broken.\n\nLe lun. 2 nov. 2026 à 10:15, Support <support@ticketd.example> a écrit :\n> bonjour\n",
			want: "Still broken.",
		},
		{
			name: "German attribution",
			text: "Immer noch kaputt.\n\nAm 02.11.2026 um 10:15 schrieb Support <support@ticketd.example>:\n> hallo\n",
			want: "Immer noch kaputt.",
		},
		{
			name: "Apple Mail attribution followed by unprefixed quote: cut to the end",
			text: "Here is the file you asked for.\n\nOn 2 Nov 2026, at 10:15, Alice Martin <alice@acme.example> wrote:\n\nCould you send the CSV?\n",
			want: "Here is the file you asked for.",
		},
		{
			name: "bottom-posted answer below a quote is kept",
			text: "On Mon, Nov 2, 2026 at 10:15 AM Support <support@ticketd.example> wrote:\n> Which browser do you use?\n\nFirefox 132 on Windows 11.\n",
			want: "Firefox 132 on Windows 11.",
		},
		{
			name: "interleaved answers keep every own line",
			text: "> Which browser?\nFirefox.\n> Which version?\n132.\n",
			want: "Firefox.\n132.",
		},
		{
			name: "Outlook English separator and header block",
			text: "Please see the screenshot attached.\n\n________________________________\nFrom: ticketd Support <support@ticketd.example>\nSent: Monday, November 2, 2026 10:15 AM\nTo: Alice Martin <alice@acme.example>\nSubject: RE: [#41] Export fails\n\nHello Alice,\n",
			want: "Please see the screenshot attached.",
		},
		{
			name: "Outlook Spanish header block without separator",
			text: "Adjunto la captura que pedíais.\n\nDe: Soporte ticketd <support@ticketd.example>\nEnviado el: lunes, 2 de noviembre de 2026 10:15\nPara: Carmen Ruiz <carmen@globex.example>\nAsunto: RE: [#41] Error al exportar\n\nHola Carmen,\n",
			want: "Adjunto la captura que pedíais.",
		},
		{
			name: "Outlook Original Message marker",
			text: "Any news on this?\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nWe are looking into it.\n",
			want: "Any news on this?",
		},
		{
			name: "Spanish Outlook Mensaje original marker",
			text: "¿Alguna novedad?\n\n-----Mensaje original-----\nDe: Soporte\n",
			want: "¿Alguna novedad?",
		},
		{
			name: "Gmail forwarded block",
			text: "Please look at the report below from our warehouse team.\n\n---------- Forwarded message ---------\nFrom: Bob Stone <bob@acme.example>\nDate: Mon, Nov 2, 2026\nSubject: export\n\nIt fails.\n",
			want: "Please look at the report below from our warehouse team.",
		},
		{
			name: "Spanish forwarded block",
			text: "Os reenvío el aviso de Luis.\n\n-------- Mensaje reenviado --------\nAsunto: error\nDe: Luis\n\nFalla.\n",
			want: "Os reenvío el aviso de Luis.",
		},
		{
			name: "Apple Mail forwarded blocks in English and Spanish",
			text: "FYI, see below.\n\nBegin forwarded message:\n\nFrom: Bob\nSubject: x\n",
			want: "FYI, see below.",
		},
		{
			name: "Apple Mail Spanish forward",
			text: "Mirad esto.\n\nInicio del mensaje reenviado:\n\nDe: Luis\n",
			want: "Mirad esto.",
		},
		{
			name: "signature delimiter, with or without its trailing space",
			text: "The upload fails for every PDF.\n\n-- \nAlice Martin\nOperations, ACME Logistics\n+34 600 000 000\n",
			want: "The upload fails for every PDF.",
		},
		{
			name: "bare -- delimiter",
			text: "The upload fails.\n--\nAlice\n",
			want: "The upload fails.",
		},
		{
			name: "English sign-off with name, title and phone",
			text: "The invoice page shows the wrong VAT rate since the last update.\n\nBest regards,\nAlice Martin\nOperations Manager\nACME Logistics\n+34 600 000 000\nwww.acme.example\n",
			want: "The invoice page shows the wrong VAT rate since the last update.",
		},
		{
			name: "stacked sign-offs",
			text: "The export fails again.\n\nThanks!\n\nKind regards,\nBob\n",
			want: "The export fails again.",
		},
		{
			name: "Spanish sign-off",
			text: "No podemos firmar el contrato desde la aplicación.\n\nUn saludo,\nCarmen Ruiz\nGlobex Ibérica\n",
			want: "No podemos firmar el contrato desde la aplicación.",
		},
		{
			name: "Spanish sign-off on one line with the name",
			text: "No carga el panel.\nSaludos cordiales, Luis Ortega\n",
			want: "No carga el panel.",
		},
		{
			name: "mobile signatures",
			text: "The app crashes when I open a delivery note.\n\nSent from my iPhone\n",
			want: "The app crashes when I open a delivery note.",
		},
		{
			name: "Spanish mobile signature",
			text: "La app se cierra al abrir un albarán.\n\nEnviado desde mi Android\n",
			want: "La app se cierra al abrir un albarán.",
		},
		{
			name: "English confidentiality footer",
			text: "Report attached.\n\nCONFIDENTIALITY NOTICE: This email and any attachments are confidential and intended solely for the addressee. If you received it by mistake, delete it and tell the sender.\n",
			want: "Report attached.",
		},
		{
			name: "English footer sentence alone",
			text: "Report attached.\n\nThis email and any attachments are confidential and may be privileged.\n",
			want: "Report attached.",
		},
		{
			name: "Spanish confidentiality footer",
			text: "Adjunto el informe.\n\nAVISO DE CONFIDENCIALIDAD: Este mensaje y sus anexos son confidenciales y están dirigidos exclusivamente a su destinatario.\n",
			want: "Adjunto el informe.",
		},
		{
			name: "Spanish legal notice",
			text: "Adjunto el informe.\n\nAVISO LEGAL\nEste mensaje y sus anexos son confidenciales.\n",
			want: "Adjunto el informe.",
		},
		{
			name: "short message with a sign-off keeps its words",
			text: "Export fails.\nThanks\nAlice\n",
			want: "Export fails.",
		},
		{
			name: "a message that is only a sign-off is kept",
			text: "Thanks!\n",
			want: "Thanks!",
		},
		{
			name: "a sign-off far from the end is body text",
			text: "Thanks for the quick answer yesterday.\nThe export now fails with a different error: 502 Bad Gateway after about thirty seconds of waiting.\nIt happens for every report in the Sales section, both in Chrome and in Firefox, on all our computers.\nWe tried clearing the cache and logging in again.\n",
			want: "Thanks for the quick answer yesterday.\nThe export now fails with a different error: 502 Bad Gateway after about thirty seconds of waiting.\nIt happens for every report in the Sales section, both in Chrome and in Firefox, on all our computers.\nWe tried clearing the cache and logging in again.",
		},
		{
			name: "a thanks line in the body does not pull the cut up",
			text: "Hi,\nThanks for your answer.\nThe export still fails.\nThanks\nAlice\n",
			want: "Hi,\nThanks for your answer.\nThe export still fails.",
		},
		{
			name: "prose ending in wrote: is not an attribution",
			text: "Here is what my colleague wrote:\nthe export fails on every report\n",
			want: "Here is what my colleague wrote:\nthe export fails on every report",
		},
		{
			name: "a From: line in prose is not a header block",
			text: "From: our warehouse in Madrid, nobody can print labels.\nThe printer queue stays empty.\n",
			want: "From: our warehouse in Madrid, nobody can print labels.\nThe printer queue stays empty.",
		},
		{
			name: "aviso legal in prose is not a footer",
			text: "El aviso legal de la web no carga.\nSale una página en blanco.\n",
			want: "El aviso legal de la web no carga.\nSale una página en blanco.",
		},
		{
			name: "forward without own words gives nothing",
			text: "---------- Forwarded message ---------\nFrom: Bob\n\nIt fails.\n",
			want: "",
		},
		{
			name: "CRLF, trailing spaces and blank runs normalized",
			text: "Line one.   \r\n\r\n\r\n\r\nLine two.\t\r\n",
			want: "Line one.\n\nLine two.",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ownWords(tc.text); got != tc.want {
				t.Errorf("ownWords(%q)\n got %q\nwant %q", tc.text, got, tc.want)
			}
		})
	}
}
