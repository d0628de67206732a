package rules

import (
	"strings"
	"unicode"
)

// spanishMarkers and englishMarkers are frequent function words of each
// language (folded). Words both languages use ("no", "a") are in neither.
var (
	spanishMarkers = wordSet("de", "el", "la", "los", "las", "que", "por", "para", "con",
		"una", "un", "del", "al", "es", "en", "se", "lo", "su", "nos", "y", "pero",
		"como", "cuando", "esta", "este", "estamos", "tenemos", "tengo", "muy", "hola",
		"gracias", "buenos", "buenas", "dias", "tardes", "saludos", "estimados",
		"usted", "ustedes", "nuestro", "nuestra", "mi", "mis", "sus", "porque", "pues",
		"desde", "hay", "sin", "tambien", "ya", "donde", "favor")
	englishMarkers = wordSet("the", "and", "is", "are", "to", "of", "in", "it", "we",
		"i", "you", "this", "that", "with", "for", "have", "has", "not", "can", "when",
		"please", "hello", "hi", "thanks", "thank", "regards", "dear", "our", "my", "on",
		"at", "be", "was", "were", "does", "doesn't", "an", "from", "but", "there",
		"what", "which", "would", "could", "should", "after", "before", "since")
)

// wordSet builds a set of words.
func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// detectLang tells the language of the customer's words: Spanish when the
// raw text (subject and own words) holds more Spanish markers than English
// ones, else English. Markers are the function words above plus each "ñ",
// "¿", "¡" and accented vowel, which English mail seldom has.
func detectLang(raw, folded string) Lang {
	es, en := 0, 0
	for _, r := range raw {
		switch unicode.ToLower(r) {
		case 'ñ', '¿', '¡', 'á', 'é', 'í', 'ó', 'ú':
			es++
		}
	}
	eachWord(folded, func(r rune) bool { return isWordRune(r) || r == '\'' }, func(w string) {
		w = strings.Trim(w, "'")
		switch {
		case spanishMarkers[w]:
			es++
		case englishMarkers[w]:
			en++
		}
	})
	if es > en {
		return Spanish
	}
	return English
}

// eachWord calls fn with every maximal run of s's runes for which inWord
// holds, in order, without building a slice of them.
func eachWord(s string, inWord func(rune) bool, fn func(string)) {
	start := -1
	for i, r := range s {
		switch {
		case inWord(r):
			if start < 0 {
				start = i
			}
		case start >= 0:
			fn(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		fn(s[start:])
	}
}
