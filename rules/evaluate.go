package rules

import (
	"regexp"
	"strings"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
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
	passed      string // a colleague's report passed on below short own words
	foldSubject string // subject, folded
	foldOwn     string // own words (and passed-on report), folded
	// text is the folded subject and own words, separated so that no
	// phrase matches across them.
	text  string
	words *textWords

	codes      []int       // HTTP status codes mentioned in text
	urls       []string    // http(s) URLs in the body, subject and own words, unwrapped
	docLink    bool        // a URL matches Policy.DocumentURLPatterns
	units      []unit      // the own words, segmented
	statements []statement // sentences that state a malfunction, subject first
	org        *Organization
	contact    *Contact
	warranty   bool // the organization's warranty covers this message
	bulk       bool // an upload category about a bulk import
	kwAPI      bool // a configured API word is in the text
	category   Category
	// categoryWhy is the sentence that decided the category.
	categoryWhy string
	lang        Lang
	reasons     []Reason
	rawText     string          // subject and analysed words as written
	gates       map[*gated]bool // which gates the whole message opens
	textIndex   *trigrams       // of text, made when a gate first needs it
	rawIndex    *trigrams       // of rawText, likewise
}

// maxReasonText bounds one quoted sentence in a reason.
const maxReasonText = 240

// note records why a rule fired or did not.
func (in *input) note(rule string, fired bool, why string) {
	in.reasons = append(in.reasons, Reason{Rule: rule, Fired: fired, Why: oneline.Cut(why, maxReasonText)})
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
	why := "no statement of malfunction"
	if in.categoryWhy != "" {
		why = "decided by: " + in.categoryWhy
	}
	in.note("category", false, string(in.category)+": "+why)
	for _, c := range contentChecks {
		if f := c(in); f != nil {
			for _, r := range in.reasons {
				if r.Rule == f.Rule && r.Fired {
					f.Evidence = append(f.Evidence, r.Why)
				}
			}
			v.Findings = append(v.Findings, *f)
			if f.Outcome.precedence() > v.Outcome.precedence() {
				v.Outcome = f.Outcome
			}
		}
	}
	v.Reasons = in.reasons
	if v.Registered() {
		v.Warranty = in.warranty
		v.DeductsQuota = !in.warranty
	}
	return v
}

// urlInText finds http(s) URLs in the subject and own words, in case the
// body's URL list misses one written there.
var urlInText = mustPattern(`(?i)https?://[^\s<>"'()\[\]]+`)

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
	in.passed = passedOn(m, p, countWords(in.own))
	analysed := in.own
	if in.passed != "" {
		analysed = truncate(in.own+"\n\n"+in.passed, maxAnalyzedBytes)
	}
	in.rawText = in.subject + "\n" + analysed
	in.foldSubject = fold(in.subject)
	in.foldOwn = fold(analysed)
	in.text = in.foldSubject + " .\n" + in.foldOwn
	in.words = newTextWords(in.text)

	in.urls = unwrapAll(m.URLs)
	if strings.Contains(in.text, "http") { // the folded text: any case of "http" is there
		in.urls = append(in.urls, unwrapAll(urlInText.FindAllString(in.subject+"\n"+analysed, 200))...)
	}
	in.docLink = matchesDocument(in.urls, p.DocumentURLPatterns)

	in.org, in.contact = p.Contact(m.From.Addr)
	in.warranty = underWarranty(in.org, received)

	in.codes = statusCodes(in.text)
	in.units = segment(analysed, in.kw)
	in.findStatements()
	in.decideCategory()
	in.lang = detectLang(in.subject+"\n"+in.own, in.text)
	return in
}

// findStatements collects the sentences that state a malfunction: the
// subject's, then the units'.
func (in *input) findStatements() {
	index := newTrigrams(in.foldSubject)
	for _, u := range in.units {
		for _, s := range u.sentences {
			index.add(s.fold)
		}
	}
	sc := newScan(in.symptomSet(), in.words, in.text, index)
	if sym := sc.malfunction(in.foldSubject); sym != "" {
		in.statements = append(in.statements, statement{unit: -1, text: in.subject, fold: in.foldSubject, symptom: sym})
	}
	for i, u := range in.units {
		for _, s := range u.sentences {
			if sym := sc.malfunction(s.fold); sym != "" {
				in.statements = append(in.statements, statement{unit: i, text: s.text, fold: s.fold, symptom: sym})
			}
		}
	}
}

// allSentences returns the subject and every sentence of the units.
func (in *input) allSentences() []sentence {
	out := []sentence{{text: in.subject, fold: in.foldSubject}}
	for _, u := range in.units {
		out = append(out, u.sentences...)
	}
	return out
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
