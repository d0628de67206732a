package rules

// A statement is a sentence of the customer's that says something in the
// product malfunctions, with the phrase that says so.
type statement struct {
	unit    int // index into input.units; -1 for the subject
	text    string
	fold    string
	symptom string
}

// Topic expressions, over folded sentences. Each names what a malfunction
// is about; a topic counts only in a statement of malfunction (or the
// subject), never in passing context, signatures or footers.
var (
	// apiStrong names an API on its own.
	apiStrong = mustPattern(`\b(?:power automate|zapier|make\.com|n8n|workato|logic apps?|(?:calls?|requests?|llamadas?|peticion|peticiones) (?:from|made by|sent by|de|desde|que hace|que hacen) (?:our|nuestro|nuestra|nuestros)|(?:import|export|create|update|delete|post|get|put|sync|api|http|rest|integration) (?:calls?|requests?)|(?:llamadas?|peticion|peticiones) (?:a la api|http|de la integracion|de importacion)|apis?|rest api|endpoints?|webhooks?|sdk|graphql|curl|postman|swagger|openapi|oauth2?|bearer|access token|api key|status code|http status|codigo de estado|codigo http|llamadas? a la api)\b`)
	// apiWeak names an integration; with an HTTP error status it is an API error.
	apiWeak = mustPattern(`\b(?:integrations?|integracion|integraciones|connectors?|conector|conectores|erp|sap|netsuite|dynamics|salesforce|requests?|peticion|peticiones|llamadas?|calls?|payload|tokens?|server|servidor|json|responses?|respuesta|sync job|middleware|zapier|make\.com|http|our system|our software|our erp|our app|nuestro sistema|nuestro software|nuestro programa|nuestra intranet|intranet|parametros?|parameters?|query|consulta|script|scripts|sync|sincronizacion|sincronizaciones|cron|job|remote|remoto|sage|xero|quickbooks|holded|odoo|navision|business central|dynamics)\b`)
	// positiveClause is a clause that says something works; its words
	// are not what the malfunction is about ("the API works fine, the
	// problem is on the screen").
	positiveClause = mustPattern(`[^.;,:]*\b(?:works? (?:fine|well|correctly|ok|perfectly)|worked (?:fine|well)|is fine|are fine|is correct|are correct|is ok|are ok|funcionan? (?:bien|correctamente|perfectamente)|esta(?:n)? bien|son correct[oa]s|es correct[oa]|va bien|van bien)\b[^.;,:]*`)
	// apiOwnSystem is an integration of the customer's own system with
	// ours ("the nightly sync from our WMS", "la integración con nuestro ERP").
	apiOwnSystem = mustPattern(`\b(?:sync|syncs|synchronization|integration|connector|job|jobs|script|interface|sincronizacion|integracion|conector|proceso|interfaz)\b[^.;]{0,60}\b(?:from|with|to|de|desde|con|a) (?:our|nuestro|nuestra) (?:wms|erp|tms|crm|system|sistema|software|tool|herramienta|shop|tienda|intranet)\b`)
	// ownSystemRef names the customer's own system that talks to ours:
	// "creating envelopes from our patient system fails with 409".
	ownSystemRef = mustPattern(`\b(?:from|with|to|de|desde|con|a|by|por) (?:our|nuestro|nuestra)(?: [\w-]+){0,2} (?:wms|erp|tms|crm|system|sistema|software|tool|herramienta|shop|tienda|intranet|backend|server|servidor|middleware|platform|plataforma)\b`)
	// bareStatus is an HTTP error status named by its number alone: "with
	// a 422", "got a 401", "nos da un 500".
	bareStatus = mustPattern(`\b(?:a|an|un|una|with|with a|with an|con|con un|got|gets|get|getting|returns?|returned|devuelve|devuelven|recibe|recibimos|da|dan) ([45][0-9][0-9])\b`)
	// uiWords put a malfunction on a screen of ours, not in an integration.
	uiWords = mustPattern(`\b(?:button|click|clicks|clicking|tab|menu|screen|page|boton|pulsar|pulsamos|pulso|pestana|pantalla|pagina)\b`)
	// apiIntegration names a connection between systems on its own.
	apiIntegration = mustPattern(`\b(?:connector|connectors|conector|conectores|integration|integrations|integracion|integraciones|middleware|sync job)\b`)
	// statusWords name an HTTP answer without its number.
	statusWords = mustPattern(`\b(?:unauthorized|unauthorised|forbidden|bad request|conflict|not found|internal server error|bad gateway|service unavailable|gateway timeout|too many requests|unprocessable|invalid_grant|invalid_client|invalid_token|unauthorized_client|access_denied|invalid_request)\b`)
	// apiTimeout is a timeout, which with an integration word is an API error.
	apiTimeout = mustPattern(`\b(?:timeouts?|time ?outs?|timed out|tiempo de espera|se agota el tiempo)\b`)
	// uploadAction is the act of uploading or importing (not "uploaded",
	// which describes something already in).
	uploadAction = mustPattern(`\b(?:upload|uploads|uploading|uploader|import|imports|importing|importer|bulk|mass upload|mass import|subir|subirla|subirlas|subirlo|subirlos|subo|subimos|suben|subiendo|(?:la|una|de la|en la|durante la|tras la) subida|importar|importarla|importarlo|importarlas|importarlos|importo|importamos|importando|importacion|importaciones|carga masiva|carga de (?:archivos|ficheros|documentos|facturas|datos)|cargar (?:el |un |los |unos |la |las )?(?:archivos?|ficheros?|csv|excel|documentos?|pdfs?|facturas?|xml)|adjuntar (?:el |un |los )?(?:archivos?|ficheros?))\b` +
		`|\b(?:can't|cannot|couldn't|could not|won't|not|never|failed to|fails to|unable to)\s+(?:be\s+)?(?:uploaded|imported)\b` +
		`|\bno se (?:ha |han |puede |pueden |pudo |pudieron )?(?:subir|subido|subidos|subidas|importar|importado|importados|importadas|cargar|cargado)\b`)
	// uploadFine says the upload itself worked and what fails comes after.
	uploadFine = mustPattern(`\b(?:la subida|the upload|el upload|upload) (?:fue|went|was|se hizo) (?:bien|fine|ok|correcta|successful|correctamente)|\bsubida completada|\bupload (?:complete|completed|successful)|` + `\b(?:upload|import)s? (?:itself |themselves )?(?:went|worked|was|were|goes|go|is|are) (?:fine|ok|okay|well|through|successful)|` + `\b(?:uploaded|imported|upload|import) (?:fine|ok|okay|successfully|correctly|without (?:any )?(?:problem|issue|error)s?)|\b(?:after|once) (?:uploading|upload|importing|import|they are uploaded|they're uploaded|being uploaded)|\bse (?:suben|sube|subieron|subio|importan|importa|importaron|importo|cargan|carga|cargaron|cargo) (?:bien|correctamente|sin (?:ningun )?problemas?|sin errores)|\b(?:despues de|tras|una vez) (?:subir|subirlas|subirlos|subidas|subidos|importar|importarlas|cargar)`)
	// pastUpload is an upload told as done before what fails ("las facturas
	// que subimos ayer siguen en Pendiente"): a passing mention.
	pastUpload = mustPattern(`\bque (?:subimos|subi|subieron|subio|importamos|importaron|cargamos|cargaron|hemos subido|han subido|hemos importado)\b|\b(?:we|i|they) (?:uploaded|imported|have uploaded|had uploaded)\b`)
	// bulkWords mark a bulk upload, which needs the CSV.
	bulkWords = mustPattern(`\b(?:bulk|mass upload|mass import|csv|masiva|masivo|importacion de (?:clientes|usuarios|contactos|productos|datos)|batch import|import file|fichero de importacion|plantilla de importacion)\b`)
	// docNoun is a business document a customer can link.
	docNoun = `(?:document|invoice|contract|agreement|delivery note|credit note|purchase order|order confirmation|quote|quotation|proposal|envelope|bill of lading|waybill|packing list|consent form|letter|documento|factura|contrato|albaran|presupuesto|acuerdo|nota de entrega|nota de credito|orden de compra|abono|consentimiento|carta)`
	// errorCode is an error code after a document noun, not its number
	// ("no se ha podido generar el documento (PDF-500)").
	errorCode = mustPattern(`(?:\(|\b)(?:pdf|err|error|http|code|e|ex|sql)[-_ ]?\d`)
	// amountAfter: a number followed by a currency is an amount, not a
	// document's identifier ("una factura de 1.250,00 €").
	amountAfter = mustPattern(`^[,.]?\d*\s*(?:€|eur\b|euros\b|usd\b|\$|%|gbp\b|£)`)
	// docGenericAfter is a word after a document noun that makes it a
	// feature ("the document list", "the invoice editor"), not one document.
	docGenericAfter = mustPattern(`^\s*(?:list|lists|editor|viewer|module|page|pages|section|search|tab|menu|view|library|templates?|settings|upload|uploads|management|folder|folders|history|queue|screen|area|center|centre|numbering|numbers|sequence|sequences|series|type|types|flow|workflow|archive|storage|export|exports|import|imports|generator|status|overview|dashboard|inbox|portal|feature|function)\b`)
	// howTo opens a question about how to do something.
	howTo = mustPattern(`^(?:hi|hello|hola|buenas|buenos dias)?[, ]*(?:how do|how can|how should|how would|how to|is it possible|is there a way|can i|can we|could you tell|where can|where do|what is the best way|como puedo|como podemos|como se|como hago|como hacemos|es posible|se puede|hay alguna forma|hay alguna manera|hay forma|donde puedo|donde se|podriais indicarme|podrian indicarme|quisiera saber|queria saber|me gustaria saber)`)
	// accessLoss is a symptom that a self-service request resolves: "she
	// lost her phone and can't log in; please reset her 2FA".
	accessLoss = mustPattern(`\b(?:can't|cannot|unable to|couldn't|no puede|no pueden|no puedo|no consigue) (?:log ?in|sign in|access|get in|entrar|acceder|iniciar sesion|loguearse)|\b(?:lost|forgot|new phone|get past|was replaced|replaced|changed (?:his|her|their) phone|locked out|doesn't remember|does not remember|don't remember|no recuerda|no la recuerda|no lo recuerda|no se acuerda|ha perdido|perdio|olvido|ha olvidado|movil nuevo|telefono nuevo|cambio de movil|bloquead[oa]|robaron el movil|stolen phone|phone was stolen)\b` +
		// the second factor's codes stop coming, which a reset resolves
		`|\b(?:no (?:recibe|recibo|le llegan|me llegan|puede generar|puedo generar|genera)|ya no (?:recibe|le llegan|genera)|(?:can't|cannot|doesn't|does not|no longer) (?:generate|get|receive|gets|receives))\b[^.;]{0,30}\b` +
		`(?:codigos? (?:del doble factor|de doble factor|de verificacion|de seguridad|de acceso|para (?:entrar|acceder|iniciar sesion))|(?:login|verification|security|authentication|authenticator|2fa|two-factor|one-time) codes?|codes? (?:to (?:log ?in|sign in)|for (?:the )?(?:login|2fa|two-factor)))`)
)

