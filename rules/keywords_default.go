package rules

// DefaultKeywords returns the shipped English and Spanish keyword sets. Each
// call returns fresh slices, so callers may modify the result.
//
// Words match on word boundaries after folding (lower case, no accents), so
// a list names each inflected form it wants ("fail", "fails", "failed"):
// "no funciona" matches "NO FUNCIONA" but not "no funcionó", listed apart.
// Document holds phrases that point at one specific document ("the
// document", "el documento"), not the bare word, which every upload and
// export mentions.
func DefaultKeywords() Keywords {
	return Keywords{
		GenericSubject: []string{
			"help", "help needed", "need help", "urgent", "urgently", "asap", "important",
			"problem", "problems", "issue", "issues", "error", "errors", "bug", "fault",
			"question", "questions", "query", "request", "support", "ticket", "incident",
			"hello", "hi", "hey", "please", "pls", "thanks", "info", "information",
			"ayuda", "urgente", "urgencia", "importante", "incidencia", "incidencias",
			"problema", "problemas", "fallo", "consulta", "consultas", "pregunta", "duda",
			"dudas", "solicitud", "soporte", "hola", "buenas", "buenos días", "buenas tardes",
			"por favor", "gracias", "información",
		},
		Incident: []string{
			"error", "errors", "fail", "fails", "failed", "failing", "failure", "crash",
			"crashes", "crashed", "broken", "bug", "exception", "not working", "isn't working",
			"is not working", "doesn't work", "does not work", "don't work", "stopped working",
			"won't load", "does not load", "doesn't load", "not loading", "not responding",
			"unable to", "cannot log in", "can't log in", "cannot login", "can't login",
			"cannot access", "can't access", "cannot open", "can't open", "cannot save",
			"can't save", "cannot upload", "can't upload", "cannot import", "can't import",
			"freezes", "frozen", "hangs", "stuck", "blank page", "white screen", "timeout",
			"timed out", "wrong", "incorrect", "rejected", "rejects",
			"falla", "fallan", "fallo", "falló", "fallos", "errores", "no funciona",
			"no funcionan", "no funcionó", "dejó de funcionar", "ha dejado de funcionar",
			"no carga", "no cargan", "no abre", "no se abre", "no responde", "no me deja",
			"no puedo acceder", "no puedo entrar", "no puedo guardar", "no puedo subir",
			"no puedo importar", "no se guarda", "no guarda", "se cuelga", "se bloquea",
			"bloqueado", "caído", "pantalla en blanco", "excepción", "incorrecto",
			"incorrecta", "incorrectos", "incorrectas", "erróneo", "errónea", "rechaza",
			"rechazado", "tiempo de espera agotado",
		},
		APIError: []string{
			"api", "rest api", "endpoint", "endpoints", "webhook", "webhooks", "integration",
			"status code", "http status", "http error", "http code", "payload",
			"curl", "postman", "oauth", "access token", "api key", "bearer", "sdk", "graphql",
			"integración", "código de estado", "petición", "llamada a la api",
		},
		Upload: []string{
			"upload", "uploads", "uploaded", "uploading", "import", "imports", "imported",
			"importing", "subir", "subo", "subida", "subido", "importar", "importo",
			"importación", "importado", "carga de archivos", "carga de ficheros",
			"carga masiva", "cargar el archivo", "cargar un archivo", "cargar archivos",
			"cargar el fichero", "cargar ficheros",
		},
		BulkUpload: []string{
			"bulk", "mass upload", "mass import", "csv", "import", "imports", "importing",
			"masiva", "masivo", "importación", "importar", "carga masiva",
		},
		Document: []string{
			"this document", "the document", "that document", "my document", "our document",
			"these documents", "the documents", "document id", "document number",
			"este documento", "el documento", "ese documento", "mi documento",
			"nuestro documento", "del documento", "al documento", "estos documentos",
			"los documentos", "número de documento", "id del documento",
		},
		SelfService: []string{
			"create a user", "create user", "create a new user", "create an account for",
			"add a user", "add user", "add a new user", "new user account", "remove a user",
			"remove user", "remove the user", "delete a user", "delete user", "delete the user",
			"deactivate a user", "disable a user", "reset password", "reset my password",
			"reset the password", "reset his password", "reset her password",
			"reset their password", "password reset", "change my password",
			"change the password", "change password", "change a role", "change the role",
			"change role", "change his role", "change her role", "change permissions",
			"change the permissions", "change my email", "change the email address",
			"update my email", "update the email address", "update email address",
			"update my profile", "update profile",
			"crear un usuario", "crear usuario", "crear un nuevo usuario",
			"dar de alta un usuario", "dar de alta a un usuario", "alta de usuario",
			"alta de un usuario", "eliminar usuario", "eliminar un usuario",
			"eliminar el usuario", "eliminar al usuario", "borrar un usuario",
			"dar de baja un usuario", "dar de baja al usuario", "restablecer la contraseña",
			"restablecer contraseña", "restablecer mi contraseña", "resetear la contraseña",
			"cambiar la contraseña", "cambiar contraseña", "cambiar mi contraseña",
			"cambiar el rol", "cambiar rol", "cambiar permisos", "cambiar los permisos",
			"cambiar el correo", "cambiar mi correo", "actualizar el correo",
			"actualizar mi perfil", "actualizar el perfil",
		},
		Question: []string{
			"how do i", "how can i", "how do we", "how can we", "how to", "is it possible",
			"is there a way", "where can i", "where do i", "can i", "can we", "what is the",
			"cómo puedo", "cómo podemos", "cómo se", "cómo hago", "es posible", "se puede",
			"hay alguna forma", "hay alguna manera", "dónde puedo", "quisiera saber",
			"me gustaría saber",
		},
		MultipleIssues: []string{
			"another issue", "another problem", "a second issue",
			"a second problem", "second issue", "second problem", "also,", "in addition",
			"on another note", "separately,", "otro problema", "otra incidencia",
			"un segundo problema", "segundo problema", "además,", "por otro lado",
			"por otra parte", "también tenemos", "aparte de eso",
		},
		Warranty: []string{"warranty", "garantía"},
	}
}

// problemNouns name a problem without saying how it fails; with the incident
// words they tell whether a list item or a sentence describes a problem.
var problemNouns = []string{
	"problem", "problems", "issue", "issues", "bug", "bugs", "error", "errors",
	"problema", "problemas", "incidencia", "incidencias", "fallo", "fallos",
}

// fillerWords carry no meaning in a subject: a subject made of generic words
// and these ("We have a problem", "Tenemos un problema urgente") is generic.
// Keys are folded (no accents).
var fillerWords = map[string]bool{
	"a": true, "an": true, "the": true, "we": true, "i": true, "my": true, "our": true,
	"me": true, "us": true, "it": true, "is": true, "are": true, "have": true,
	"has": true, "need": true, "needs": true, "needed": true, "with": true,
	"for": true, "to": true, "of": true, "some": true, "this": true, "there": true,
	"again": true, "still": true, "very": true, "and": true, "or": true, "in": true,
	"on": true, "about": true, "new": true, "small": true, "big": true, "quick": true,
	"un": true, "una": true, "el": true, "la": true, "los": true, "las": true,
	"de": true, "del": true, "con": true, "para": true, "por": true, "tengo": true,
	"tenemos": true, "necesito": true, "necesitamos": true, "hay": true, "mi": true,
	"nuestro": true, "nuestra": true, "muy": true, "y": true, "o": true, "en": true,
	"sobre": true, "nuevo": true, "nueva": true, "otra": true, "otro": true,
	"vez": true, "favor": true, "pequena": true, "rapida": true,
}
