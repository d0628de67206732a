package rules

import (
	"strings"
)

// documentSentences are the statements and the other sentences of the
// units that hold them: "In invoice F-2026-331 the supplier is Ribera
// Logística, although the PDF is Neumáticos Ribera's. So it went to the
// wrong approver."
func (in *input) documentSentences(ms []statement) []statement {
	out := append([]statement(nil), ms...)
	seen := map[int]bool{}
	for _, s := range ms {
		if s.unit < 0 || seen[s.unit] {
			continue
		}
		seen[s.unit] = true
		for _, st := range in.units[s.unit].sentences {
			out = append(out, statement{unit: s.unit, text: st.text, fold: st.fold})
		}
	}
	return out
}

// theDocument reports whether a statement says "the invoice" (or "el
// albarán") of a subject that names one document: "Wrong total in delivery
// note" over "The document shows the wrong total".
func (in *input) theDocument(s statement) bool {
	if s.unit < 0 || !theDocNoun.MatchString(s.fold) {
		return false
	}
	m := subjectDocNoun.FindStringSubmatch(in.foldSubject)
	return m != nil && !docGenericAfter.MatchString(in.foldSubject[len(m[0]):])
}

var (
	theDocNoun     = mustPattern(`^(?:the|el|la) ` + docNoun + `\b`)
	subjectDocNoun = mustPattern(`\b(?:in|on|of|for|en|del|de la|de una|de un|in the|on the|en el|en la) ` + docNoun + `\b`)
)

// namedDocument is a document named by its counterparty ("the contract
// with Lopez SL", "la factura de Alba Retail"), read in the sentence as
// written (capitals tell a name).
var namedDocument = mustPattern(`(?i:\b(?:document|invoice|contract|agreement|delivery note|credit note|purchase order|quote|letter|documento|factura|contrato|albar[aá]n|presupuesto|pedido|carta|consentimiento|consent form))(?:\s+\S+){0,2}?\s+(?:(?i:for|with|from|to|of|de|para|con|del)\s+)(?:[A-ZÁÉÍÓÚÑ][\w&.'-]+|(?i:one|a single|un solo|una sola|customer|client|cliente|patient|paciente|january|february|march|april|may|june|july|august|september|october|november|december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre))`)

// specificDocument reports whether a sentence (folded f, as written text)
// points at one document.
func specificDocumentIn(f, text string) bool {
	if !docGate.may(f) {
		return false
	}
	if specificDocument(f) {
		return true
	}
	for _, loc := range namedDocument.FindAllStringIndex(text, 4) {
		if m := docNounAt.FindStringIndex(text[loc[0]:]); m != nil && !docGenericAfter.MatchString(strings.ToLower(text[loc[0]+m[1]:])) {
			return true
		}
	}
	return false
}

// docGate holds the document nouns without which no document expression
// can match (folded).
var docGate = gated{any: []string{"document", "invoice", "contract", "agreement", "note", "order", "quot",
	"proposal", "envelope", "lading", "waybill", "packing", "consent", "letter", "factura", "contrato", "albaran",
	"presupuesto", "acuerdo", "nota", "orden", "abono", "consentimiento", "carta", "acta", "consent"}}

// docNounAt finds the document noun that starts a namedDocument match.
var docNounAt = mustPattern(`(?i)^(?:document|invoice|contract|agreement|delivery note|credit note|purchase order|quote|letter|documento|factura|contrato|albar[aá]n|presupuesto|pedido|carta|consentimiento|consent form)`)

// specificDocument reports whether a folded sentence points at one document.
func specificDocument(f string) bool {
	for _, noun := range docNouns {
		for from := 0; from < len(f); {
			at, ok := findPhrase(f, noun, from)
			if !ok {
				break
			}
			end := at + len(noun)
			from = end
			before, after := f[max(0, at-40):at], f[end:min(len(f), end+120)]
			if docGenericAfter.MatchString(after) {
				continue // "the document list", "the invoice editor"
			}
			if docDeterminer.MatchString(before) || docOfOneAfter.MatchString(after) {
				return true
			}
			if loc := docIDAfter.FindStringIndex(after); loc != nil &&
				!amountAfter.MatchString(after[loc[1]:]) && !errorCode.MatchString(after[:loc[1]]) {
				return true
			}
		}
	}
	return false
}