// Gates of the topic expressions.
var (
	apiGate = gated{any: []string{"power automate", "zapier", "make.com", "n8n", "workato", "logic app", "api", "rest", "endpoint", "webhook", "sdk", "graphql", "curl", "postman", "swagger",
		"oauth", "bearer", "token", "status code", "http", "codigo", "call", "request", "llamada", "peticion"}}
	ownSystemGate = gated{any: []string{"our ", "nuestr"}}
	apiWeakGate   = gated{any: []string{"integra", "connector", "conector", "erp", "sap", "netsuite", "dynamics",
		"salesforce", "request", "peticion", "llamada", "call", "payload", "token", "server", "servidor", "json",
		"respon", "sync", "middleware", "zapier", "make.com", "http", "our ", "nuestr", "intranet", "parame", "query",
		"consulta", "script", "sincroniza", "cron", "job", "remot", "sage", "xero", "quickbooks", "holded", "odoo",
		"navision", "business central"}}
	positiveGate = gated{any: []string{"fine", "well", "correct", "ok", "perfect", "bien"}}
	uploadGate   = gated{any: []string{"upload", "import", "bulk", "mass ", "subi", "subo", "suben", "subida", "carga",
		"cargar", "adjuntar"}}
)

// decideCategory puts the message into one category by what its
// statements of malfunction are about, and keeps the sentence that decided.
//
//  1. api_error: a malfunction of an API, webhook or integration call (API
//     words, or an HTTP error status next to an integration word), or one
//     reported with the exact call. It needs the call and the response.
//  2. upload: the act of uploading or importing fails. Something uploaded
//     fine that misbehaves later is an incident.
//  3. document: the malfunction concerns one specific document ("this
//     invoice", "contract C-2026-118"), or its link is given. It needs the link.
//  4. incident: any other malfunction. It needs a screenshot or video.
//  5. self_service: a request the customer's administrators can do alone
//     (a how-to question about it is a question); it wins over an incident
//     that only says someone lost access.
//  6. question: no malfunction.
func (in *input) decideCategory() {
	ms := in.mainStatements()
	in.kwAPI = in.kw.api.matchWords(in.words)
	if len(ms) == 0 {
		if req := in.selfServiceRequest(); req != "" {
			in.setCategory(SelfService, req)
		} else {
			in.setCategory(Question, "")
		}
		return
	}
	if !anyHardFailure(ms) {
		// A self-service request wins over statements that only say
		// someone lost access or that belong to the request itself.
		if req := in.selfServiceRequest(); req != "" && (onlyAccessLoss(ms) || onlyRequest(ms, req)) {
			in.setCategory(SelfService, req)
			return
		}
	}
	for _, s := range ms {
		if in.isAPIStatement(s) {
			in.setCategory(APIError, s.text)
			return
		}
	}
	if in.may(&pastedGate, in.own) {
		if loc := pastedResponse.FindStringIndex(in.own); loc != nil {
			in.setCategory(APIError, lineAround(in.own, loc[0]))
			return
		}
	}
	if s, ok := in.firstCall(); ok {
		in.setCategory(APIError, s)
		return
	}
	for _, s := range ms {
		if !in.may(&uploadGate, s.fold) {
			continue
		}
		if f := pastUpload.ReplaceAllString(s.fold, " "); uploadAction.MatchString(f) && !uploadFine.MatchString(f) {
			in.setCategory(Upload, s.text)
			in.bulk = bulkWords.MatchString(s.fold) || bulkWords.MatchString(in.foldSubject)
			return
		}
	}
	for _, s := range in.documentSentences(ms) {
		if s.symptom == "" {
			// A sentence beside the statement counts when it names the
			// document by its number: "In invoice F-2026-331 ...".
			if numberedDocument(s.fold) || demonstrativeDocument.MatchString(s.fold) {
				in.setCategory(Document, s.text)
				return
			}
			continue
		}
		if specificDocumentIn(s.fold, s.text) || in.theDocument(s) {
			in.setCategory(Document, s.text)
			return
		}
	}
	if in.docLink {
		in.setCategory(Document, ms[0].text)
		return
	}
	in.setCategory(Incident, ms[0].text)
}

