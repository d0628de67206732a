package intake

import "testing"

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"paragraphs", "<p>One</p><p>Two</p>", "One\n\nTwo"},
		{"breaks in every spelling", "Line<br/>Two<BR class=x>Three<br />Four", "Line\nTwo\nThree\nFour"},
		{"adjacent divs give one break", "<div>One</div>\n<div>Two</div>", "One\nTwo"},
		{"table cells and rows", "<table><tr><td>A</td><td>B</td></tr><tr><td>C</td></tr></table>", "A B\nC"},
		{"anchor without href does not swallow the rest", "<a name=top></a>Text after the anchor", "Text after the anchor"},
		{"link keeps its text only", "See <a\nhref=\"https://x.example/a\">the page</a>.", "See the page."},
		{"stray closing script does not swallow the rest", "</script>visible", "visible"},
		{"unclosed script tag is dropped, text kept", "<script>visible", "visible"},
		{"stray > is text", "a > b and c", "a > b and c"},
		{"comments, styles, head and title are dropped", "<head><title>T</title></head><!-- hidden --><style>.x{}</style><STYLE type=x>y</STYLE>shown", "shown"},
		{"entities", "caf&eacute; &amp; t&#233; &lt;ok&gt; &nbsp;x", "café & té <ok>  x"},
		{"list items", "<ul><li>one<li>two</ul>", "- one\n- two"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := normalizeText(htmlToText(stripHTMLNoise(tc.html))); got != normalizeText(tc.want) {
				t.Errorf("htmlToText(%q) = %q, want %q", tc.html, got, normalizeText(tc.want))
			}
		})
	}
}

func TestHTMLURLs(t *testing.T) {
	html := `<p>Go to <a href="https://docs.example.com/document/1a-2b?x=1&amp;y=2">the doc</a>, ` +
		`<a href='http://app.example.com/b'>b</a>, <a href=https://app.example.com/c>c</a>, ` +
		`<a href="mailto:alice@acme.example">mail</a>, <a href="/relative">rel</a> ` +
		`or read https://app.example.com/d. <script>var u = "https://evil.example/x";</script></p>`
	want := []string{"https://docs.example.com/document/1a-2b?x=1&y=2", "http://app.example.com/b", "https://app.example.com/c", "https://app.example.com/d"}
	wantEqual(t, "htmlURLs", htmlURLs(stripHTMLNoise(html)), want)
}
