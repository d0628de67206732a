package rules

import (
	"slices"
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
	generic     phraseSet
	incident    phraseSet
	api         phraseSet
	upload      phraseSet
	bulk        phraseSet
	document    phraseSet
	selfService phraseSet
	question    phraseSet
	multiple    phraseSet
	// problem is what makes a list item or a sentence "a problem" for
	// issue.single: the incident words plus problem nouns.
	problem phraseSet
	// symptom is the shipped symptom vocabulary plus the incident words.
	symptom phraseSet
}

// compiled caches the last compiled keyword set: a daemon judges every
// message with the same Policy, and folding several hundred phrases costs
// more than judging a message. The entry keeps a copy of the lists it was
// compiled from and is used only for equal lists, so a reloaded or changed
// Policy never sees a stale entry.
var compiled atomic.Pointer[compiledEntry]

type compiledEntry struct {
	lists [][]string
	kw    *compiledKeywords
}

// compileKeywords folds k, or returns the cached result for the same
// words. A Keywords without any word stands for DefaultKeywords, so a
// Policy built without keywords still works.
func compileKeywords(k Keywords) *compiledKeywords {
	if k.empty() {
		k = DefaultKeywords()
	}
	lists := k.matchedLists()
	if e := compiled.Load(); e != nil && equalLists(e.lists, lists) {
		return e.kw
	}
	kw := &compiledKeywords{
		generic:     compile(k.GenericSubject).indexed(),
		incident:    compile(k.Incident).indexed(),
		api:         compile(k.APIError).indexed(),
		upload:      compile(k.Upload).indexed(),
		bulk:        compile(k.BulkUpload).indexed(),
		document:    compile(k.Document).indexed(),
		selfService: compile(k.SelfService).indexed(),
		question:    compile(k.Question).indexed(),
		multiple:    compile(k.MultipleIssues).indexed(),
		problem:     compile(k.Incident, problemNouns).indexed(),
		symptom:     compile(symptoms, k.Incident).indexed(),
	}
	for i, l := range lists {
		lists[i] = slices.Clone(l) // the caller may change its slices later
	}
	compiled.Store(&compiledEntry{lists: lists, kw: kw})
	return kw
}

// matchedLists returns every list that the checks use (not Warranty, which
// warranty.go reads as it is).
func (k Keywords) matchedLists() [][]string {
	return [][]string{k.GenericSubject, k.Incident, k.APIError, k.Upload,
		k.BulkUpload, k.Document, k.SelfService, k.Question, k.MultipleIssues}
}

// equalLists compares word lists. For the cached Policy's own lists this
// costs a pointer comparison per word: equal strings that share their
// bytes compare without reading them.
func equalLists(a, b [][]string) bool {
	return slices.EqualFunc(a, b, slices.Equal[[]string])
}