// mainStatements are the statements of the first problem: those of units
// opened as another problem ("Also,", "Por otro lado") are left out when
// any other statement remains.
func (in *input) mainStatements() []statement {
	var out []statement
	for _, s := range in.statements {
		if s.unit >= 0 && in.units[s.unit].marked {
			continue
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return in.statements
	}
	return out
}

// anyHardFailure reports whether a statement names a hard failure (an
// error, a crash, an HTTP error status).
func anyHardFailure(ms []statement) bool {
	for _, s := range ms {
		if isHardFailure(s.symptom) || hasErrorStatus(statusCodes(s.fold)) {
			return true
		}
	}
	return false
}

func (in *input) setCategory(c Category, why string) {
	in.category = c
	in.categoryWhy = why
}

// isAPIStatement reports whether a statement of malfunction is about an API.
func (in *input) isAPIStatement(s statement) bool {
	f := s.fold
	if !in.kwAPI && !in.may(&apiGate, f) && !in.may(&apiWeakGate, f) && !in.may(&ownSystemGate, f) {
		return false // nothing of an API, an integration or the customer's own system
	}
	if in.may(&positiveGate, f) {
		f = positiveClause.ReplaceAllString(f, " ")
	}
	if in.may(&apiGate, f) && apiStrong.MatchString(f) || in.kwAPI && in.kw.api.match(f) {
		return true
	}
	if isHardFailure(s.symptom) && (apiIntegration.MatchString(f) || in.may(&ownSystemGate, f) && ownSystemRef.MatchString(f)) {
		return true // "the carrier connector errors", "falla desde nuestro CRM"
	}
	if in.may(&ownSystemGate, f) && (in.may(&apiWeakGate, f) && apiOwnSystem.MatchString(f) ||
		ownSystemRef.MatchString(f) && (hasErrorStatus(statusCodes(f)) || hasBareStatus(f) || statusWords.MatchString(f))) {
		return true
	}
	if !in.may(&apiWeakGate, f) || !apiWeak.MatchString(f) {
		return false
	}
	if uiWords.MatchString(f) {
		return false // "the Optimise button runs five minutes, then 'Request timed out'": the screen, not an integration
	}
	return hasErrorStatus(statusCodes(f)) || hasBareStatus(f) || isStatus(s.symptom) || s.symptom == "HTTP error status" ||
		apiTimeout.MatchString(f) || statusWords.MatchString(f)
}

// firstCall returns the sentence holding an exact API call (a method and a
// path, or a curl command) when the customer gave one with a malfunction.
func (in *input) firstCall() (string, bool) {
	if !in.may(&pastedGate, in.own) {
		return "", false
	}
	if loc := apiCall.FindStringIndex(in.own); loc != nil {
		return lineAround(in.own, loc[0]), true
	}
	return "", false
}

// pastedResponse is a server's answer pasted into a report of malfunction:
// an HTTP status line or a JSON error body.
var pastedResponse = mustPattern(`(?i)\bHTTP/[0-9.]+\s+[45]\d\d\b|\{\s*"(?:error|errors|message|status|code|detail|title)"\s*:`)

// hasBareStatus reports whether f names an HTTP error status by its number
// alone ("with a 422"), not a count ("we get 500 records").
func hasBareStatus(f string) bool {
	for _, loc := range bareStatus.FindAllStringSubmatchIndex(f, 4) {
		if !countAfter.MatchString(f[loc[3]:]) {
			return true
		}
	}
	return false
}
