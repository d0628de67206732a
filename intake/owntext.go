package intake

import (
	"regexp"
	"strings"
)

// ownWords returns the customer's own words from the text of their message:
// quoted replies and forwarded blocks go, and so do the signature, sign-offs
// and confidentiality footers at the end. The heuristics are conservative: a
// signature, sign-off or footer is only removed when words remain above it.
func ownWords(text string) string {
	lines := strings.Split(normalizeText(text), "\n")
	lines = cutQuotes(lines)
	lines = cutSignature(lines)
	lines = cutFooter(lines)
	lines = cutSignOff(lines)
	return normalizeText(strings.Join(lines, "\n"))
}

var (
	// attributionEndRE ends the line that introduces a quoted reply.
	attributionEndRE = regexp.MustCompile(`(?i)\b(wrote|writes|escribió|escribio|a écrit|schrieb|ha scritto|escreveu|schreef)\s*:$`)
	// attributionVerbRE finds the verb anywhere ("Am 02.11.2026 schrieb
	// Alice <a@b>:"); it only counts after an attributionStartRE start.
	attributionVerbRE = regexp.MustCompile(`(?i)\s(wrote|escribió|escribio|a écrit|schrieb|ha scritto|escreveu|schreef)\s.*:$`)
	// attributionStartRE starts it in the languages customers use.
	attributionStartRE = regexp.MustCompile(`(?i)^(on|el|le|am|il|em|op|den)\s`)
	// forwardMarkerRE is a line that starts a forwarded or original message.
	forwardMarkerRE = regexp.MustCompile(`(?i)^(-{2,}\s*(forwarded message|mensaje reenviado|original message|mensaje original|forwarded e-?mail|ursprüngliche nachricht|weitergeleitete nachricht|message transféré|message d'origine|mensagem encaminhada|mensagem original)\s*-{2,}|(begin forwarded message|inicio del mensaje reenviado|comienzo del mensaje reenviado|anfang der weitergeleiteten nachricht|início da mensagem reencaminhada)\s*:)$`)
	// separatorRE is Outlook's line above a quoted header block.
	separatorRE = regexp.MustCompile(`^_{10,}$`)
	// headerFromRE and headerSentRE are the lines of a quoted header block
	// ("From: ... Sent: ...", "De: ... Enviado el: ...").
	headerFromRE = regexp.MustCompile(`(?i)^\*?(from|de|von|da|van)\s*:\*?\s*\S`)
	headerSentRE = regexp.MustCompile(`(?i)^\*?(sent|date|enviado|enviado el|fecha|gesendet|envoyé|data|inviato)\s*:`)
)

// cutQuotes drops lines quoted with ">" and cuts the text at the first
// quoted reply or forwarded block. An attribution line directly followed by
// ">" lines is dropped alone, so bottom-posted and interleaved answers stay.
func cutQuotes(lines []string) []string {
	var out []string
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(t, ">"):
			continue
		case forwardMarkerRE.MatchString(t):
			return out
		case separatorRE.MatchString(t) && nextNonBlankMatches(lines, i+1, 2, headerFromRE):
			return out
		case headerFromRE.MatchString(t) && nextNonBlankMatches(lines, i+1, 4, headerSentRE):
			return out
		}
		if n := attributionLines(lines, i); n > 0 {
			j := i + n
			for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
				j++
			}
			if j < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[j]), ">") {
				i = j - 1
				continue
			}
			return out
		}
		out = append(out, lines[i])
	}
	return out
}

// attributionLines returns how many lines (1 to 3: clients wrap it) starting
// at i form an attribution such as "On Mon, 2 Nov 2026 at 10:00, Alice
// <alice@example.com> wrote:", or 0.
func attributionLines(lines []string, i int) int {
	first := strings.TrimSpace(lines[i])
	if first == "" {
		return 0
	}
	joined := first
	for n := 1; n <= 3 && i+n <= len(lines); n++ {
		if n > 1 {
			next := strings.TrimSpace(lines[i+n-1])
			if next == "" {
				return 0
			}
			joined += " " + next
		}
		if len(joined) > 400 {
			return 0
		}
		if !strings.HasSuffix(joined, ":") {
			continue
		}
		started := attributionStartRE.MatchString(first)
		hasDetail := strings.ContainsAny(joined, "@0123456789")
		switch {
		case attributionEndRE.MatchString(joined):
			if started && (n == 1 || hasDetail) || n == 1 && hasDetail {
				return n
			}
			return 0
		case started && hasDetail && attributionVerbRE.MatchString(joined):
			return n
		}
	}
	return 0
}

