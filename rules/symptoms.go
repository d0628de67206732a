package rules

import (
	"strings"
)

// symptoms are what customers write when something in the product does not
// behave (folded: lower case, no accents). Beyond the incident keywords of
// the configuration, which are added to them, they cover the ways people
// describe a fault without the words "error" or "fails": states ("stuck",
// "se queda vacío"), wrong results ("skips numbers", "salen duplicadas",
// "in English instead of Spanish"), lost sessions ("logs out every few
// minutes", "me echa"), things that do not happen ("never arrive", "no
// llega").
var symptoms = []string{
	// English
	"error", "errors", "erroring", "errored", "fail", "fails", "failed", "failing", "failure",
	"failures", "crash", "crashes", "crashed", "crashing", "broken", "breaks", "broke", "bug",
	"bugs", "buggy", "exception", "glitch", "glitches", "not working", "isn't working",
	"is not working", "aren't working", "are not working", "doesn't work", "does not work",
	"don't work", "do not work", "didn't work", "did not work", "stopped working",
	"no longer works", "no longer work", "no longer", "not anymore", "anymore",
	"won't", "will not", "wont", "doesn't", "does not", "didn't", "did not", "don't load",
	"isn't", "aren't", "wasn't", "weren't", "can't", "cannot", "can not", "couldn't",
	"could not", "unable to", "not able to", "not possible to", "impossible to",
	"freezes", "freeze", "frozen", "freezing", "hangs", "hanging", "hung", "stuck", "spins",
	"spinning", "keeps loading", "keeps spinning", "blank", "white screen", "empty", "comes up empty",
	"missing", "disappeared", "disappear", "disappears", "vanished", "gone", "lost", "duplicate",
	"duplicates", "duplicated", "twice", "doubled", "skips", "skipped", "skipping", "jumps",
	"wrong", "incorrect", "incorrectly", "inaccurate", "mismatch", "doesn't match", "don't match",
	"out of sync", "logs out", "logs me out", "logs us out", "logs them out", "logged out",
	"kicks me out", "kicks us out", "kicked out", "keeps asking", "keeps logging",
	"keeps failing", "keeps showing", "keeps crashing", "session expires", "times out",
	"timed out", "timeout", "timeouts", "time out", "slow", "slower", "sluggish", "takes forever",
	"takes minutes", "never arrive", "never arrives", "never arrived", "not arriving",
	"not received", "never received", "not receiving", "bounced", "bounce back", "rejected",
	"rejects", "declined", "refuses", "refused", "corrupt", "corrupted", "garbled", "unreadable",
	"cut off", "truncated", "overlapping", "misaligned", "greyed out", "grayed out",
	"unexpected", "unexpectedly", "strange", "strangely", "weird", "is odd", "looks odd", "looks wrong", "looks off", "is off", "instead of",
	"nothing happens", "does nothing", "no response", "not responding", "unresponsive",
	"500", "502", "503", "504", "401", "403", "404", "outage", "invalid",
	"not showing", "not shown", "not appearing", "not visible", "not updating", "not syncing",
	"not saving", "not loading", "not sending", "not sent", "won't load", "doesn't load",
	"reverts", "resets", "reset itself", "wiped", "overwritten", "stuck in", "pending forever",
	"still pending", "still shows", "still showing", "shows the old", "wrong language",
	"in english instead", "in spanish instead", "repeatedly", "randomly", "is down",
	"went down", "goes down", "problem", "problems", "issue", "issues", "closes as soon as",
	"closes when", "closes itself", "closes by itself", "shuts down", "quits", "nothing below",
	"shows nothing", "stopped", "has stopped", "have stopped", "aborts", "aborted",
	"abort", "interrupted", "never happened before", "ha dejado de", "han dejado de", "dejo de",
	"dejaron de", "se para", "se detiene", "se interrumpe", "nunca habia pasado", "nothing at all", "nothing loads", "nothing appears",
	// Spanish
	"error", "errores", "falla", "fallan", "fallo", "fallos", "fallando", "fallaba", "fallado",
	"fallida", "fallido", "fallidas", "fallidos", "no funciona", "no funcionan", "no funciono",
	"no funcionaba", "deja de funcionar", "dejo de funcionar", "ha dejado de funcionar",
	"han dejado de funcionar", "ya no", "no carga", "no cargan", "no abre", "no se abre",
	"no responde", "no me deja", "no nos deja", "no le deja", "no les deja", "no puedo",
	"no podemos", "no pueden", "no puede", "no se puede", "imposible", "no consigo",
	"no conseguimos", "no se guarda", "no se guardan", "no guarda", "se cuelga", "se cuelgan",
	"colgado", "se bloquea", "bloqueado", "bloqueada", "se queda", "se quedan", "se quedo",
	"se quedaron", "atascado", "atascada", "atascadas", "atascados", "vacio", "vacia", "vacios",
	"vacias", "en blanco", "pantalla en blanco", "desaparece", "desaparecen", "desaparecio",
	"desaparecieron", "ha desaparecido", "han desaparecido", "no aparece", "no aparecen",
	"no sale", "no salen", "no llega", "no llegan", "no ha llegado", "no han llegado",
	"no se envia", "no se envian", "no se genera", "no se generan", "no se actualiza",
	"no se actualizan", "no sincroniza", "no se sincroniza", "duplicado", "duplicada",
	"duplicados", "duplicadas", "por duplicado", "dos veces", "repetido", "repetida",
	"repetidos", "repetidas", "se salta", "se saltan", "salta", "saltan", "se come",
	"incorrecto", "incorrecta", "incorrectos", "incorrectas", "erroneo", "erronea", "erroneos",
	"erroneas", "equivocado", "equivocada", "mal", "me echa", "nos echa", "les echa", "le echa",
	"cierra la sesion", "se cierra la sesion", "caduca", "expira", "lento", "lenta", "lentisimo",
	"lentisima", "tarda mucho", "tarda muchisimo", "tarda una eternidad", "rechaza",
	"rechazado", "rechazada", "rechazados", "rechazadas", "caido", "caida", "excepcion",
	"tiempo de espera", "se pierde", "se pierden", "perdido", "perdida", "perdidos", "perdidas",
	"corrupto", "corrupta", "cortado", "cortada", "no coincide", "no coinciden", "no cuadra",
	"no cuadran", "descuadre", "raro", "rara", "extrano", "extrana", "en lugar de", "en vez de",
	"no hace nada", "no pasa nada", "sigue apareciendo", "sigue saliendo", "sigue mostrando",
	"sigue en", "siguen en", "en otro idioma", "en ingles", "cada pocos minutos", "problema", "problemas", "incidencia",
	"se cierra sola", "se cierra al", "a medias", "se ha parado", "se paro", "se han parado",
	"borroso", "borrosa", "borrosos", "borrosas", "raros", "raras", "fuera del mapa",
	"sin ningun mensaje", "no continua", "cortados", "cortadas", "no se ve", "no se ven", "version antigua", "la antigua", "old version", "the old one",
	"outdated", "desactualizado", "desactualizada", "version anterior", "different document", "another document",
	"otro documento", "documento distinto", "completely different", "totalmente distinto", "totalmente distinta", "danado", "danada", "danados", "danadas", "damaged", "en negro", "todo negro", "all black", "black squares",
	"black square", "en gris", "blurry", "half way", "halfway", "partially", "se cierra cuando", "no aparece nada", "no sale nada",
	"no muestra nada", "no carga nada", "todo el rato", "de forma aleatoria", "aleatoriamente", "no va",
	// a template's placeholder left as it is
	"sin rellenar", "sin sustituir", "sin reemplazar", "not filled in", "not replaced",
}

