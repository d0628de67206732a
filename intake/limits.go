package intake

import "time"

// Limits bound the work done for one message so that hostile mail cannot
// exhaust memory or CPU. A zero field takes the default from DefaultLimits.
type Limits struct {
	MaxMessageBytes int64         // raw message size
	MaxHeaderBytes  int           // one header block
	MaxParts        int           // MIME parts in the whole message
	MaxDepth        int           // multipart nesting depth
	MaxAttachments  int           // attachments recorded
	MaxDecodedBytes int64         // sum of decoded part bytes
	MaxTextBytes    int           // body text kept for the rules
	MaxURLs         int           // URLs recorded
	MaxDuration     time.Duration // time spent on one message
	// MaxInspectBytes bounds the bytes of one attachment held to look
	// inside it (ZIP entries, TNEF attachments, PDF images); a larger
	// container is recorded but not opened.
	MaxInspectBytes int64
	// MaxInspectEntries bounds the entries listed per container.
	MaxInspectEntries int
	// MaxInspectText bounds the bytes of a text attachment kept in
	// Attachment.Text.
	MaxInspectText int
}

// DefaultLimits are generous enough for real support mail (a 50 MB video)
// and tight enough that a hostile message cannot hurt the daemon.
var DefaultLimits = Limits{
	MaxMessageBytes: 64 << 20,
	MaxHeaderBytes:  256 << 10,
	MaxParts:        500,
	MaxDepth:        20,
	MaxAttachments:  100,
	MaxDecodedBytes: 256 << 20,
	MaxTextBytes:    1 << 20,
	MaxURLs:         200,
	MaxDuration:     30 * time.Second,

	MaxInspectBytes:   16 << 20,
	MaxInspectEntries: 200,
	MaxInspectText:    64 << 10,
}

// withDefaults returns l with every zero field replaced by its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxMessageBytes > 0 {
		d.MaxMessageBytes = l.MaxMessageBytes
	}
	if l.MaxHeaderBytes > 0 {
		d.MaxHeaderBytes = l.MaxHeaderBytes
	}
	if l.MaxParts > 0 {
		d.MaxParts = l.MaxParts
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxAttachments > 0 {
		d.MaxAttachments = l.MaxAttachments
	}
	if l.MaxDecodedBytes > 0 {
		d.MaxDecodedBytes = l.MaxDecodedBytes
	}
	if l.MaxTextBytes > 0 {
		d.MaxTextBytes = l.MaxTextBytes
	}
	if l.MaxURLs > 0 {
		d.MaxURLs = l.MaxURLs
	}
	if l.MaxDuration > 0 {
		d.MaxDuration = l.MaxDuration
	}
	if l.MaxInspectBytes > 0 {
		d.MaxInspectBytes = l.MaxInspectBytes
	}
	if l.MaxInspectEntries > 0 {
		d.MaxInspectEntries = l.MaxInspectEntries
	}
	if l.MaxInspectText > 0 {
		d.MaxInspectText = l.MaxInspectText
	}
	return d
}
