package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/oneline"
)

// standardBody is the Standard Webhooks payload: type, timestamp, data.
type standardBody struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
	Data      Data   `json:"data"`
}

// body returns the request body of ev in the endpoint's format.
func body(format string, ev *Event) ([]byte, error) {
	switch format {
	case "", FormatStandard:
		return json.Marshal(standardBody{Type: ev.Type, Timestamp: ev.At.UTC().Format(time.RFC3339Nano), Data: ev.Data})
	case FormatSlack:
		return json.Marshal(slackMessage(ev))
	case FormatTeams:
		return json.Marshal(teamsMessage(ev))
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

// sign returns the webhook-signature header of a Standard Webhooks
// request: "v1," and the base64 HMAC-SHA256 of "id.timestamp.body".
func sign(key []byte, id string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write(strconv.AppendInt(nil, timestamp, 10))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// eventWords names the event types for people.
var eventWords = map[string]string{
	TicketCreated:         "New ticket",
	TicketCompleted:       "Ticket completed",
	TicketCustomerReplied: "Customer replied",
	TicketAgentReplied:    "Agent replied",
	TicketNoteAdded:       "Note added",
	TicketClosed:          "Ticket closed",
	MessageRejected:       "Message rejected",
	MessageHeld:           "Message held",
}

// words returns what happened, for people: "New ticket".
func words(typ string) string {
	if w, ok := eventWords[typ]; ok {
		return w
	}
	return typ
}

// title is the first line of a card: "SUP-000042: New ticket".
func title(ev *Event) string {
	if ev.Data.Ticket == "" {
		return words(ev.Type)
	}
	return ev.Data.Ticket + ": " + words(ev.Type)
}

// fact is one labelled value of a card.
type fact struct{ label, value string }

// Limits on the customer's text in a card, in characters: Slack refuses a
// block over its limits (a field's text 2000, a section's 3000), and
// escaping may make a character five.
const (
	maxFact    = 300
	maxExcerpt = 500
)

// facts are the labelled values of ev worth showing, customer text
// truncated.
func facts(ev *Event) []fact {
	d := ev.Data
	var out []fact
	add := func(label, value string) {
		if value = strings.TrimSpace(value); value != "" {
			out = append(out, fact{label, oneline.Truncate(value, maxFact)})
		}
	}
	add("Subject", d.Subject)
	add("From", d.Sender)
	add("Organization", d.Organization)
	add("Status", d.Status)
	add("Category", d.Category)
	add("Agent", d.Agent)
	add("Missing", strings.Join(d.Missing, ", "))
	add("Reason", d.Reason)
	return out
}

// slackEscaper escapes the three characters Slack's mrkdwn gives a meaning
// to (<@U123>, <!channel>, <https://…|link>): customer text stays text.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func slackEscape(s string) string { return slackEscaper.Replace(s) }

// slackText is a Slack text object.
type slackText struct {
	Type string `json:"type"` // "mrkdwn" or "plain_text"
	Text string `json:"text"`
}

// slackBlock is one Slack layout block (header, section or context).
type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Fields   []slackText `json:"fields,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

// slackBody is a Slack incoming-webhook message: text is the notification
// and fallback, blocks what the channel shows.
type slackBody struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// slackMessage renders ev for a Slack incoming webhook; every customer
// string is escaped.
func slackMessage(ev *Event) slackBody {
	head := slackEscape(title(ev))
	if ev.Data.URL != "" {
		head = "<" + slackEscape(ev.Data.URL) + "|" + head + ">"
	}
	text := slackEscape(title(ev))
	if ev.Data.Subject != "" {
		text += ": " + slackEscape(oneline.Truncate(ev.Data.Subject, maxFact))
	}
	blocks := []slackBlock{{Type: "section", Text: &slackText{Type: "mrkdwn", Text: "*" + head + "*"}}}
	var fields []slackText
	for _, f := range facts(ev) {
		fields = append(fields, slackText{Type: "mrkdwn", Text: "*" + f.label + "*\n" + slackEscape(f.value)})
	}
	if len(fields) > 0 {
		blocks = append(blocks, slackBlock{Type: "section", Fields: fields})
	}
	if excerpt := strings.TrimSpace(ev.Data.Text); excerpt != "" {
		blocks = append(blocks, slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: slackEscape(oneline.Truncate(excerpt, maxExcerpt))}}})
	}
	return slackBody{Text: text, Blocks: blocks}
}

// teamsBody is what a Teams Workflows "when a webhook request is received"
// flow takes: a message with an Adaptive Card attachment.
type teamsBody struct {
	Type        string            `json:"type"` // "message"
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string    `json:"contentType"`
	ContentURL  *string   `json:"contentUrl"` // null, as the Workflows sample sends
	Content     teamsCard `json:"content"`
}

// teamsCard is an Adaptive Card 1.4.
type teamsCard struct {
	Schema  string           `json:"$schema"`
	Type    string           `json:"type"` // "AdaptiveCard"
	Version string           `json:"version"`
	Body    []map[string]any `json:"body"`
	Actions []map[string]any `json:"actions,omitempty"`
	MSTeams map[string]any   `json:"msteams,omitempty"`
}

// teamsMessage renders ev as an Adaptive Card for a Teams Workflows
// webhook.
func teamsMessage(ev *Event) teamsBody {
	body := []map[string]any{{
		"type": "TextBlock", "text": title(ev), "weight": "Bolder", "size": "Medium", "wrap": true,
	}}
	var fs []map[string]any
	for _, f := range facts(ev) {
		fs = append(fs, map[string]any{"title": f.label, "value": f.value})
	}
	if len(fs) > 0 {
		body = append(body, map[string]any{"type": "FactSet", "facts": fs})
	}
	if excerpt := strings.TrimSpace(ev.Data.Text); excerpt != "" {
		body = append(body, map[string]any{"type": "TextBlock", "text": oneline.Truncate(excerpt, maxExcerpt), "wrap": true, "isSubtle": true})
	}
	card := teamsCard{
		Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
		Type:    "AdaptiveCard",
		Version: "1.4",
		Body:    body,
		MSTeams: map[string]any{"width": "Full"},
	}
	if ev.Data.URL != "" {
		card.Actions = []map[string]any{{"type": "Action.OpenUrl", "title": "Open the ticket", "url": ev.Data.URL}}
	}
	return teamsBody{Type: "message", Attachments: []teamsAttachment{{ContentType: "application/vnd.microsoft.card.adaptive", Content: card}}}
}
