package rules

// checkEvidence fires for an incident (something fails, an error appears)
// without a screenshot or video. Other categories need other evidence: the
// call and response of an API error, the file of a failed upload, the link
// of a document; a question needs none.
func checkEvidence(in *input) *Finding {
	if in.category != Incident {
		return nil
	}
	for _, a := range in.msg.Attachments {
		if isScreenshot(a) {
			return nil
		}
	}
	return &Finding{
		Rule:    RuleEvidenceAttached,
		Outcome: NeedsInfo,
		Message: Text{
			EN: "We need to see the problem: your message has no screenshot or video attached.",
			ES: "Necesitamos ver el problema: su mensaje no incluye ninguna captura de pantalla ni vídeo.",
		},
		Request: Text{
			EN: "Reply to this email with a screenshot or a short video that shows the error, with the whole window visible.",
			ES: "Responda a este correo con una captura de pantalla o un vídeo breve que muestre el error, con toda la ventana visible.",
		},
	}
}
