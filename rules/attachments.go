package rules

import (
	"strings"

	"github.com/ticketd/ticketd/intake"
)

// logoMaxBytes: an inline image smaller than this is taken for a signature
// logo or a tracking pixel, not a screenshot.
const logoMaxBytes = 8 << 10

// visualExtensions are the file extensions of images and videos, used when a
// mail client sends a screenshot or video as application/octet-stream.
var visualExtensions = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true,
	".webp": true, ".heic": true, ".tif": true, ".tiff": true, ".mp4": true,
	".mov": true, ".webm": true, ".avi": true, ".mkv": true,
}

// mediaType returns the attachment's media type, lower-case, without
// parameters.
func mediaType(a intake.Attachment) string {
	mt, _, _ := strings.Cut(a.MediaType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// extension returns the lower-case extension of the attachment's file name,
// with its dot ("" when there is none).
func extension(a intake.Attachment) string {
	name := strings.ToLower(strings.TrimSpace(a.Filename))
	i := strings.LastIndexByte(name, '.')
	if i < 0 || strings.ContainsAny(name[i:], `/\`) {
		return ""
	}
	return name[i:]
}

// isVisual reports whether the attachment is an image or a video: by media
// type, or by file extension when the type says nothing
// (application/octet-stream or missing).
func isVisual(a intake.Attachment) bool {
	mt := mediaType(a)
	if strings.HasPrefix(mt, "image/") || strings.HasPrefix(mt, "video/") {
		return true
	}
	return (mt == "" || mt == "application/octet-stream") && visualExtensions[extension(a)]
}

// isScreenshot reports whether the attachment can show the customer's
// screen: a video, or an image that is not a signature logo, an icon or a
// tracking pixel. A careful reader tells them apart by size and place: an
// icon or a pixel is under 100 pixels on its longer side; an image the
// customer attached as a file shows their screen; an image shown inline
// in the body is a logo unless it is as large as a screen capture (300
// pixels on its longer side and 40,000 pixels in all). Without dimensions,
// a small inline image is a logo.
func isScreenshot(a intake.Attachment) bool {
	if !isVisual(a) {
		return false
	}
	if strings.HasPrefix(mediaType(a), "video/") || isVideoExt(extension(a)) {
		return true
	}
	inline := a.Inline || a.Source == "data"
	if a.Width > 0 && a.Height > 0 {
		long := max(a.Width, a.Height)
		switch {
		case long < 100:
			return false
		case !inline:
			return true
		default:
			return long >= 300 && a.Width*a.Height >= 40000
		}
	}
	small := a.Size > 0 && a.Size < logoMaxBytes
	return !(inline && small)
}

func isVideoExt(ext string) bool {
	switch ext {
	case ".mp4", ".mov", ".webm", ".avi", ".mkv", ".m4v", ".wmv":
		return true
	}
	return false
}

// visualEvidence returns the name of the first attachment that shows the
// problem: a screenshot or video, one inside a ZIP or winmail.dat, a PDF
// holding images, or a browser recording (.har); "" when none does.
func visualEvidence(atts []intake.Attachment) string {
	for _, a := range atts {
		if isScreenshot(a) {
			return attachmentName(a)
		}
	}
	for _, a := range atts {
		for _, c := range a.Contents {
			if isScreenshot(c) {
				return attachmentName(a) + ": " + attachmentName(c)
			}
		}
		if a.PDFImages > 1 || a.PDFImages > 0 && (!isBusinessPDF(a) || namesCapture(a)) {
			return attachmentName(a)
		}
		if extension(a) == ".har" || mediaType(a) == "application/har+json" {
			return attachmentName(a)
		}
	}
	return ""
}

// namesCapture reports whether an attachment's name says it shows the
// screen ("capturas-pendiente.pdf", "screenshots.pdf").
func namesCapture(a intake.Attachment) bool {
	n := fold(a.Filename)
	for _, w := range []string{"captur", "screen", "pantall", "pantallazo", "error"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// isBusinessPDF reports whether a PDF's name says it is a business document
// (an invoice or a contract, whose images are logos), not screenshots.
func isBusinessPDF(a intake.Attachment) bool {
	n := fold(a.Filename)
	for _, w := range []string{"invoice", "factura", "contract", "contrato", "albaran", "quote", "presupuesto", "pedido", "order"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// attachmentName names an attachment for a finding's evidence.
func attachmentName(a intake.Attachment) string {
	switch {
	case a.Filename != "":
		return a.Filename
	case a.Source == "data":
		return "image in the message body (" + mediaType(a) + ")"
	case a.ContentID != "":
		return "inline " + mediaType(a) + " <" + a.ContentID + ">"
	}
	return mediaType(a)
}

// isMailNoise reports whether the attachment is added by mail software
// rather than by the customer: S/MIME and PGP signatures, vCards, calendar
// invitations, Outlook's winmail.dat and attached messages.
func isMailNoise(a intake.Attachment) bool {
	mt := mediaType(a)
	switch {
	case strings.HasPrefix(mt, "message/"),
		mt == "application/pkcs7-signature", mt == "application/x-pkcs7-signature",
		mt == "application/pgp-signature", mt == "application/pgp-keys",
		mt == "application/ms-tnef", mt == "text/vcard", mt == "text/x-vcard",
		mt == "text/calendar":
		return true
	}
	switch extension(a) {
	case ".p7s", ".asc", ".sig", ".vcf", ".ics", ".eml", ".msg":
		return true
	}
	return strings.EqualFold(strings.TrimSpace(a.Filename), "winmail.dat")
}

// isCustomerFile reports whether the attachment is a file the customer
// attached that is neither a screenshot/video nor mail noise: a document,
// spreadsheet, archive, XML...
func isCustomerFile(a intake.Attachment) bool {
	return !isVisual(a) && !isMailNoise(a)
}

// customerFile returns the name of the first file a customer attached for
// an upload (one inside a ZIP or winmail.dat counts); csv asks for a CSV.
// An image counts when the upload is of images: its format is named in the
// customer's words ("scanned delivery notes in TIFF").
func customerFile(atts []intake.Attachment, csv bool, text string) string {
	for _, a := range atts {
		if csv && isCSV(a) || !csv && (isCustomerFile(a) && !isTNEF(a) || isVisual(a) && formatNamed(a, text)) {
			return attachmentName(a)
		}
		for _, c := range a.Contents {
			if csv && isCSV(c) || !csv && isCustomerFile(c) {
				return attachmentName(a) + ": " + attachmentName(c)
			}
		}
	}
	return ""
}

// formatNamed reports whether the attachment's format (its extension) is
// named in the folded text.
func formatNamed(a intake.Attachment, text string) bool {
	ext := strings.TrimPrefix(extension(a), ".")
	if ext == "" {
		return false
	}
	_, ok := findPhrase(text, ext, 0)
	if !ok && ext == "tif" {
		_, ok = findPhrase(text, "tiff", 0)
	}
	if !ok && ext == "jpeg" || !ok && ext == "jpg" {
		_, ok1 := findPhrase(text, "jpg", 0)
		_, ok2 := findPhrase(text, "jpeg", 0)
		ok = ok1 || ok2
	}
	return ok
}

func isTNEF(a intake.Attachment) bool {
	return mediaType(a) == "application/ms-tnef" || strings.EqualFold(strings.TrimSpace(a.Filename), "winmail.dat")
}

// isCSV reports whether the attachment is a CSV file.
func isCSV(a intake.Attachment) bool {
	mt := mediaType(a)
	return extension(a) == ".csv" || mt == "text/csv" || mt == "application/csv"
}
