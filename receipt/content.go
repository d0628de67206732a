package receipt

import (
	"fmt"

	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/rules"
)

// letter is the content of one email, independent of its text or HTML form.
// Every string in it is plain text; the HTML renderer escapes all of them.
type letter struct {
	Lang      rules.Lang
	Subject   string
	Greeting  string
	Blocks    []block
	Closing   string
	Signature string
}

// block is one paragraph-like piece: a heading, a sentence, a list of
// facts, a list of items or a quotation (any may be empty).
type block struct {
	Heading string
	Text    string
	Facts   []fact
	Items   []item
	Quote   string
}

// fact is one "Label: value" line.
type fact struct{ Label, Value string }

// item is one list entry with an optional second line.
type item struct{ Text, Detail string }

// compose turns a validated e into the letter to render.
func compose(e *Email) *letter {
	l := lang(e.Lang)
	p := phrasesFor(l)
	ticket := oneline.Of(e.TicketNumber)
	lt := &letter{
		Lang:      l,
		Subject:   Subject(e),
		Greeting:  p.hello,
		Closing:   p.closing,
		Signature: p.team,
	}
	if name := cleanName(e.ToName); name != "" && e.Kind.Reflects() {
		lt.Greeting = fmt.Sprintf(p.helloName, name)
	}
	if name := cleanName(e.FromName); name != "" {
		lt.Signature = name
	}
	add := func(b block) { lt.Blocks = append(lt.Blocks, b) }

	switch e.Kind {
	case KindReceipt:
		needsInfo := e.Status == StatusNeedsInfo
		if needsInfo {
			add(block{Text: fmt.Sprintf(p.receiptNeedsInfo, ticket)})
		} else {
			add(block{Text: fmt.Sprintf(p.receiptOpen, ticket)})
		}
		add(block{Facts: ticketFacts(p, ticket, e.Status, e.Category)})
		if needsInfo {
			add(block{Heading: p.missingHeading, Items: missing(p, l, e.Findings)})
			add(block{Text: p.replyToComplete})
			add(block{Text: p.noSLA})
		}
		if notes := notes(l, e.Findings); len(notes) > 0 {
			add(block{Heading: p.notesHeading, Items: notes})
		}
		for _, s := range quotaSentences(p, e.Quota) {
			add(block{Text: s})
		}
		if !needsInfo {
			add(block{Text: p.replyToAdd})
		}
	case KindRejection:
		add(block{Text: p.rejectIntro})
		add(block{Text: rejectReason(p, e)})
		if how := cleanLines(e.HowToReach.In(l)); how != "" {
			add(block{Heading: p.howToReachHeading, Text: how})
		}
	case KindConfirmation:
		add(block{Text: fmt.Sprintf(p.confirmation, ticket)})
		add(block{Text: p.confirmationHandled})
	case KindStillMissing:
		add(block{Text: fmt.Sprintf(p.stillMissing, ticket)})
		add(block{Heading: p.missingHeading, Items: missing(p, l, e.Findings)})
		add(block{Text: p.replyToComplete})
		add(block{Text: p.noSLA})
	case KindAck:
		add(block{Text: fmt.Sprintf(p.ack, ticket)})
	case KindHeld:
		add(block{Text: p.heldIntro})
		add(block{Text: p.heldReview})
	case KindNotification, KindAgentRefused, KindAgentReply, KindClosing, KindReminder:
		composeTeam(e, lt, p, l, add)
		return lt
	}

	if q := cleanQuote(e.Quote); q != "" && e.Kind.Reflects() {
		add(block{Heading: p.quoteHeading, Quote: q})
	}
	return lt
}

// ticketFacts lists the ticket number, its status and its category.
func ticketFacts(p *phrases, ticket, status string, c rules.Category) []fact {
	st := p.statusOpen
	if status == StatusNeedsInfo {
		st = p.statusNeedsInfo
	}
	facts := []fact{{p.labelTicket, ticket}, {p.labelStatus, st}}
	if name, ok := p.categories[c]; ok {
		facts = append(facts, fact{p.labelCategory, name})
	}
	return facts
}

// missing lists the blocking findings: what is wrong and what to send.
func missing(p *phrases, l rules.Lang, findings []rules.Finding) []item {
	var items []item
	for _, f := range findings {
		if !f.Blocking() {
			continue
		}
		it := item{Text: oneline.Of(f.Message.In(l))}
		if req := oneline.Of(f.Request.In(l)); req != "" {
			it.Detail = fmt.Sprintf(p.whatToSend, req)
		}
		if it.Text == "" {
			it.Text, it.Detail = it.Detail, ""
		}
		if it.Text != "" {
			items = append(items, it)
		}
	}
	return items
}

// notes lists the informational findings (request.self_service).
func notes(l rules.Lang, findings []rules.Finding) []item {
	var items []item
	for _, f := range findings {
		if f.Blocking() {
			continue
		}
		if msg := oneline.Of(f.Message.In(l)); msg != "" {
			items = append(items, item{Text: msg, Detail: oneline.Of(f.Request.In(l))})
		}
	}
	return items
}

// quotaSentences says how the ticket counts against the plan.
func quotaSentences(p *phrases, q Quota) []string {
	switch {
	case q.Warranty:
		return []string{p.quotaWarranty}
	case !q.Deducts:
		return nil
	}
	var out []string
	if q.SelfService {
		out = append(out, p.quotaSelfService)
	}
	switch {
	case q.OverPlan && q.Included > 0 && q.Used > q.Included:
		out = append(out, fmt.Sprintf(p.quotaOverUsed, q.Used, q.Included, planPeriod(p, q)))
	case q.OverPlan:
		out = append(out, p.quotaOverPlan)
	case q.Included > 0:
		out = append(out, fmt.Sprintf(p.quotaUsage, q.Used, q.Included, planPeriod(p, q)))
	case !q.SelfService:
		out = append(out, p.quotaDeducted)
	}
	return out
}

// rejectReason says why no ticket was registered.
func rejectReason(p *phrases, e *Email) string {
	switch e.RejectRule {
	case rules.RuleSenderAuthorized:
		return fmt.Sprintf(p.reasonAuthorized, e.To)
	case rules.RuleSenderAuthentic:
		return fmt.Sprintf(p.reasonAuthentic, e.To)
	case rules.RulePlanExhausted:
		return p.reasonPlanExhausted
	default: // rules.RuleChannelIncluded; validate refuses anything else
		if org := cleanName(e.Organization); org != "" {
			return fmt.Sprintf(p.reasonChannelOrg, org)
		}
		return p.reasonChannel
	}
}
