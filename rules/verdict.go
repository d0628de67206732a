// Package rules holds the vendor's ticket-registration policy as small named
// checks. Each check reads a parsed message and produces findings; together
// they give one Verdict. Everything here is a pure function: no I/O, no clock
// (the time of receipt is passed in).
package rules

// Outcome is what happens to a message. The values are a public contract.
type Outcome string

// Outcomes in order of precedence: the first that any finding calls for wins.
const (
	Ignored   Outcome = "ignored"    // automated mail: never answered
	Rejected  Outcome = "rejected"   // not an authorized contact or channel
	NeedsInfo Outcome = "needs_info" // registered, waiting for the customer
	Accepted  Outcome = "accepted"   // registered and complete
)

// precedence orders outcomes: a higher number wins.
func (o Outcome) precedence() int {
	switch o {
	case Ignored:
		return 4
	case Rejected:
		return 3
	case NeedsInfo:
		return 2
	default:
		return 1
	}
}

// Category classifies what the customer asks about.
type Category string

// Categories; the values are a public contract.
const (
	Incident    Category = "incident"
	APIError    Category = "api_error"
	Upload      Category = "upload"
	Document    Category = "document"
	SelfService Category = "self_service"
	Question    Category = "question"
)

// Rule IDs; the values are a public contract.
const (
	RuleLoopAutomated      = "loop.automated"
	RuleSenderAuthorized   = "sender.authorized"
	RuleSenderAuthentic    = "sender.authentic"
	RuleChannelIncluded    = "channel.included"
	RuleSubjectDescriptive = "subject.descriptive"
	RuleDescription        = "description.detailed"
	RuleIssueSingle        = "issue.single"
	RuleEvidenceAttached   = "evidence.attached"
	RuleDocumentLink       = "document.link"
	RuleAPICallResponse    = "api.call_and_response"
	RuleUploadFiles        = "upload.files_attached"
	RuleSelfService        = "request.self_service"
	// RulePlanExhausted is not a check of Evaluate: the daemon adds it when
	// an organization with over_plan: reject has used its plan's tickets.
	RulePlanExhausted = "plan.exhausted"
)

// Lang is the language of the customer's mail and of the answers to it.
type Lang string

// Supported languages.
const (
	English Lang = "en"
	Spanish Lang = "es"
)

// Text is a customer-facing sentence in every supported language.
type Text struct {
	EN string `json:"en"`
	ES string `json:"es"`
}

// In returns the text in lang, falling back to English.
func (t Text) In(lang Lang) string {
	if lang == Spanish && t.ES != "" {
		return t.ES
	}
	return t.EN
}

// Finding is one rule that fired.
type Finding struct {
	Rule    string  `json:"rule"`
	Outcome Outcome `json:"outcome"` // what this finding calls for; Accepted for informational findings
	Message Text    `json:"message"` // what the customer is told
	// Request, when set, says what the customer should send by replying.
	Request Text `json:"request,omitempty"`
	// Evidence is what made the rule fire, in the customer's words or
	// parts: the sentences, units, attachments or links a support lead
	// can check (never sent to the customer).
	Evidence []string `json:"evidence,omitempty"`
}

// Reason records what decided the category or one rule, fired or not: the
// sentence that decided the category, the units judged as separate
// problems, the attachment or link that counted as evidence.
type Reason struct {
	Rule  string `json:"rule"` // a rule ID, or "category"
	Fired bool   `json:"fired"`
	Why   string `json:"why"`
}

// Blocking reports whether the finding stops the ticket from being complete.
func (f Finding) Blocking() bool { return f.Outcome != Accepted }

// Verdict is the result of judging one message (or one conversation).
type Verdict struct {
	Outcome      Outcome   `json:"verdict"`
	Category     Category  `json:"category"`
	Findings     []Finding `json:"findings"`
	Organization string    `json:"organization"` // "" when the sender is unknown
	Contact      string    `json:"contact,omitempty"`
	Lang         Lang      `json:"lang"`
	// DeductsQuota is true when registering the ticket deducts one of the
	// plan's included tickets (every registered ticket but warranty ones).
	DeductsQuota bool `json:"deducts_quota"`
	Warranty     bool `json:"warranty"`
	// Reasons says why, rule by rule: for support staff and for tuning
	// rules.keywords, never for the customer.
	Reasons []Reason `json:"reasons,omitempty"`
}

// Registered reports whether the verdict creates a ticket.
func (v Verdict) Registered() bool {
	return v.Outcome == Accepted || v.Outcome == NeedsInfo
}

// Has reports whether the rule with the given ID fired.
func (v Verdict) Has(rule string) bool {
	for _, f := range v.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}