// nextNonBlankMatches reports whether one of the next `within` non-blank
// lines from i matches re.
func nextNonBlankMatches(lines []string, i, within int, re *regexp.Regexp) bool {
	for seen := 0; i < len(lines) && seen < within; i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" {
			continue
		}
		if re.MatchString(t) {
			return true
		}
		seen++
	}
	return false
}

// cutSignature cuts at the "-- " signature delimiter (its trailing space is
// often lost, so a bare "--" counts too).
func cutSignature(lines []string) []string {
	first := firstWordLine(lines)
	for i, l := range lines {
		if strings.TrimRight(l, " ") == "--" && first < i {
			return lines[:i]
		}
	}
	return lines
}

var footerRE = regexp.MustCompile(`^[\s*_=#-]*(CONFIDENTIALITY NOTICE|CONFIDENTIAL|AVISO DE CONFIDENCIALIDAD|AVISO LEGAL|DISCLAIMER|(?i:(confidentiality notice|aviso de confidencialidad|aviso legal|disclaimer|privileged and confidential)\s*:|this (e-?mail|message|communication)( and any (attachments?|files?)( transmitted with it)?)? (is|are|may be) (strictly )?(confidential|privileged)|este (mensaje|correo|e-?mail)( electrónico)?( y (sus|los) (anexos|adjuntos|archivos adjuntos))? (es|son|puede contener|contiene) (información )?(confidencial|privilegiad)|la información contenida en este (mensaje|correo)))`)

// cutFooter cuts at a confidentiality or legal footer.
func cutFooter(lines []string) []string {
	first := firstWordLine(lines)
	for i, l := range lines {
		if first < i && footerRE.MatchString(strings.TrimSpace(l)) {
			return lines[:i]
		}
	}
	return lines
}

// signOffRE is a closing line, optionally followed by a short name on the
// same line ("Thanks, Alice").
var signOffRE = regexp.MustCompile(`(?i)^(best|best regards|best wishes|kind regards|warm regards|warmest regards|regards|many thanks|thanks|thanks a lot|thanks so much|thanks in advance|thanks again|thank you|thank you very much|thank you so much|thank you in advance|thx|cheers|br|saludos|saludos cordiales|un saludo|un saludo cordial|muchos saludos|atentamente|gracias|gracias de antemano|gracias por adelantado|muchas gracias|muchas gracias de antemano|cordialmente|un abrazo|sent from my\s.*|sent from outlook.*|get outlook for\s.*|enviado desde mi\s.*|enviado desde outlook.*|obtener outlook para\s.*)\s*[,.!:;-]*(\s+\p{L}[\p{L}.'-]*){0,3}\s*[,.!]*$`)

const (
	signOffMaxAfter   = 6  // lines allowed after a sign-off (name, title, phone)
	signOffMaxLineLen = 80 // longer lines are body text, not a signature
)

// cutSignOff cuts at a sign-off near the end: at most signOffMaxAfter short
// lines may follow it, and words must remain above it. Sign-offs stacked
// above it ("Thanks!", blank, "Best regards,") go with it.
func cutSignOff(lines []string) []string {
	first := firstWordLine(lines)
	cut := -1
	after := 0
	for i := len(lines) - 1; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		if t == "" {
			continue
		}
		if signOffRE.MatchString(t) {
			if first >= i {
				break
			}
			cut = i
			continue
		}
		if cut >= 0 || len(t) > signOffMaxLineLen {
			break
		}
		after++
		if after > signOffMaxAfter {
			break
		}
	}
	if cut < 0 {
		return lines
	}
	return lines[:cut]
}

// firstWordLine returns the index of the first line with a letter or
// digit, or len(lines). Cuts below it leave words above; computing it once
// keeps the cuts linear on hostile input.
func firstWordLine(lines []string) int {
	for i, l := range lines {
		if strings.IndexFunc(l, isWordRune) >= 0 {
			return i
		}
	}
	return len(lines)
}