// weakSymptoms count only next to a verb of the product acting ("it
// doesn't save", "won't sync"): alone, "doesn't", "can't" or "down" say
// nothing ("I don't know how", "scroll down").
var weakSymptoms = map[string]bool{
	"won't": true, "will not": true, "wont": true, "doesn't": true, "does not": true,
	"didn't": true, "did not": true, "isn't": true, "aren't": true, "wasn't": true,
	"weren't": true, "can't": true, "cannot": true, "can not": true, "couldn't": true,
	"could not": true, "unable to": true, "not able to": true, "no puedo": true,
	"no podemos": true, "no pueden": true, "no puede": true, "no se puede": true,
	"no consigo": true, "no conseguimos": true,
	"salta": true, "saltan": true, "se queda": true, "se quedan": true,
	"se quedo": true, "se quedaron": true,
	"500": true, "502": true, "503": true, "504": true,
	"401": true, "403": true, "404": true, "no va": true, "caduca": true, "expira": true, "en ingles": true,

	"sigue en": true, "siguen en": true,
}

// knowHow are verbs after "can't"/"no puedo" that ask how to do something
// rather than report a fault: "I can't find the setting", "no sé cómo".
var knowHow = mustPattern(`\b(?:can't|cannot|can not|couldn't|could not|unable to|don't|doesn't|didn't|no puedo|no podemos|no consigo|no conseguimos|no se)\s+(?:find|figure|see how|see where|see (?:any|an|the) (?:option|button|setting|way|menu entry) (?:for|to)|see anything (?:for|to) (?:\w+ing)\b|understand|tell|know|remember|decide|wait|recall|encontrar|entender|ver donde|ver como|saber|averiguar|recordar|como|donde)\b|\bdon't know\b|\bno se (?:como|donde|si)\b|\bno sabemos\b|\bno tengo claro\b|\bnot sure\b`)

