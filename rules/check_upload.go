package rules

// checkUploadFiles fires for a failed upload without the files that fail:
// any attachment other than screenshots, videos and mail noise (signatures,
// vCards...), a file inside a ZIP or winmail.dat, or a link to a file share
// (Policy.EvidenceHosts). A bulk upload ("bulk", "csv", "carga masiva"...)
// needs the CSV file itself (attached, zipped or shared).
func checkUploadFiles(in *input) *Finding {
	if in.category != Upload {
		return nil
	}
	if f := customerFile(in.msg.Attachments, in.bulk, in.text); f != "" {
		in.note(RuleUploadFiles, false, "file: "+f)
		return nil
	}
	if u := in.evidenceLink(); u != "" {
		in.note(RuleUploadFiles, false, "shared files: "+u)
		return nil
	}
	if in.bulk {
		in.note(RuleUploadFiles, true, "bulk import without a CSV attached or shared")
		return &Finding{
			Rule:    RuleUploadFiles,
			Outcome: NeedsInfo,
			Message: Text{
				EN: "To check a failed bulk import we need the CSV file you tried to import, and it is not attached.",
				ES: "Para revisar una carga masiva fallida necesitamos el fichero CSV que intentó importar, y no está adjunto.",
			},
			Request: Text{
				EN: "Reply to this email attaching the CSV file exactly as you tried to import it.",
				ES: "Responda a este correo adjuntando el fichero CSV tal como intentó importarlo.",
			},
		}
	}
	in.note(RuleUploadFiles, true, "upload without the failing file attached or shared")
	return &Finding{
		Rule:    RuleUploadFiles,
		Outcome: NeedsInfo,
		Message: Text{
			EN: "To check a failed upload we need the file you tried to upload, and it is not attached.",
			ES: "Para revisar una subida fallida necesitamos el fichero que intentó subir, y no está adjunto.",
		},
		Request: Text{
			EN: "Reply to this email attaching the file that fails to upload (PDF, Excel, XML, ZIP...), exactly as you tried to upload it.",
			ES: "Responda a este correo adjuntando el fichero que no se puede subir (PDF, Excel, XML, ZIP...), tal como intentó subirlo.",
		},
	}
}
