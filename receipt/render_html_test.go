package receipt

import (
	"html/template"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/rules"
)

// templateHTML is the template renderHTML replaced, kept as the reference
// its output must match.
var templateHTML = template.Must(template.New("letter").Funcs(template.FuncMap{"lines": func(s string) []string { return strings.Split(s, "\n") }}).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:16px;background:#ffffff;color:#222222;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;">
<div style="max-width:600px;">
{{- if .Greeting}}
<p style="margin:0 0 12px;">{{.Greeting}}</p>
{{- end}}
{{- range .Blocks}}
{{- if .Heading}}
<p style="margin:16px 0 4px;font-weight:bold;">{{.Heading}}</p>
{{- end}}
{{- if .Text}}
<p style="margin:0 0 12px;white-space:pre-line;">{{.Text}}</p>
{{- end}}
{{- if .Facts}}
<table role="presentation" style="margin:0 0 12px;border-collapse:collapse;">
{{- range .Facts}}
<tr><td style="padding:2px 12px 2px 0;color:#555555;">{{.Label}}</td><td style="padding:2px 0;font-weight:bold;">{{.Value}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- if .Items}}
<ul style="margin:0 0 12px;padding-left:20px;">
{{- range .Items}}
<li style="margin:0 0 6px;">{{.Text}}{{if .Detail}}<br><span style="color:#555555;">{{.Detail}}</span>{{end}}</li>
{{- end}}
</ul>
{{- end}}
{{- if .Quote}}
<blockquote style="margin:0 0 12px;padding:8px 12px;border-left:3px solid #cccccc;color:#555555;white-space:pre-wrap;">{{.Quote}}</blockquote>
{{- end}}
{{- end}}
<p style="margin:16px 0 0;">{{if .Closing}}{{.Closing}}<br>{{end}}{{range $i, $l := lines .Signature}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
</div>
</body>
</html>
`))

func TestRenderHTMLMatchesTemplate(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'quoted' a+b=c ` + "`tick` \x00 nul \xff\xfe é ✓"
	letters := []*letter{
		{Lang: rules.English, Subject: hostile, Greeting: hostile, Closing: "Regards,", Signature: hostile},
		{Lang: rules.English, Subject: "agent", Signature: "Ana Agent\n" + hostile, Blocks: []block{{Text: "answer"}}},
		{Lang: rules.Spanish, Subject: "Ticket", Greeting: "Hola", Blocks: []block{
			{Heading: hostile, Text: "line one\nline two " + hostile},
			{Facts: []fact{{Label: "Ticket", Value: "SUP-000001"}, {Label: hostile, Value: hostile}}},
			{Items: []item{{Text: "one"}, {Text: hostile, Detail: hostile}}},
			{Quote: hostile + "\n> quoted"},
			{},
		}},
	}
	for _, k := range []Kind{KindReceipt, KindRejection} {
		for _, l := range []rules.Lang{rules.English, rules.Spanish} {
			letters = append(letters, compose(newEmail(k, l)))
		}
	}
	for i, lt := range letters {
		var want strings.Builder
		if err := templateHTML.Execute(&want, lt); err != nil {
			t.Fatal(err)
		}
		got, err := renderHTML(lt)
		if err != nil {
			t.Fatal(err)
		}
		if got != want.String() {
			t.Errorf("letter %d: renderHTML differs from the template:\n%s\n--- template:\n%s", i, got, want.String())
		}
		if strings.Contains(got, "<script>") {
			t.Errorf("letter %d: markup from a value got through", i)
		}
	}
}