// productVerbs are what the product does; a weak symptom counts when one of
// these (or a state word) is close after it: "doesn't save", "can't log in",
// "no se guarda", "won't sync".
var productVerb = mustPattern(`\b(?:work|works|load|loads|open|opens|save|saves|send|sends|arrive|arrives|appear|appears|show|shows|display|displays|sync|syncs|synchronize|update|updates|refresh|print|prints|download|downloads|export|exports|import|imports|upload|uploads|generate|generates|calculate|calculates|match|connect|connects|respond|responds|start|starts|finish|finishes|complete|completes|accept|accepts|let|lets|allow|allows|log|logs|login|sign|signs|receive|receives|access|edit|delete|create|submit|process|processes|validate|run|runs|go|get|see|reach|find|click|select|attach|add|change|move|close|post|read|verify|pay|approve|book|dispatch|assign|scan|print|trabajar|funcionar|cargar|abrir|guardar|enviar|llegar|aparecer|mostrar|sincronizar|actualizar|imprimir|descargar|exportar|importar|subir|generar|calcular|conectar|responder|iniciar|entrar|acceder|editar|borrar|eliminar|crear|firmar|validar|procesar|ver|seleccionar|adjuntar|anadir|cambiar|mover|cerrar|registrar|escanear|asignar|aprobar|pagar|facturar|emitir|timbrar|completar|terminar|finalizar|recibir|loguear|loguearme|logearme|iniciar sesion|pending|loading|processing|en pendiente|en estado|en proceso|en cola|atascad[oa]s?|sent|loaded|saved|shown|found|processed|synced|updated|generated|imported|uploaded|delivered|signed|created|completed|approved|visible|available|accessible|cargado|guardado|enviado|enviada|enviadas|enviados|firmado|firmada|generado|generada|actualizado|actualizada|importado|importadas|subido|subida|visible|disponible|accesible|vacio|vacia|en blanco|colgad[oa]s?|pensando|cargando|procesando|bloquead[oa]s?|esperando)\b`)

// negatedBefore reports whether before, the folded text up to a fault
// word, ends in a negation of it ("nothing is broken", "no se ha roto").
// The negation is at most 24 characters from the end, so only the last
// negationReach bytes are searched.
func negatedBefore(before string) bool {
	return negationBefore.MatchString(before[max(0, len(before)-negationReach):])
}

