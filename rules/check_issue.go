package rules

import (
	"regexp"
	"strings"
)

// listItem matches the start of a numbered or bulleted list item: "1.",
// "2)", "(3)", "a)", "-", "*", "•", "·", "–", followed by white space.
var listItem = regexp.MustCompile(`^\s*(?:\d{1,2}[.)]|\(\d{1,2}\)|[a-zA-Z]\)|[-*•·–])\s+(.*)$`)

// stepsIntro are words of a line that introduces steps to reproduce or what
// the customer tried, rather than a list of problems (folded).
var stepsIntro = phrases{"step", "steps", "to reproduce", "reproduce", "pasos", "paso",
	"reproducir", "what i did", "lo que hice", "procedure", "procedimiento", "tried",
	"probado", "probamos", "intentado", "intentamos"}

// attachmentWords in a sentence make it about the evidence, not about
// another problem: "Also, attached is a screenshot of the error."
var attachmentWords = phrases{"attached", "attach", "attaching", "attachment", "screenshot",
	"screenshots", "video", "adjunto", "adjunta", "adjuntamos", "adjuntos", "captura",
	"capturas", "pantallazo"}

// maxMarkerWindow bounds the sentence read after a marker phrase, and
// maxMarkers the marker phrases looked at.
const (
	maxMarkerWindow = 300
	maxMarkers      = 100
)

// checkIssueSingle fires when the mail reports several distinct problems:
// a list with two or more items that each describe a problem, or a marker
// phrase ("another issue", "also,", "además,", "por otro lado") that starts
// a sentence describing a problem. One ticket is one problem.
func checkIssueSingle(in *input) *Finding {
	if !problemList(in.own, in.kw.problem.phrases) && !problemMarker(in.text, in.kw) {
		return nil
	}
	return &Finding{
		Rule:    RuleIssueSingle,
		Outcome: NeedsInfo,
		Message: Text{
			EN: "Your message seems to describe more than one problem. We register one problem per ticket, so that each one can be followed up.",
			ES: "Su mensaje parece describir más de un problema. Registramos un problema por incidencia, para poder hacer el seguimiento de cada uno.",
		},
		Request: Text{
			EN: "Reply to this email saying which problem this ticket is about, and send each other problem in a separate email with its own subject.",
			ES: "Responda a este correo indicando a qué problema se refiere esta incidencia, y envíe cada uno de los demás problemas en un correo aparte con su propio asunto.",
		},
	}
}

// problemList reports whether the text holds a list of which two or more
// items describe a problem (hold an incident word or a problem noun). An
// item goes on over the following lines until a blank line or the next
// item. A list introduced by a line about steps or attempts ("Steps to
// reproduce:", "We tried:", "Pasos:") is a procedure, not a list of problems.
func problemList(own string, problem phrases) bool {
	var (
		intro    string             // last non-item line before the current list
		items    []*strings.Builder // items of the current list
		inItem   bool               // the previous line belongs to an item
		lastText string             // last non-blank, non-item line
	)
	flush := func() bool {
		n := 0
		if !stepsIntro.match(fold(intro)) {
			for _, it := range items {
				if problem.match(fold(it.String())) {
					n++
				}
			}
		}
		items = items[:0]
		return n >= 2
	}
	for line := range strings.Lines(own) {
		line = strings.TrimRight(line, "\r\n")
		if m := listItem.FindStringSubmatch(line); m != nil {
			if len(items) == 0 {
				intro = lastText
			}
			it := new(strings.Builder)
			it.WriteString(m[1])
			items = append(items, it)
			inItem = true
			continue
		}
		if strings.TrimSpace(line) == "" {
			inItem = false
			continue
		}
		if inItem {
			items[len(items)-1].WriteString(" " + line)
			continue
		}
		if len(items) > 0 && flush() {
			return true
		}
		lastText = line
	}
	return len(items) > 0 && flush()
}

// problemMarker reports whether a marker phrase of another problem starts a
// sentence that describes a problem and is not about attachments.
func problemMarker(text string, kw *compiledKeywords) bool {
	spans := kw.multiple.spans(text)
	if len(spans) > maxMarkers {
		spans = spans[:maxMarkers]
	}
	for _, sp := range spans {
		window := truncate(text[sp[0]:], maxMarkerWindow)
		if end := strings.IndexAny(window, ".!?\n"); end >= 0 {
			window = window[:end]
		}
		if kw.problem.match(window) && !attachmentWords.match(window) {
			return true
		}
	}
	return false
}
