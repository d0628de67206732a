package rules

// checkDocumentLink fires when the problem concerns a specific document and
// no URL of the mail matches Policy.DocumentURLPatterns. Without patterns
// configured, any http(s) URL counts as the link.
func checkDocumentLink(in *input) *Finding {
	if in.category != Document {
		return nil
	}
	if in.docLink {
		in.note(RuleDocumentLink, false, "document link given")
		return nil
	}
	if len(in.policy.DocumentURLPatterns) == 0 && len(in.urls) > 0 {
		return nil
	}
	in.note(RuleDocumentLink, true, "no link matching rules.document_url_patterns")
	return &Finding{
		Rule:    RuleDocumentLink,
		Outcome: NeedsInfo,
		Message: Text{
			EN: "Your message is about a specific document, but it does not include the link to it.",
			ES: "Su mensaje trata sobre un documento concreto, pero no incluye el enlace al mismo.",
		},
		Request: Text{
			EN: "Reply to this email with the link to the document: open it and copy the address from your browser's address bar.",
			ES: "Responda a este correo con el enlace al documento: ábralo y copie la dirección de la barra de direcciones del navegador.",
		},
	}
}
