package receipt

import (
	"fmt"
	"html/template"
	"strings"
)

// htmlTemplate lays out a letter as simple inline-styled HTML. Every value
// comes from the letter as plain text and html/template escapes it; no
// customer markup is ever rendered.
var htmlTemplate = template.Must(template.New("letter").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:16px;background:#ffffff;color:#222222;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;">
<div style="max-width:600px;">
<p style="margin:0 0 12px;">{{.Greeting}}</p>
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
<p style="margin:16px 0 0;">{{.Closing}}<br>{{.Signature}}</p>
</div>
</body>
</html>
`))

// renderHTML writes the text/html alternative of lt.
func renderHTML(lt *letter) (string, error) {
	var b strings.Builder
	if err := htmlTemplate.Execute(&b, lt); err != nil {
		return "", fmt.Errorf("receipt: render HTML: %w", err)
	}
	return b.String(), nil
}
