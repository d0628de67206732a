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
// screen: an image or video, but not a small inline image, which is a
// signature logo rather than a screenshot.
func isScreenshot(a intake.Attachment) bool {
	if !isVisual(a) {
		return false
	}
	small := a.Size > 0 && a.Size < logoMaxBytes
	return !(a.Inline && small && !strings.HasPrefix(mediaType(a), "video/"))
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

// isCSV reports whether the attachment is a CSV file.
func isCSV(a intake.Attachment) bool {
	mt := mediaType(a)
	return extension(a) == ".csv" || mt == "text/csv" || mt == "application/csv"
}