// demonstrativeDocument points at one document with "this" or "este".
var demonstrativeDocument = mustPattern(`\b(?:this|that|este|esta|ese|esa) (?:(?:signed|scanned|same|pdf|firmado|firmada) )?` + docNoun + `\b`)

// numberedDocument reports whether a folded sentence names a document by
// its number ("invoice INV-2026-0042", "albarán ALB-2026-04417").
func numberedDocument(f string) bool {
	if !docGate.may(f) {
		return false
	}
	for _, noun := range docNouns {
		for from := 0; from < len(f); {
			at, ok := findPhrase(f, noun, from)
			if !ok {
				break
			}
			end := at + len(noun)
			from = end
			after := f[end:min(len(f), end+120)]
			if loc := docIDAfter.FindStringIndex(after); loc != nil && !strings.HasPrefix(strings.TrimSpace(after), "\"") &&
				!amountAfter.MatchString(after[loc[1]:]) && !errorCode.MatchString(after[:loc[1]]) {
				return true
			}
		}
	}
	return false
}

// The document nouns, and the context around one of them that points at
// a single document: a determiner before it ("this invoice", "one
// contract", "nuestro contrato"), an identifier after it ("invoice
// INV-2026-0042", "albarán ALB-GTF-2026-11873"), a delivery, order or day
// it belongs to ("the delivery note for order 55821", "el albarán de la
// entrega del día 12") or a signing it came from ("el consentimiento que
// firmó ayer una paciente").
var (
	docNouns = []string{"document", "invoice", "contract", "agreement", "delivery note", "credit note",
		"purchase order", "order confirmation", "quote", "quotation", "proposal", "envelope", "bill of lading",
		"waybill", "packing list", "consent form", "letter", "documento", "factura", "contrato", "albaran",
		"presupuesto", "acuerdo", "nota de entrega", "nota de credito", "orden de compra", "abono",
		"consentimiento", "carta", "acta"}
	docDeterminer = mustPattern(`\b(?:this|that|one|a specific|a particular|a single|the following|the attached|este|esta|ese|esa|dicho|dicha|el siguiente|la siguiente|un solo|una sola|uno de los|una de las|our|my|nuestro|nuestra|mi)\s+(?:(?:signed|scanned|same|new|last|latest|pdf|uploaded|firmado|firmada|nuevo|nueva|ultimo|ultima)\s+)?$`)
	docIDAfter    = mustPattern(`^\s*"[^\s".,;:!?)]|^\s*(?:#|no\.?|n[oº°]\.?|number|numero|num\.?|id|ref\.?)?\s*:?\s*["'(]?(?:[a-z]{1,8}(?:[-_/][a-z]{1,8}){0,3}[-_/]|[a-z]{1,4})?\d[\w/.-]{2,}`)
	docOfOneAfter = mustPattern(`^\s+(?:de la|del|de|for|of|from|for the|of the)\s+(?:(?:la|el|the|an?)\s+)?(?:entrega|pedido|envio|order|delivery|shipment|dia|day)\b` +
		`|^\s+(?:for|of|de|del|para)\s+(?:(?:the|el|la)\s+)?(?:patient|paciente|customer|cliente|supplier|proveedor|employee|empleado)\s+[a-z]{0,6}[-_/]?\d` +
		`|^[^.;]{0,40}\b(?:que (?:firmo|firmamos|firmaron|enviamos|emitimos|creamos|generamos|recibimos)|(?:that|which) (?:\w+ ){0,3}(?:signed|sent|issued|created|generated|received)) [^.;]{0,30}\b(?:ayer|hoy|esta manana|yesterday|today|this morning|last (?:week|monday|tuesday|wednesday|thursday|friday)|on (?:monday|tuesday|wednesday|thursday|friday)|el (?:lunes|martes|miercoles|jueves|viernes))\b`)
)

// lineAround returns the line of s around offset i, bounded.
func lineAround(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := strings.IndexByte(s[i:], '\n')
	if end < 0 {
		end = len(s)
	} else {
		end += i
	}
	return truncate(strings.TrimSpace(s[start:end]), 300)
}
