package rules

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/intake"
)

// wholeTextStatusCodes runs httpStatus over the whole text: what
// statusCodes computed before it looked only around candidate numbers,
// kept as the reference that the windows must agree with.
func wholeTextStatusCodes(folded string) []int {
	var codes []int
	for _, m := range httpStatus.FindAllStringSubmatch(folded, maxStatusMatches) {
		for _, g := range m[1:] {
			if n, err := strconv.Atoi(g); g != "" && err == nil {
				codes = append(codes, n)
			}
		}
	}
	return codes
}

// longestStatusMatch is the length of the longest match of httpStatus in
// the whole text: the windows may miss a match longer than statusWindow.
func longestStatusMatch(folded string) int {
	n := 0
	for _, loc := range httpStatus.FindAllStringIndex(folded, -1) {
		n = max(n, loc[1]-loc[0])
	}
	return n
}

var statusTexts = []string{
	"",
	"the api returns 500 when we post an order",
	"HTTP/1.1 500 Internal Server Error",
	"status code: 404 on every call, then error 502",
	`{"error": {"status_code": "422", "message": "bad"}}`,
	"{\"status\":503}",
	"400 bad request and 401 unauthorized and 999 not found",
	"La API devuelve 500 y el código de estado 400.",
	"we have 12345 orders, order 500, and 1500 users; error500 too",
	"error: 500, error= 401,error 4040, error 40",
	strings.Repeat("a", 100) + "500 not found",
	strings.Repeat("x", 70) + " error 500 " + strings.Repeat("y", 70) + " 404 not found",
	"_500 not found / 500_ gone / é500 not found / 500é",
	strings.Repeat("error 500 ", 30),
	strings.Repeat("1 22 333 ", 50) + "returns 503",
	"el servidor respondio 504\n\ny luego 429 too many requests",
	strings.Repeat("a", 60) + `"status":500}`, // a long word up to the quote
}

func TestStatusCodesMatchWholeText(t *testing.T) {
	texts := append([]string(nil), statusTexts...)
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "mail", "*.eml"))
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if m, err := intake.Parse(bytes.NewReader(raw), intake.Limits{}); err == nil {
			texts = append(texts, m.Subject+" .\n"+m.OwnText, m.Text)
		}
	}
	if len(texts) < len(statusTexts)+50 {
		t.Fatalf("only %d texts: the fixtures are missing", len(texts))
	}
	found := 0
	for i, text := range texts {
		folded := fold(text)
		want := wholeTextStatusCodes(folded)
		got := statusCodes(folded)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("text %d %q:\nstatusCodes = %v\nwhole text  = %v", i, truncate(folded, 200), got, want)
		}
		found += len(want)
	}
	if found < 20 {
		t.Errorf("only %d codes in all the texts: the comparison proves little", found)
	}
}

// FuzzStatusCodes: the windows find what the whole-text expression finds,
// whenever no match is longer than a window.
func FuzzStatusCodes(f *testing.F) {
	for _, s := range statusTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		folded := fold(s)
		if longestStatusMatch(folded) > statusWindow/2 {
			t.Skip("a match longer than the window")
		}
		if got, want := statusCodes(folded), wholeTextStatusCodes(folded); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q: statusCodes = %v, whole text = %v", folded, got, want)
		}
	})
}
