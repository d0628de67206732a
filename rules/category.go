package rules

// signals are what the classification and the checks learn from the text.
type signals struct {
	failure     bool // incident words, or an HTTP status of 400 or more
	api         bool // API words
	status      bool // any HTTP status
	upload      bool // upload words
	bulk        bool // bulk upload words
	document    bool // a phrase pointing at one specific document
	docLink     bool // a URL matching Policy.DocumentURLPatterns
	selfService bool // a request the customer can do alone
	question    bool // a how-to question
}

// classify puts a message into exactly one category. When several keyword
// sets match, the first rule that applies wins:
//
//  1. api_error: API words with a failure or any HTTP status ("the orders
//     endpoint returns 500"). It needs the call and response, no screenshot.
//  2. upload: upload words with a failure ("the import of invoices.xlsx
//     fails"). It needs the failing file, no screenshot.
//  3. document: a link to a document (Policy.DocumentURLPatterns), or a
//     phrase pointing at one specific document ("the document", "el
//     documento"), unless it is a how-to question with no failure and no
//     link ("how do I share the document?"). It needs the link.
//  4. incident: failure words ("the export fails", "no funciona"). It needs
//     a screenshot or video.
//  5. self_service: a request the customer can do alone ("please reset the
//     password of juan@...", "crear un usuario").
//  6. question: everything else, including how-to questions.
func classify(s signals) Category {
	switch {
	case s.api && (s.failure || s.status):
		return APIError
	case s.upload && s.failure:
		return Upload
	case s.docLink || (s.document && !(s.question && !s.failure)):
		return Document
	case s.failure:
		return Incident
	case s.selfService:
		return SelfService
	default:
		return Question
	}
}
