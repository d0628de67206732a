package rules

import (
	"strconv"
	"strings"
	"sync/atomic"
)

// Merge returns k extended with the words of extra, list by list. Every word
// is trimmed and lower-cased; empty words and duplicates are dropped, and
// the order is k's words first, then extra's new ones. Neither k nor extra
// is modified.
func (k Keywords) Merge(extra Keywords) Keywords {
	return Keywords{
		GenericSubject: mergeWords(k.GenericSubject, extra.GenericSubject),
		Incident:       mergeWords(k.Incident, extra.Incident),
		APIError:       mergeWords(k.APIError, extra.APIError),
		Upload:         mergeWords(k.Upload, extra.Upload),
		BulkUpload:     mergeWords(k.BulkUpload, extra.BulkUpload),
		Document:       mergeWords(k.Document, extra.Document),
		SelfService:    mergeWords(k.SelfService, extra.SelfService),
		Question:       mergeWords(k.Question, extra.Question),
		MultipleIssues: mergeWords(k.MultipleIssues, extra.MultipleIssues),
		Warranty:       mergeWords(k.Warranty, extra.Warranty),
	}
}

// mergeWords concatenates lists into a new one of trimmed, lower-case,
// distinct, non-empty words.
func mergeWords(lists ...[]string) []string {
	var out []string
	seen := make(map[string]bool)
	for _, list := range lists {
		for _, w := range list {
			w = strings.ToLower(strings.TrimSpace(w))
			if w == "" || seen[w] {
				continue
			}
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// empty reports whether no list holds a word.
func (k Keywords) empty() bool {
	return len(k.GenericSubject)+len(k.Incident)+len(k.APIError)+len(k.Upload)+
		len(k.BulkUpload)+len(k.Document)+len(k.SelfService)+len(k.Question)+
		len(k.MultipleIssues)+len(k.Warranty) == 0
}

// compiledKeywords are the keyword lists folded for matching, plus the
// fixed helper lists that are not configurable.
type compiledKeywords struct {
	generic     phrases
	incident    phrases
	api         phrases
	upload      phrases
	bulk        phrases
	document    phrases
	selfService phrases
	question    phrases
	multiple    phrases
	// problem is what makes a list item or a sentence "a problem" for
	// issue.single: the incident words plus problem nouns.
	problem phrases
}

// compiled caches the last compiled keyword set: a daemon judges every
// message with the same Policy, and folding several hundred phrases costs
// more than judging a message. The key is the lists' content, so a reloaded
// or changed Policy never sees a stale entry.
var compiled atomic.Pointer[compiledEntry]

type compiledEntry struct {
	key string
	kw  *compiledKeywords
}

// compileKeywords folds k, or returns the cached result for the same
// words. A Keywords without any word stands for DefaultKeywords, so a
// Policy built without keywords still works.
func compileKeywords(k Keywords) *compiledKeywords {
	if k.empty() {
		k = DefaultKeywords()
	}
	key := k.cacheKey()
	if e := compiled.Load(); e != nil && e.key == key {
		return e.kw
	}
	kw := &compiledKeywords{
		generic:     compile(k.GenericSubject),
		incident:    compile(k.Incident),
		api:         compile(k.APIError),
		upload:      compile(k.Upload),
		bulk:        compile(k.BulkUpload),
		document:    compile(k.Document),
		selfService: compile(k.SelfService),
		question:    compile(k.Question),
		multiple:    compile(k.MultipleIssues),
		problem:     compile(k.Incident, problemNouns),
	}
	compiled.Store(&compiledEntry{key: key, kw: kw})
	return kw
}

// cacheKey encodes every list that the checks use, each word prefixed with
// its length and each list closed by ";", so that different lists never
// give the same key.
func (k Keywords) cacheKey() string {
	var b strings.Builder
	for _, list := range [][]string{k.GenericSubject, k.Incident, k.APIError, k.Upload,
		k.BulkUpload, k.Document, k.SelfService, k.Question, k.MultipleIssues} {
		for _, w := range list {
			b.WriteString(strconv.Itoa(len(w)))
			b.WriteByte(':')
			b.WriteString(w)
		}
		b.WriteByte(';')
	}
	return b.String()
}
