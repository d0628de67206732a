package rules

import "testing"

func TestDetectLang(t *testing.T) {
	for _, tc := range []struct {
		name, subject, own string
		want               Lang
	}{
		{"english", enSubject, enIncident, English},
		{"spanish", esSubject, esIncident, Spanish},
		{"spanish subject only", "Error al exportar facturas", "", Spanish},
		{"spanish question marks", "¿Exportar?", "", Spanish},
		{"spanish without accents", "Error al exportar", "hola, la exportacion de las facturas no funciona desde ayer por la tarde", Spanish},
		{"english with spanish names", "Invoice for José Peña fails", "The invoice of José Peña cannot be exported to PDF since the update.", English},
		{"english greeting in spanish", "Export fails", "Hola team, the export of the invoices fails with an error when we click the button.", English},
		{"spanish with english terms", "Fallo en el login", "Buenos días, el login con SSO da un timeout y no podemos entrar a la plataforma.", Spanish},
		{"nothing", "", "", English},
		{"tie is english", "hola", "the", English},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mail("alice@acme.example", tc.subject, tc.own)
			if got := Evaluate(m, testPolicy(), received).Lang; got != tc.want {
				t.Fatalf("lang %s, want %s", got, tc.want)
			}
		})
	}
}
