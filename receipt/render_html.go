package receipt

import "strings"

// htmlEscaper escapes text for HTML text and double-quoted attribute values
// as html/template does there (its htmlReplacementTable): NUL becomes
// U+FFFD, and " & ' + < > character references.
var htmlEscaper = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

// renderHTML writes the text/html alternative of lt: simple inline-styled
// HTML. Every value comes from the letter as plain text and is escaped
// (htmlEscaper); no customer markup is ever rendered. Built directly rather
// than through html/template, whose reflection was a third of the cost of
// sending a receipt; a test holds it to the template's output.
func renderHTML(lt *letter) (string, error) {
	var b strings.Builder
	b.Grow(2048)
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	esc := htmlEscaper.Replace
	w(`<!DOCTYPE html>
<html lang="`, esc(string(lt.Lang)), `">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>`, esc(lt.Subject), `</title>
</head>
<body style="margin:0;padding:16px;background:#ffffff;color:#222222;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;">
<div style="max-width:600px;">`)
	if lt.Greeting != "" {
		w("\n", `<p style="margin:0 0 12px;">`, esc(lt.Greeting), `</p>`)
	}
	for _, bl := range lt.Blocks {
		if bl.Heading != "" {
			w("\n", `<p style="margin:16px 0 4px;font-weight:bold;">`, esc(bl.Heading), `</p>`)
		}
		if bl.Text != "" {
			w("\n", `<p style="margin:0 0 12px;white-space:pre-line;">`, esc(bl.Text), `</p>`)
		}
		if len(bl.Facts) > 0 {
			w("\n", `<table role="presentation" style="margin:0 0 12px;border-collapse:collapse;">`)
			for _, f := range bl.Facts {
				w("\n", `<tr><td style="padding:2px 12px 2px 0;color:#555555;">`, esc(f.Label), `</td><td style="padding:2px 0;font-weight:bold;">`, esc(f.Value), `</td></tr>`)
			}
			w("\n", `</table>`)
		}
		if len(bl.Items) > 0 {
			w("\n", `<ul style="margin:0 0 12px;padding-left:20px;">`)
			for _, it := range bl.Items {
				w("\n", `<li style="margin:0 0 6px;">`, esc(it.Text))
				if it.Detail != "" {
					w(`<br><span style="color:#555555;">`, esc(it.Detail), `</span>`)
				}
				w(`</li>`)
			}
			w("\n", `</ul>`)
		}
		if bl.Quote != "" {
			w("\n", `<blockquote style="margin:0 0 12px;padding:8px 12px;border-left:3px solid #cccccc;color:#555555;white-space:pre-wrap;">`, esc(bl.Quote), `</blockquote>`)
		}
	}
	w("\n", `<p style="margin:16px 0 0;">`)
	if lt.Closing != "" {
		w(esc(lt.Closing), `<br>`)
	}
	for i, line := range strings.Split(lt.Signature, "\n") {
		if i > 0 {
			w(`<br>`)
		}
		w(esc(line))
	}
	w(`</p>
</div>
</body>
</html>
`)
	return b.String(), nil
}