// negationReach is how far back a negation can start: 24 characters of
// up to four bytes, the longest negation word and the character before
// it that \b looks at, with room to spare.
const negationReach = 24*4 + 16

// negation before a positive fault word undoes it.
var negationBefore = mustPattern(`(?:\b(?:no|not|never|without|nothing|none|zero|nada|ningun|ninguna|ninguno|sin|nunca|ni)\b|n't)[^.!?;]{0,24}$`)

// hypothetical opens a sentence that imagines a fault or plans ahead:
// "If the import fails, ...", "What happens if...", "Si la carga falla,",
// "next month we will import...".
var hypothetical = mustPattern(`^(?:and |but |so |y |pero |entonces )?(?:if |what if|what happens if|what would|what should we do if|in case|in the event|should |would |could it|will it|si |en caso de|que pasa si|que pasaria si|que ocurre si|que ocurriria si|que hacemos si|y si )`)

// planned holds a sentence that plans ahead or prevents, anywhere in it:
// "to avoid errors", "next month we will import...".
var planned = mustPattern(`\b(?:to avoid|to prevent|para evitar|evitar que|prevenir|in the future|en el futuro|next month|next week|next year|el mes que viene|el proximo mes|la proxima semana|el ano que viene|we plan to|we are planning|we're planning|we will be|we'll be|planeamos|tenemos previsto|estamos planeando|vamos a (?:importar|subir|cargar|migrar)|before we (?:import|upload|migrate|start)|antes de (?:importar|subir|cargar|migrar|empezar))\b`)

// alternativesQuestion asks which of several outcomes would happen: "does
// the delivery note stay half done, get duplicated or is it discarded?".
var alternativesQuestion = mustPattern(`^[¿]?[^?]{0,200}\b(?:or|o|u)\b [^?]{0,80}\?\s*$`)

// howToQuestion opens a question about how to do something.
var howToQuestion = mustPattern(`^(?:hi|hello|hola|buenas|buenos dias)?[, ]*(?:¿\s*)?(?:how do|how can|how should|how to|is it possible|is there a way|is there any way|can i|can we|could we|where can|what is the best way|como puedo|como podemos|como se|como hago|como hacemos|es posible|se puede|hay (?:alguna )?(?:forma|manera)|donde puedo|donde se)\b`)

// askingQuestion asks about how things are or should be, not why something
// fails: "which date format should we use?", "¿hay límite de filas?".
var askingQuestion = mustPattern(`^(?:hi,? |hello,? |hola,? )?(?:¿\s*)?(?:which|what|can|could|is there|are there|do|does|should|will|would|cual|cuales|que|puede|pueden|podemos|hay|se puede|existe|tiene)\b[^?]*\?\s*$`)

// wish asks for something to be different, a request rather than a fault:
// "we want invoices to go out by themselves instead of by hand", "the old
// logo should disappear everywhere", "que no pierda sus carpetas".
var wish = mustPattern(`\b(?:queremos que|quisieramos que|nos gustaria que|we want|we'd like|we would like|would like|should (?:not |no longer )?(?:disappear|go|be|show|appear|use|read|say)|(?:no )?deberia (?:desaparecer|salir|aparecer|usar|ser|decir)|please make sure|asegurad que)\b|^(?:que no|que)\s`)

// hardFailures are the words that make a how-to question a report.
var hardFailures = []string{"error", "errors", "fails", "failed", "failing", "crash", "crashes", "broken",
	"doesn't work", "does not work", "not working", "falla", "fallan", "fallo", "no funciona", "no funcionan", "errores"}

// isHardFailure reports whether a symptom phrase is a hard failure word.
func isHardFailure(p string) bool {
	for _, h := range hardFailures {
		if p == h {
			return true
		}
	}
	return p == "HTTP error status" || isStatus(p)
}

