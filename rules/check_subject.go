package rules

import (
	"fmt"
	"strconv"
	"unicode"
)

// Shouting: a subject with at least shoutMinLetters letters of which at
// least shoutUpperPercent per cent are upper case.
const (
	shoutMinLetters   = 8
	shoutUpperPercent = 70
)

// checkSubject fires when the subject, without reply prefixes and ticket
// tags, does not describe the problem: it is empty, has fewer than
// Policy.SubjectMinWords words, holds only generic words ("Urgent problem",
// "Ayuda por favor") or is shouted in capitals.
func checkSubject(in *input) *Finding {
	n := in.policy.SubjectMinWords
	var msg Text
	switch {
	case in.subject == "":
		msg = Text{
			EN: "Your message has no subject.",
			ES: "Su mensaje no tiene asunto.",
		}
	case countWords(in.subject) < n:
		msg = Text{
			EN: fmt.Sprintf("The subject is too short to tell what the problem is (we need at least %d words).", n),
			ES: fmt.Sprintf("El asunto es demasiado breve para saber cuál es el problema (necesitamos al menos %d palabras).", n),
		}
	case onlyGeneric(in.foldSubject, in.kw.generic.phrases):
		msg = Text{
			EN: "The subject does not say what the problem is.",
			ES: "El asunto no indica cuál es el problema.",
		}
	case shouting(in.subject):
		msg = Text{
			EN: "The subject is written in capital letters, which makes it hard to read.",
			ES: "El asunto está escrito en mayúsculas, lo que dificulta su lectura.",
		}
	default:
		return nil
	}
	req := Text{
		EN: "Reply to this email with a short title that says what fails and where",
		ES: "Responda a este correo con un título breve que diga qué falla y dónde",
	}
	if n > 0 {
		req.EN += " (at least " + strconv.Itoa(n) + " words)"
		req.ES += " (al menos " + strconv.Itoa(n) + " palabras)"
	}
	req.EN += `, for example: "Invoice PDF export fails with error 500".`
	req.ES += `, por ejemplo: "La exportación de facturas a PDF da error 500".`
	return &Finding{Rule: RuleSubjectDescriptive, Outcome: NeedsInfo, Message: msg, Request: req}
}

// onlyGeneric reports whether the folded subject holds nothing but generic
// words and phrases, filler words (articles, pronouns, "have", "tenemos"...)
// and numbers.
func onlyGeneric(subject string, generic phrases) bool {
	b := []byte(subject)
	for _, sp := range generic.spans(subject) {
		for i := sp[0]; i < sp[1]; i++ {
			b[i] = ' '
		}
	}
	for _, t := range tokens(string(b)) {
		if fillerWords[t] || isNumber(t) {
			continue
		}
		return false
	}
	return true
}

// isNumber reports whether the token is made of digits only.
func isNumber(t string) bool {
	for _, r := range t {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return t != ""
}

// shouting reports whether s is mostly upper-case letters.
func shouting(s string) bool {
	letters, upper := 0, 0
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if unicode.IsUpper(r) {
			upper++
		}
	}
	return letters >= shoutMinLetters && upper*100 >= letters*shoutUpperPercent
}
