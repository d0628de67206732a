package rules

// checkUploadFiles fires for a failed upload without the file that fails:
// any attachment other than screenshots, videos and mail noise (signatures,
// vCards...). A bulk upload (BulkUpload words: "bulk", "csv", "import",
// "carga masiva"...) needs the CSV file itself.
func checkUploadFiles(in *input) *Finding {
	if in.category != Upload {
		return nil
	}
	var file, csv bool
	for _, a := range in.msg.Attachments {
		file = file || isCustomerFile(a)
		csv = csv || isCSV(a)
	}
	if in.sig.bulk {
		if csv {
			return nil
		}
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
	if file {
		return nil
	}
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