// symptomSet is the symptoms plus the configured incident words.
func (in *input) symptomSet() phraseSet { return in.kw.symptom }

// plannedGate holds the words without which planned cannot match.
var plannedGate = gated{any: []string{"avoid", "prevent", "evitar", "prevenir", "future", "futuro", "next",
	"proxim", "que viene", "plan", "previsto", "vamos a", "before we", "antes de", "we will", "we'll"}}

// isHypothetical reports whether a folded sentence imagines a fault or
// plans ahead rather than reports one.
func isHypothetical(f string) bool {
	return hypothetical.MatchString(f) || plannedGate.may(f) && planned.MatchString(f)
}

// strongPatterns state a malfunction by the shape of the sentence rather
// than a word: a regression ("it used to open in seconds", "antes
// funcionaba"), an expectation let down ("should show X, but", "debería
// ... pero"), a measured slowness ("takes four minutes to open"), a
// setting ignored ("although their language is set to Spanish").
var strongPatterns = []gated{
	{re: mustPattern(`\b(?:numeros?|numeracion|numbers|numbering|ids|referencias|references|codigos|codes)\b(?: [\w-]+){0,3} (?:se repiten|se duplican|repeat|are repeated|get repeated|are duplicated|are reused|get reused|se reutilizan)\b`), any: []string{"repiten", "duplican", "repeat", "repeated", "duplicated", "reused", "reutilizan"}},
	{re: mustPattern(`\bused to (?:work|open|load|show|be|take|arrive|send|print|sync|go|come|appear|display|calculate|match|get|list|include)\b`), any: []string{"used"}},
	{re: mustPattern(`\b(?:should|expected to|ought to)\b[^.;]{0,120}\b(?:but|however|instead)\b|\b(?:is|are|was|were) supposed to\b|\bse supone que\b`), any: []string{"should", "expected to", "ought to", "supposed to", "se supone"}},
	{re: mustPattern(`\blogs? (?:\w+ ){0,2}out\b|\bkicks? (?:\w+ ){0,2}out\b|\bthrows? (?:\w+ ){0,2}out\b`), any: []string{"out"}},
	{re: mustPattern(`\b(?:have|has|had|need) to (?:\w+ ){0,5}(?:again|re-?enter|retype|redo)\b|\btenemos que volver a\b|\bhay que volver a\b|\btienen que volver a\b`), any: []string{"again", "re-enter", "reenter", "retype", "redo", "volver a"}},
	{re: mustPattern(`\breset(?:s)? (?:every|each|whenever|when|after|itself|themselves)\b|\bse (?:resetea|reinicia|borra|borran|pierde|pierden) (?:cada|al|cuando|solo|sola)\b`), any: []string{"reset", "resets", "se"}},
	{re: mustPattern(`\b(?:sent|shown|shows|displayed|displays|arrive|arrives|appear|appears|printed|generated|receive|receives|get|gets|see|sees|are|is|salen|ven|vemos|sale|llegan|llega|aparecen|aparece|reciben|recibe|se envian|se envia|se muestran|se muestra|se generan|se imprimen) (?:\w+ ){0,6}(?:in|en) (?:french|english|spanish|german|italian|ingles|frances|aleman|espanol|castellano|italiano)\b`), any: []string{"english", "ingles", "spanish", "espanol", "german", "aleman", "french", "frances", "italian", "italiano", "castellano"}},
	{re: mustPattern(`\beven (?:for|with|when|though)\b|\bincluso (?:para|con|cuando)\b`), any: []string{"even", "incluso"}},
	{re: mustPattern(`\b(?:arrives?|arrived|comes?|came|appears?|appeared|shows?|showed|shown|printed|saved|sent|goes out|go out|sale|salen|aparece|aparecen|llega|llegan|se guarda|se guardan|se imprime|se imprimen|se envia|se envian|queda|quedan) (?:\w+ ){0,4}(?:without|sin) (?:the|any|a|its|their|la|el|los|las|ningun|ninguna|su|sus)\b`), any: []string{"without", "sin"}},
	{re: mustPattern(`\b(?:although|while|whereas|but|aunque|mientras que|pero) (?:on|in|from|with|en|con|desde|el|la) [^.;]{0,50}\b(?:works?|looks?|shows?|loads?|is|are|se ven?|funciona|funcionan|sale|salen|aparece|aparecen|carga|cargan) (?:fine|ok|correct|correctly|right|normal|normally|bien|correctamente|perfectamente|normal)\b`), any: []string{"fine", "ok", "correct", "correctly", "right", "normal", "normally", "bien", "correctamente", "perfectamente"}},
	{re: mustPattern(`\bno (?:se |lo |la |le |les |nos |me )?[a-z]{3,}(?:a|an|e|en)\b`), any: []string{"no"}},
	{re: mustPattern(`\b(?:del mes anterior|de la semana anterior|del dia anterior|from the previous (?:month|week|day)|from last (?:month|week))\b|\b(?:que no es|que no son|which is not|that is not|who is not|which isn't|that isn't|who isn't) (?:el|la|los|las|the) (?:configurad|correct|right|correspondiente|asignad|expected|configured|one)`), any: []string{"anterior", "previous", "last month", "last week", "no es", "no son", "not the", "n't the"}},
	{re: mustPattern(`\bdeber[ií]an? [^.;]{0,100}\by (?:estan|se estan|llegan|van|salen|aparecen|se envian)\b`), any: []string{"deberia", "deberian"}},
	{re: mustPattern(`\b(?:(?:has|have|had|is|are|was|were) not|hasn't|haven't|hadn't|isn't|aren't|wasn't|weren't) (?:been |being )?(?:sent|created|generated|delivered|received|processed|updated|synced|synchronised|synchronized|imported|paid|signed|saved|shown|printed|posted|applied|calculated|triggered)\b`), any: []string{"not", "n't"}},
	{re: mustPattern(`\b(?:de otro cliente|de otros clientes|de otra empresa|de otra persona|de otro usuario|para otro cliente|(?:of|for|from) another customer|of other customers|another customer's|other customers'|someone else's|of another user|another user's)\b`), any: []string{"otro", "otra", "otros", "otras", "other", "another", "someone"}},
	{re: mustPattern(`\b(?:sale|salen|aparece|aparecen|figura|figuran|shows?|says?|lists?|comes? out) (?:con |with )?\d+ [^.;]{0,40}\b(?:cuando|pero|but|when|although|aunque|while|mientras)\b[^.;]{0,40}\d`), any: []string{"cuando", "pero", "but", "when", "although", "aunque", "while", "mientras"}},
	{re: mustPattern(`\b(?:fecha real|real date|actual date|fecha correcta|correct date)\b`), any: []string{"real", "actual", "correct", "correcta"}},
	{re: mustPattern(`\b(?:aparece|aparecen|sale|salen|llega|llegan|queda|quedan|se guarda|se guardan|figura|figuran) (?:\w+ ){0,4}sin \w+`), any: []string{"sin"}},
	{re: mustPattern(`\b(?:cuando|when|whereas|mientras)\b[^.;]{0,80}\b(?:esta|estan|is|are) (?:configurad[oa]s?|set|configured|puest[oa]s?)\b`), any: []string{"cuando", "when", "whereas", "mientras"}},
	{re: mustPattern(`\b(?:dice|dicen|says|say|shows|muestra|muestran|indica|pone)\b[^.;]{0,60}\d[^.;]{0,60}\b(?:pero|but|while|mientras)\b[^.;]{0,60}\d`), any: []string{"pero", "but", "while", "mientras"}},
	{re: mustPattern(`\buntil (?:we|i|they|you|someone) (?:restart|reboot|reload|refresh|log out|log in again|clear|reinstall)\b|\bhasta que (?:no )?(?:reiniciamos|reinicia|reinician|volvemos a entrar|recargamos|cerramos|borramos)\b`), any: []string{"until", "hasta"}},
	{re: mustPattern(`\bnothing (?:\w+ ){0,3}(?:reaches|arrives|gets|goes|shows|loads|happens|works|comes)\b|\bnada (?:\w+ ){0,3}(?:llega|carga|funciona|sale|aparece|entra)\b`), any: []string{"nothing", "nada"}},
	{re: mustPattern(`\b(?:although|even though|aunque|a pesar de que) (?:\w+ ){0,6}(?:says|shows|indicates|states|lists|indica|dice|pone|muestra|figura|consta|is in|are in|are both|is set|are set|belongs?|esta en|estan en|esta configurad|son de|es de|aparece como|figura como|consta como)`), any: []string{"although", "even though", "aunque", "a pesar"}},
	{re: mustPattern(`\b(?:says|shows|displays|reads|throws|gives|returns|pops up|dice|muestra|pone|sale|salta|aparece|da|devuelve|devuelven) (?:como |as )?(?:the |an |a |el |la |un |una )?(?:message |error |warning |mensaje |aviso |error de )?["«“]`), any: []string{"\"", "«", "“"}},
	{re: mustPattern(`\bdeber[ií]an?\b[^.;]{0,120}\b(?:pero|sin embargo|en cambio|en su lugar)\b`), any: []string{"deberia", "deberian"}},
	{re: mustPattern(`\btakes? (?:about |around |over |more than |almost |up to |nearly )?(?:\d+|two|three|four|five|ten|several|many|a few) (?:full )?(?:minutes|seconds|hours)\b`), any: []string{"take", "takes"}},
	{re: mustPattern(`\btarda(?:n|mos)? (?:unos |mas de |casi |hasta |alrededor de )?(?:\d+|dos|tres|cuatro|cinco|diez|varios|unos) (?:minutos|segundos|horas)\b`), any: []string{"tarda", "tardan", "tardamos"}},
	{re: mustPattern(`\bantes (?:siempre )?(?:funcionaba|cargaba|salia|aparecia|se abria|tardaba|llegaba|se enviaba|iba|mostraba|se generaba|se calculaba|cuadraba|coincidia|encontraba)`), any: []string{"antes"}},
	{re: mustPattern(`\b(?:although|even though|despite|aunque|a pesar de que)\b[^.;]{0,80}\b(?:is|are|was|were|has been|have been|esta|estan|tiene|tienen) (?:set|configured|correct|fine|there|active|enabled|valid|linked|configurad[oa]s?|bien|correct[oa]s?|activ[oa]s?|puest[oa]s?|marcad[oa]s?)\b`), any: []string{"although", "even though", "despite", "aunque", "a pesar"}},
	{re: mustPattern(`\b(?:in|en) (?:english|ingles|spanish|espanol|german|aleman|french|frances)\b[^.;]{0,40}\b(?:for|to|instead|para|a nuestros|a los|en lugar|en vez)\b`), any: []string{"english", "ingles", "spanish", "espanol", "german", "aleman", "french", "frances"}},
}

