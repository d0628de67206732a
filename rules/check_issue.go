package rules

import (
	"strings"
	"unicode"
)

// stepsIntro are words of a line that introduces steps to reproduce or what
// the customer tried, or the symptoms of one problem, rather than a list of
// problems (folded).
var stepsIntro = phrases{"step", "steps", "to reproduce", "reproduce", "pasos", "paso",
	"reproducir", "what i did", "lo que hice", "procedure", "procedimiento", "tried",
	"probado", "probamos", "intentado", "intentamos", "symptoms", "sintomas",
	"what we checked", "hemos comprobado", "comprobaciones", "checked", "expected",
	"esperado"}

// attachmentWords in a sentence make it about the evidence, not about
// another problem: "Also, attached is a screenshot of the error."
var attachmentWords = phrases{"attached", "attach", "attaching", "attachment", "screenshot",
	"screenshots", "video", "recording", "adjunto", "adjunta", "adjuntamos", "adjuntos", "captura",
	"capturas", "pantallazo", "grabacion", "te paso", "os paso", "les paso", "see below",
	"ver abajo", "link", "enlace"}

// evidenceSentence is a sentence about what the customer sends, not about a
// problem: "Screenshot attached.", "I attached a screenshot of the error",
// "I sent you the files that fail via WeTransfer".
var evidenceSentence = mustPattern(`^(?:hi,? |hello,? |hola,? )?(?:also,? |and |ademas,? |y |tambien )?(?:i(?:'ve| have)? (?:attached|attach|sent|uploaded|shared|put|added|recorded|exported|included|enclosed|copied|pasted|forwarded)|we(?:'ve| have)? (?:attached|attach|sent|shared|put|added|recorded|exported|included|enclosed|copied|pasted|forwarded)|attached (?:is|are|you|please)|please (?:find|see)|see (?:the )?attached|here (?:is|are)|(?:a |one |the |la |una |las |los )?(?:screenshot|screenshots|photo|photos|video|recording|picture|files?|logs?|captura|capturas|foto|fotos|grabacion)s?\b(?:\s+\S+){0,6}?\s+(?:attached|adjunt\w*|enclosed|below|abajo)\b|adjunt|os adjunto|te adjunto|les adjunto|os (?:mando|envio|paso|dejo)|te (?:mando|envio|paso|dejo)|les (?:mando|envio|paso|dejo)|va adjunt|van adjunt|the attached|el adjunto|la adjunta|los adjuntos)`)

// aboutEvidence reports whether a statement is about attachments or links
// rather than a problem.
func aboutEvidence(f string) bool {
	return evidenceSentence.MatchString(f) || attachmentWords.match(f) && countWords(f) < 16 ||
		sharedGate.may(f) && sharedFiles.MatchString(f) && (strings.Contains(f, "http") || handOver.MatchString(f))
}

// handOver is the customer handing files over: "I've put them in",
// "os dejo", "he subido".
var handOver = mustPattern(`\b(?:i|we)(?:'ve| have)? (?:put|shared|uploaded|sent|placed|dropped)\b|\b(?:he|hemos) (?:puesto|dejado|subido|compartido)\b|\b(?:os|te|les) (?:dejo|paso|mando|envio|comparto)\b`)

// sharedGate holds what sharedFiles needs.
var sharedGate = gated{any: []string{"shar", "carpeta", "enlace", "transfer", "we.tl", "drive", "dropbox", "onedrive",
	"loom", "box.com", "put ", "he puesto", "he dejado", "he subido", " dejo"}}

// sharedFiles is a sentence that hands over files through a share.
var sharedFiles = mustPattern(`\b(?:shared folder|shared link|share link|shared drive|carpeta compartida|enlace compartido|wetransfer|we\.tl|drive\.google|dropbox|onedrive|sharepoint|loom\.com|box\.com|i(?:'ve| have)? put (?:them|the|it|all)|he (?:puesto|dejado|subido) (?:los|las|el|la) (?:ficheros|archivos|capturas)|os dejo|te dejo|les dejo)\b`)

// oneCause says that several symptoms are one problem: "same problem",
// "probably related", "since the update", "misma causa".
var oneCause = mustPattern(`\b(?:same (?:problem|issue|error|cause|root cause|bug|thing)|one problem|one issue|single (?:problem|issue)|related|caused by|probably the same|all (?:of )?(?:this|these|them) (?:started|began|since|come|comes)|all come from|symptoms?|mismo (?:problema|error|fallo|origen)|misma (?:causa|incidencia|raiz)|un solo problema|relacionad[oa]s?|causad[oa]s? por|por culpa de|sintomas?|viene de lo mismo|vienen de lo mismo|todo viene|de varias formas|in several ways|in different ways)\b`)

