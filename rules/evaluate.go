package rules

import (
	"regexp"
	"strings"
	"time"

	"github.com/ticketd/ticketd/intake"
)

// check is one named rule: it returns a finding when the rule fires, or nil.
type check func(in *input) *Finding

// gates run first, in this order; the first that fires decides the verdict
// alone: automated mail is never answered, and a stranger or a contact
// writing through a channel outside the plan is not told about subjects.
var gates = []check{
	checkLoop,
	checkSenderAuthorized,
	checkSenderAuthentic,
	checkChannel,
}

// contentChecks run when no gate fired, all of them, in the order of the
// public rule table; each finding that fires is reported.
var contentChecks = []check{
	checkSubject,
	checkDescription,
	checkIssueSingle,
	checkEvidence,
	checkDocumentLink,
	checkAPICallResponse,
	checkUploadFiles,
	checkSelfService,
}

// input is one message prepared for the checks.
type input struct {
	msg      *intake.Message
	policy   *Policy
	kw       *compiledKeywords
	received time.Time

	subject     string // subject without reply prefixes and ticket tags, as written
	own         string // the customer's own words, as written, bounded
	foldSubject string // subject, folded
	foldOwn     string // own words, folded
	// text is what keyword checks search: the folded subject and own words,
	// separated so that no phrase matches across them.
	text string

	codes    []int    // HTTP status codes mentioned in text
	urls     []string // http(s) URLs in the body, subject and own words
	docLink  bool     // a URL matches Policy.DocumentURLPatterns
	org      *Organization
	contact  *Contact
	warranty bool // the organization's warranty covers this message
	sig      signals
	category Category
	lang     Lang
}

// Evaluate judges one message received at received against the policy. It
// is a pure function: no I/O, no clock, safe for concurrent use with a
// shared Policy. A nil message is judged as an empty one, a nil policy as
// one without organizations.
//
// The gates run first (loop.automated, sender.authorized, sender.authentic,
// channel.included): the first that fires is the only finding. Otherwise
// every content check runs and Findings lists those that fired, in the
// order of the rule table; the outcome is the one of highest precedence
// (needs_info over accepted). Findings is never nil; Category and Lang are
// always set; Organization and Contact are set whenever the sender is a
// contact, even when the mail is rejected or ignored.
// Registered tickets deduct quota unless the organization's warranty covers
// the day of receipt.
func Evaluate(m *intake.Message, p *Policy, received time.Time) Verdict {
	in := newInput(m, p, received)
	v := Verdict{
		Outcome:  Accepted,
		Category: in.category,
		Findings: []Finding{},
		Lang:     in.lang,
	}
	if in.contact != nil {
		v.Organization = in.org.ID
		v.Contact = strings.ToLower(strings.TrimSpace(in.contact.Email))
	}
	for _, gate := range gates {
		if f := gate(in); f != nil {
			v.Outcome = f.Outcome
			v.Findings = append(v.Findings, *f)
			return v
		}
	}
	for _, c := range contentChecks {
		if f := c(in); f != nil {
			v.Findings = append(v.Findings, *f)
			if f.Outcome.precedence() > v.Outcome.precedence() {
				v.Outcome = f.Outcome
			}
		}
	}
	if v.Registered() {
		v.Warranty = in.warranty
		v.DeductsQuota = !in.warranty
	}
	return v
}

// urlInText finds http(s) URLs in the subject and own words, in case the
// body's URL list misses one written there.
var urlInText = regexp.MustCompile(`(?i)https?://[^\s<>"'()\[\]]+`)

// newInput prepares m for the checks.
func newInput(m *intake.Message, p *Policy, received time.Time) *input {
	if m == nil {
		m = &intake.Message{}
	}
	if p == nil {
		p = &Policy{}
	}
	in := &input{
		msg:      m,
		policy:   p,
		kw:       compileKeywords(p.Keywords),
		received: received,
		subject:  cleanSubject(truncate(m.Subject, maxAnalyzedBytes)),
		own:      truncate(m.OwnText, maxAnalyzedBytes),
	}
	in.foldSubject = fold(in.subject)
	in.foldOwn = fold(in.own)
	in.text = in.foldSubject + " .\n" + in.foldOwn

	in.urls = append(in.urls, m.URLs...)
	if strings.Contains(in.text, "http") { // the folded text: any case of "http" is there
		in.urls = append(in.urls, urlInText.FindAllString(in.subject+"\n"+in.own, 200)...)
	}
	in.docLink = matchesDocument(in.urls, p.DocumentURLPatterns)

	in.org, in.contact = p.Contact(m.From.Addr)
	in.warranty = underWarranty(in.org, received)

	in.codes = statusCodes(in.text)
	kw, words := in.kw, newTextWords(in.text)
	in.sig = signals{
		failure:     kw.incident.matchWords(words) || hasErrorStatus(in.codes),
		api:         kw.api.matchWords(words),
		status:      len(in.codes) > 0,
		upload:      kw.upload.matchWords(words),
		bulk:        kw.bulk.matchWords(words),
		document:    kw.document.matchWords(words),
		docLink:     in.docLink,
		selfService: kw.selfService.matchWords(words),
		question:    kw.question.matchWords(words),
	}
	in.category = classify(in.sig)
	in.lang = detectLang(in.subject+"\n"+in.own, in.text)
	return in
}

// matchesDocument reports whether any URL matches any pattern.
func matchesDocument(urls []string, patterns []*regexp.Regexp) bool {
	for _, u := range urls {
		for _, re := range patterns {
			if re != nil && re.MatchString(u) {
				return true
			}
		}
	}
	return false
}