// noVerbNotSymptom are "no <verb>" phrases that report nothing broken.
var noVerbNotSymptom = map[string]bool{
	"no hay": true, "no tiene": true, "no tienen": true, "no sabe": true, "no queda": true,
	"no quiere": true, "no necesita": true, "no importa": true, "no corre": true,
	"no hace": true, "no esta": true, "no era": true, "no sea": true, "no tenga": true,
	"no pasa": true, "no se si": true, "no me importa": true, "no entra": false,
	"no se trata": true, "no se preocupe": true, "no urge": true, "no siempre": true,
	"no queremos": false, "no debe": true, "no deberia": true, "no podria": true,
}

// peopleNoVerb is "no <verb>" about what people know or find, not about
// what the product does: "no lo reconocen", "no saben".
var peopleNoVerb = mustPattern(`^no (?:se |lo |la |le |les |nos |me )?(?:reconoc|entiend|sab|recuerd|conoc|quier|acuerd|import|gust)`)

// fineWithout reports whether "sin ..." says nothing went wrong ("sale sin
// problemas").
func fineWithout(m string) bool {
	for _, w := range []string{"sin problema", "sin error", "sin incidencia", "sin novedad", "sin retraso"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}

// nextWords returns the first n words of s (folded), space-separated.
func nextWords(s string, n int) string {
	fs := strings.Fields(truncate(s, 80))
	if len(fs) > n {
		fs = fs[:n]
	}
	return strings.Join(fs, " ")
}

// selfNegated reports whether a symptom phrase holds its own negation
// ("doesn't work", "no funciona"), which a negation before it does not undo.
func selfNegated(p string) bool {
	for _, n := range []string{"n't", "not ", "no ", "never", "unable", "cannot", "nothing", "nada", "nunca", "impossible", "imposible", "sin "} {
		if strings.Contains(p, n) {
			return true
		}
	}
	return p == "no" || p == "cannot"
}

// conditionBefore puts a symptom in a condition or a question of what
// would happen: "if the upload fails", "por si falla", "what is failing".
var conditionBefore = mustPattern(`\b(?:if|si|in case|just in case|por si|en caso de que|en caso de|whether|what is|what's|lo que)\s+(?:[^\s.;:!?]+\s+){0,8}$`)

// purposeBefore puts a symptom in a purpose clause: "so that he can no
// longer sign in", "para que no pueda entrar".
var purposeBefore = mustPattern(`\b(?:so that (?:he|she|they|nobody|no one)|so (?:he|she|they|nobody|no one) (?:can|can't|cannot|won't|will|is able|are able)|para que|de modo que|de forma que|in order)\s+(?:[^\s.;:!?]+\s+){0,4}$`)

// modalBefore: a modal before "no longer" makes a request of it.
var modalBefore = mustPattern(`\b(?:should|must|will|would|shall|debe|deberia|debera|tiene que)\s+(?:be\s+)?$`)

// notSymptom are phrases around a symptom word that ask or wonder rather
// than report: "can you tell us what's wrong", "can't see anything unusual".
var notSymptom = mustPattern(`what(?:'s| is) wrong|que (?:esta mal|pasa|ocurre|falla)\b|see anything (?:unusual|wrong|odd|strange)|ver nada (?:raro|extrano)|no problem|sin problema|no issue`)

// countAfter makes a number a count: "500 records", "401 facturas".
var countAfter = mustPattern(`^\s+(?:records?|rows?|items?|results?|lines?|entries|invoices?|orders?|documents?|users?|stops?|parcels?|euros?|eur|registros?|filas?|resultados?|lineas?|facturas?|pedidos?|documentos?|usuarios?|paradas?|bultos?)\b`)

// isStatus reports whether a symptom phrase is a bare HTTP status code.
func isStatus(p string) bool { return len(p) == 3 && isDigit(p[0]) }

// statusContext reports whether a bare three-digit number at i reads as an
// HTTP status: "a 401", "got 500", "error 403", "HTTP 502", "un 401".
func statusContext(f string, i int) bool {
	if countAfter.MatchString(f[min(len(f), i+3):]) {
		return false // "we get 500 records back"
	}
	before := strings.Fields(f[max(0, i-24):i])
	if len(before) == 0 {
		return false
	}
	switch before[len(before)-1] {
	case "a", "an", "un", "una", "got", "get", "gets", "getting", "receive", "receives",
		"received", "receiving", "return", "returns", "returned", "returning", "http", "error",
		"status", "code", "with", "recibe", "recibimos", "recibo", "da", "dan", "devuelve",
		"devuelven", "devolvio", "responde", "codigo", "estado", "throws", "throw", "gives",
		"give", "giving", "answers", "answered", "con", "el", "of", "de", "http/1.1",
		"http/2", "api", "(":
		return true
	}
	return false
}