// areaStop are words that do not name what misbehaves (folded, stemmed
// to five letters as area() does).
var areaStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		about after again also always another anything because before being could does doing
		don't every from have having into just more most much never only other same since some
		still such than that their them then there these they this those through today very were
		what when where which while with would your yesterday morning afternoon evening tonight week
		weeks month hours minutes minute hour times time since error errors problem problems issue
		issues fail fails failed failing failure working works work anymore longer again users user
		customers customer people team colleague colleagues please thanks thank hello could would
		should system platform application screen page message shows showing appear appears
		everything something nothing anyone someone wrong incorrect instead seems seem getting
		happens happened happening keeps still stuck empty missing strange weird random randomly
		help need needs urgent asap also besides apart another second thing further moreover
		como cuando donde desde hasta para pero porque sobre tambien todos todas todo toda esta este
		esto estos estas estan ellos ellas nuestro nuestra nuestros nuestras tenemos tiene tienen
		hemos hace hacer puede pueden podemos sigue siguen otra otro otros otras problema problemas
		error errores fallo fallos falla fallan funciona funcionan usuarios usuario clientes cliente
		gracias favor saludos hola ayuda urgente ademas parte lado cosa cosas desde ayer manana tarde
		semana semanas horas minutos veces siempre nunca nada algo alguien sistema plataforma
		aplicacion pantalla pagina mensaje aparece aparecen sale salen incorrecto incorrecta raro
		extrano vacio vacia pendiente cada tambien mismo misma muchas muchos mucho poco
		actual actually expected result results resultado esperado obtenido real
		antes before ahora perfectamente perfectly anymore today`) {
		areaStop[stem(w)] = true
	}
}

// stem reduces a folded word to what compares across inflections: plural
// endings dropped, then at most five letters ("invoices", "invoicing" and
// "invoice" all give "invoi").
func stem(w string) string {
	w = strings.TrimSuffix(w, "es")
	w = strings.TrimSuffix(w, "s")
	if len(w) > 5 {
		w = w[:5]
	}
	return w
}

// area returns the stems of the content words of a folded text: what it is
// about.
func area(f string) map[string]bool {
	out := map[string]bool{}
	for _, t := range tokens(f) {
		if len(t) < 4 || isDigit(t[0]) {
			continue
		}
		if s := stem(t); !areaStop[s] {
			out[s] = true
		}
	}
	return out
}

// overlaps reports whether two areas are about the same thing: they share
// three stems, or a third of the smaller one. One shared word ("patients",
// "invoices") is the customer's domain, not the same feature.
func overlaps(a, b map[string]bool) bool {
	shared := 0
	for k := range a {
		if b[k] {
			shared++
		}
	}
	small := min(len(a), len(b))
	return shared >= 3 || small > 0 && float64(shared) >= 0.3*float64(small)
}

// pasted reports whether a unit is a pasted call, response or log rather
// than a sentence: an HTTP request or status line, a JSON or XML body, a
// curl command, header lines, or mostly symbols and digits.
func pasted(text string) bool {
	if pastedGate.may(text) && (apiCall.MatchString(text) || httpStatusLine.MatchString(text) || responseBody.MatchString(text)) {
		return true
	}
	letters, other := 0, 0
	for _, r := range text {
		switch {
		case unicode.IsLetter(r):
			letters++
		case !unicode.IsSpace(r):
			other++
		}
	}
	return other > letters/2
}

// pastedGate holds what a pasted call, response or header line must hold.
var pastedGate = gated{raw: true, any: []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "curl", "CURL",
	"HTTP", "http/", "{", "<", "ontent-", "equest-", "Date:", "date:", "erver:", "uthorization"}}

// httpStatusLine is the first line of an HTTP response, or a header line.
var httpStatusLine = mustPattern(`(?i)\bHTTP/[0-9.]+\s+[1-5]\d\d\b|^\s*(?:content-type|x-request-id|date|server|authorization)\s*:`)

// anotherProblem says outright that what follows is another problem.
var anotherProblem = mustPattern(`\b(?:another (?:problem|issue|bug|error|thing)|a second (?:problem|issue|bug)|second (?:problem|issue)|a different (?:problem|issue)|unrelated|separate (?:problem|issue)|otro problema|otra incidencia|otro fallo|otro error|un segundo problema|una segunda incidencia|segundo problema|otra cosa|no relacionad[oa]|aparte de esto)\b`)

// severalIntro introduces a list of several problems: "we have two things
// going on:", "tenemos varias incidencias:".
var severalIntro = mustPattern(`\b(?:two|three|four|several|a few|a couple of|multiple|some|dos|tres|cuatro|varias|varios|algunas|algunos) (?:things|issues|problems|errors|bugs|faults|failures|topics|cosas|incidencias|problemas|errores|fallos|frentes|temas)\b`)

// introducesList reports whether a unit only introduces the list that
// follows it ("Since the update we have two things going wrong:").
func introducesList(u unit, units []unit, i int) bool {
	return !u.item && strings.HasSuffix(strings.TrimSpace(u.text), ":") && i+1 < len(units) && units[i+1].item
}

// continuationWords open a paragraph that goes on about what was said
// before rather than bring a new problem (folded).
var continuationWords = map[string]bool{
	"i": true, "we": true, "it": true, "its": true, "this": true, "that": true, "these": true,
	"those": true, "they": true, "he": true, "she": true, "so": true, "then": true, "and": true,
	"but": true, "because": true, "according": true, "as": true, "when": true, "if": true,
	"yo": true, "nosotros": true, "esto": true, "eso": true, "lo": true, "le": true, "y": true,
	"pero": true, "porque": true, "entonces": true, "asi": true, "segun": true, "cuando": true,
	"si": true, "hemos": true, "tenemos": true, "creemos": true, "parece": true,
	"our": true, "my": true, "nuestro": true, "nuestra": true, "mi": true,
}

// consequence is a paragraph that tells what follows from the problem
// above: "so at the moment nothing reaches you", "por eso", "al mismo tiempo".
var consequence = mustPattern(`\b(?:at the same time|so at the moment|so right now|so now|so nothing|as a result|which means|that means|because of (?:this|that)|al mismo tiempo|por eso|por lo que|asi que|de modo que|como consecuencia|lo que significa)\b`)

// clarifies opens a paragraph that says what the problem above is or is
// not, or where else it shows: "No se trata de un contrato concreto: ...",
// "It is not limited to one user", "It happens with every envelope".
var clarifies = mustPattern(`^(?:no se trata de|no es (?:un|una|solo|solamente|cosa de|algo de)|no (?:pasa|ocurre) solo|(?:this|it)(?:'s| is) not (?:about|just|only|one|a single|limited to|specific to)|(?:this|it) (?:happens|occurs) (?:with|to|on|for|in|also|too|the same|every)|(?:pasa|ocurre|sucede) (?:con|igual|tambien|lo mismo|en todos|en todas)|(?:le|les|nos) (?:pasa|ocurre) (?:igual|lo mismo|con))\b`)

// puzzled is a paragraph that wonders about the problem above: "so we do
// not understand why it is still blocked".
var puzzled = mustPattern(`\b(?:no entendemos|no entiendo|no sabemos|no se) por que\b|\b(?:we|i) (?:don't|do not|can't|cannot) (?:understand|see|tell) why\b|\bnot sure why\b`)

// opensWithFault reports whether a paragraph brings a problem of its own:
// its first sentence states the fault and starts on a new subject ("The
// thumbnails of the PDFs come out black"), not on "It", "We", "Then".
func opensWithFault(u unit, ss []statement) bool {
	if len(u.sentences) == 0 || len(ss) == 0 || ss[0].text != u.sentences[0].text {
		return false
	}
	ws := tokens(u.sentences[0].fold)
	if len(ws) == 0 || continuationWords[ws[0]] || puzzled.MatchString(fold(u.text)) || consequence.MatchString(u.sentences[0].fold) ||
		clarifies.MatchString(u.sentences[0].fold) {
		return false
	}
	for _, w := range ws[:min(len(ws), 8)] {
		if w == "then" || w == "entonces" || w == "luego" {
			return false
		}
	}
	return true
}

// isAskBack reports whether a unit only asks support a short question
// ("Can you tell us what's wrong?").
func isAskBack(text string) bool {
	t := strings.TrimSpace(text)
	return strings.HasSuffix(t, "?") && countWords(t) <= 12
}

// problemUnit is a unit that states a malfunction, with what it is about.
type problemUnit struct {
	text   string
	area   map[string]bool
	marked bool
	item   bool
	other  bool // says outright it is another problem
	cont   bool // goes on with the previous unit ("y nos da error.")
}

// problemUnits returns the units of own words that state a malfunction of
// their own: not steps to reproduce, not sentences about attachments.
func (in *input) problemUnits() []problemUnit {
	var out []problemUnit
	byUnit := map[int][]statement{}
	for _, s := range in.statements {
		if s.unit >= 0 && !aboutEvidence(s.fold) {
			byUnit[s.unit] = append(byUnit[s.unit], s)
		}
	}
	for i, u := range in.units {
		ss := byUnit[i]
		if len(ss) == 0 && !(u.item && severalIntro.MatchString(u.intro)) || u.item && stepsIntro.match(u.intro) || pasted(u.text) || isAskBack(u.text) || introducesList(u, in.units, i) {
			continue
		}
		var f strings.Builder
		for _, s := range ss {
			f.WriteString(s.fold + " ")
		}
		if len(ss) == 0 {
			f.WriteString(fold(u.text))
		}
		a := area(f.String())
		if len(a) == 0 && len(out) > 0 {
			continue // "Actual: error 500" under the problem it details
		}
		if len(out) > 0 && !u.item && !u.marked && !anotherProblem.MatchString(fold(u.text)) && !opensWithFault(u, ss) {
			continue // a paragraph that goes on about the problem above
		}
		out = append(out, problemUnit{text: u.text, area: a, marked: u.marked, item: u.item,
			other: len(out) > 0 && (u.marked || anotherProblem.MatchString(fold(u.text))),
			cont:  len(out) > 0 && !u.item && startsLower(u.text)})
	}
	return out
}

// startsLower reports whether text starts with a lower-case letter: the
// rest of a sentence the customer broke with a pasted call.
func startsLower(text string) bool {
	for _, r := range strings.TrimSpace(text) {
		return unicode.IsLower(r)
	}
	return false
}

func anyOther(pus []problemUnit) bool {
	for _, pu := range pus {
		if pu.other {
			return true
		}
	}
	return false
}

// checkIssueSingle fires when the mail reports several distinct problems:
// two or more units (list items, paragraphs, or sentences opened by "Also,",
// "Por otro lado", "Otra cosa:") that each state a malfunction of a
// different feature or area, with nothing saying they are one problem (one
// cause, symptoms of the same thing). One ticket is one problem.
func checkIssueSingle(in *input) *Finding {
	pus := in.problemUnits()
	if len(pus) < 2 {
		return nil
	}
	if m := oneCause.FindString(in.foldOwn); m != "" && !anyOther(pus) {
		in.note(RuleIssueSingle, false, "one problem: the customer ties the symptoms together (\""+m+"\")")
		return nil
	}
	// Group units that share what they are about. The first problem
	// opens the first group, whatever it names.
	groups := []problemUnit{pus[0]}
	for _, pu := range pus[1:] {
		joined := pu.cont
		for gi := range groups {
			if joined {
				break
			}
			if !pu.other && overlaps(groups[gi].area, pu.area) {
				for k := range pu.area {
					groups[gi].area[k] = true
				}
				joined = true
				break
			}
		}
		if !joined {
			groups = append(groups, pu)
		}
	}
	if len(groups) < 2 {
		return nil
	}
	// A separate problem is one that is announced as such (a marker or a
	// list item), or a paragraph of its own about another area.
	distinct := []string{groups[0].text}
	for _, g := range groups[1:] {
		distinct = append(distinct, g.text)
	}
	for _, d := range distinct {
		in.note(RuleIssueSingle, true, "separate problem: "+d)
	}
	return &Finding{
		Rule:    RuleIssueSingle,
		Outcome: NeedsInfo,
		Message: Text{
			EN: "Your message seems to describe more than one problem. We register one problem per ticket, so that each one can be followed up.",
			ES: "Su mensaje parece describir más de un problema. Registramos un problema por incidencia, para poder hacer el seguimiento de cada uno.",
		},
		Request: Text{
			EN: "Reply to this email saying which problem this ticket is about, and send each other problem in a separate email with its own subject.",
			ES: "Responda a este correo indicando a qué problema se refiere esta incidencia, y envíe cada uno de los demás problemas en un correo aparte con su propio asunto.",
		},
	}
}
