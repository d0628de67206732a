package rules

// checkEvidence fires for an incident (something in the product
// malfunctions) without anything that shows it: a screenshot or video in
// any form (attached, pasted inline, a data: image, inside a ZIP, a PDF or
// winmail.dat, a browser recording) or a link to a recording or file share
// (Policy.EvidenceHosts). Other categories need other evidence: the call and
// response of an API error, the file of a failed upload, the link of a
// document; a question needs none.
func checkEvidence(in *input) *Finding {
	if in.category != Incident {
		return nil
	}
	if a := visualEvidence(in.msg.Attachments); a != "" {
		in.note(RuleEvidenceAttached, false, "evidence: "+a)
		return nil
	}
	if u := in.evidenceLink(); u != "" {
		in.note(RuleEvidenceAttached, false, "evidence link: "+u)
		return nil
	}
	in.note(RuleEvidenceAttached, true, "no screenshot, video or recording link")
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
