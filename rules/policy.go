package rules

import (
	"regexp"
	"time"
)

// Policy is everything the checks need to know about the vendor's customers
// and rule settings. It is built by the config package and never mutated
// after that, so one Policy may be shared by concurrent evaluations.
type Policy struct {
	SubjectMinWords     int
	DescriptionMinWords int
	DocumentURLPatterns []*regexp.Regexp
	Keywords            Keywords
	Organizations       []Organization
	// TrustedAuthServIDs names the receiving servers whose
	// Authentication-Results header is trusted (issue: sender.authentic).
	TrustedAuthServIDs []string
	// RequireAuthenticatedSender makes sender.authentic fire for a contact
	// whose mail is not dmarc=pass or dkim=pass for the From domain.
	RequireAuthenticatedSender bool
	// SupportAddresses are ticketd's own addresses; mail from them is
	// treated as automated (a loop).
	SupportAddresses []string

	// EvidenceHosts are the recording and file-share hosts whose links
	// count as evidence and as an upload's files; empty means
	// DefaultEvidenceHosts.
	EvidenceHosts []string
	// PlusAddressing makes a sub-address of a contact
	// (alice+dms@acme.example) count as that contact.
	PlusAddressing bool
}

// Plan periods and over-plan behaviours an Organization may name.
const (
	PeriodMonthly = "monthly"
	PeriodYearly  = "yearly"

	OverPlanRegister = "register"
	OverPlanReject   = "reject"
)

// Organization is one customer organization with its plan.
type Organization struct {
	ID              string
	Name            string
	TicketsIncluded int
	PlanPeriod      string    // "monthly" or "yearly"
	PlanStart       time.Time // zero: periods start on the first of a month/year
	WarrantyUntil   time.Time // zero: no warranty
	ContactMethods  []string  // e.g. "email", "phone", "portal"
	OverPlan        string    // "register" (default) or "reject"
	Contacts        []Contact
}

// Contact is an authorized support contact of an organization.
type Contact struct {
	Email string // lower-case
	Name  string
}

// Keywords are the word lists the checks classify text with. Each list holds
// lower-case words or phrases; a phrase matches on word boundaries.
// DefaultKeywords ships English and Spanish sets; the config can extend them.
type Keywords struct {
	GenericSubject []string // "help", "urgent", "ayuda" ...
	Incident       []string // "error", "fails", "no funciona" ...
	APIError       []string // "api", "endpoint", "status code" ...
	Upload         []string // "upload", "import", "subir", "carga" ...
	BulkUpload     []string // "bulk", "csv", "masiva" ...
	Document       []string // "document", "documento" ...
	SelfService    []string // "create a user", "reset password", "crear usuario" ...
	Question       []string // "how do i", "cómo puedo" ...
	MultipleIssues []string // "another issue", "also,", "otro problema" ...
	Warranty       []string // reserved for support marking; not used to classify
}
