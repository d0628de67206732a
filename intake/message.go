// Package intake turns one raw RFC 5322 message into a parsed ticket draft:
// headers, the customer's own words, attachments and links. It performs no
// I/O beyond reading the message it is given and never panics on input.
package intake

import (
	"strings"
	"time"
)

// Address is one mailbox from an address header. Addr is lower-cased so that
// addresses compare case-insensitively; Name is the decoded display name.
type Address struct {
	Name string `json:"name,omitempty"`
	Addr string `json:"addr"`
}

// Attachment describes one attached or inline part. The content itself is
// streamed through a hash and never kept by intake.
type Attachment struct {
	Filename  string `json:"filename,omitempty"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	ContentID string `json:"content_id,omitempty"` // without angle brackets
	Inline    bool   `json:"inline,omitempty"`

	// Width and Height are an image's pixel dimensions, read from its
	// header (PNG, JPEG, GIF, BMP, WebP); 0 when unknown or not an image.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// Referenced is true when the HTML body shows this part through a
	// cid: reference; Source says where the attachment came from when it
	// was not a MIME part of its own: "data" for a data: image in the
	// HTML, "tnef" for a file inside winmail.dat, "zip" for a ZIP entry.
	// A data: image's Size is its decoded size and its SHA256 that of
	// its decoded bytes, as for a MIME part.
	Referenced bool   `json:"referenced,omitempty"`
	Source     string `json:"source,omitempty"`
	// Contents lists the files a container holds: the entries of a ZIP,
	// the attachments inside a TNEF winmail.dat (one level, at most
	// Limits.MaxInspectEntries; their Source says which). A ZIP entry's
	// Size is the one its header announces and its SHA256 is "": entries
	// are never read whole (only an image's first bytes, for its size).
	Contents []Attachment `json:"contents,omitempty"`
	// PDFImages counts the images embedded in a PDF (image XObjects) in
	// the first Limits.MaxInspectBytes of the file.
	PDFImages int `json:"pdf_images,omitempty"`
	// Text is the start of a text attachment's content (.txt, .json,
	// .log, .har, .xml, text/*), decoded to UTF-8, at most
	// Limits.MaxInspectText bytes: rules read it for API calls.
	Text string `json:"text,omitempty"`
}

// Quote is text the customer passed on below their own words: a quoted
// reply or a forwarded message, inline or attached.
type Quote struct {
	// Author is the address named by the quote's attribution line ("On
	// ..., Dave <dave@acme.example> wrote:") or its From: line, lower-cased;
	// "" when none names one.
	Author string `json:"author,omitempty"`
	// Forwarded is true for a forwarded message, false for a quoted reply.
	Forwarded bool `json:"forwarded,omitempty"`
	// Subject is the forwarded or quoted message's subject when its header
	// block names one.
	Subject string `json:"subject,omitempty"`
	// Text is the quote's own words: its quote markers, nested quotes,
	// signature and footer removed, bounded like OwnText.
	Text string `json:"text"`
}

// LoopHeaders are the headers that tell automated mail from a person's mail
// (RFC 3834 and the common vendor extensions).
type LoopHeaders struct {
	AutoSubmitted         string `json:"auto_submitted,omitempty"`
	Precedence            string `json:"precedence,omitempty"`
	ListID                string `json:"list_id,omitempty"`
	ListUnsubscribe       string `json:"list_unsubscribe,omitempty"`
	XAutoResponseSuppress string `json:"x_auto_response_suppress,omitempty"`
	XAutoreply            string `json:"x_autoreply,omitempty"` // X-Autoreply / X-Autorespond
	XFailedRecipients     string `json:"x_failed_recipients,omitempty"`
	ReturnPath            string `json:"return_path,omitempty"` // without angle brackets; "" for <>
	ReturnPathNull        bool   `json:"return_path_null,omitempty"`
	// Report is true for a multipart/report (DSN, MDN, ...); ReportType is
	// its report-type parameter, e.g. "delivery-status".
	Report     bool   `json:"report,omitempty"`
	ReportType string `json:"report_type,omitempty"`
}

// Message is one parsed email.
type Message struct {
	From       Address   `json:"from"`
	Sender     Address   `json:"sender,omitempty"`
	To         []Address `json:"to,omitempty"`
	Cc         []Address `json:"cc,omitempty"`
	ReplyTo    []Address `json:"reply_to,omitempty"`
	Subject    string    `json:"subject"`
	Date       time.Time `json:"date"`
	MessageID  string    `json:"message_id,omitempty"` // without angle brackets
	InReplyTo  []string  `json:"in_reply_to,omitempty"`
	References []string  `json:"references,omitempty"`

	Loop LoopHeaders `json:"loop"`
	// AuthResults holds the raw values of every Authentication-Results header,
	// topmost first.
	AuthResults []string `json:"auth_results,omitempty"`

	// Text is the whole body as text (text/plain preferred, else HTML
	// converted to text), decoded to UTF-8.
	Text string `json:"text"`
	// OwnText is the customer's own words: Text without quoted replies,
	// forwarded blocks, signatures and confidentiality footers.
	OwnText string `json:"own_text"`
	// Quotes are the quoted replies and forwarded messages below the own
	// words, outermost first (at most 8): those in the text, then each
	// attached message/rfc822 with the quotes inside it. Their texts
	// together hold at most Limits.MaxTextBytes.
	Quotes []Quote `json:"quotes,omitempty"`
	// HTMLOnly is true when the text came from an HTML part.
	HTMLOnly bool `json:"html_only,omitempty"`

	Attachments []Attachment `json:"attachments,omitempty"`
	// URLs are the distinct http(s) URLs found in the body, in order of
	// first appearance.
	URLs []string `json:"urls,omitempty"`

	// Size is the size of the raw message in bytes.
	Size int64 `json:"size"`
	// ContentHash is the hex SHA-256 of the raw message, computed only for
	// a message without a Message-ID, which it then identifies (Key); ""
	// for the others.
	ContentHash string `json:"content_hash"`

	// TextTruncated is true when body text past Limits.MaxTextBytes was
	// left out of Text, OwnText or Quotes.
	TextTruncated bool `json:"text_truncated,omitempty"`
	// AttachmentsOmitted and URLsOmitted count the attachments and distinct
	// URLs left out past Limits.MaxAttachments and Limits.MaxURLs.
	AttachmentsOmitted int `json:"attachments_omitted,omitempty"`
	URLsOmitted        int `json:"urls_omitted,omitempty"`
	// Defects lists damage that parsing survived (unknown charset or
	// transfer encoding, missing closing boundary, unparsable Date...),
	// for logs; at most 32 entries.
	Defects []string `json:"defects,omitempty"`
}

// Words are what support staff read of the message: the sender's own
// words, or the whole text when they wrote none of their own (a bare
// forward), trimmed.
func (m *Message) Words() string {
	if w := strings.TrimSpace(m.OwnText); w != "" {
		return w
	}
	return strings.TrimSpace(m.Text)
}

// Key identifies the message for de-duplication: its Message-ID, or a hash
// of its content when it has none.
func (m *Message) Key() string {
	if m.MessageID != "" {
		return "mid:" + m.MessageID
	}
	return "sha256:" + m.ContentHash
}
