package rules

import (
	"testing"

	"github.com/ticketd/ticketd/intake"
)

func FuzzEvaluate(f *testing.F) {
	f.Add(enSubject, enIncident, "screenshot.png")
	f.Add(esSubject, esIncident, "captura.PNG")
	f.Add("RE: [SUP-000042] Orders API", "POST /v1/orders returns HTTP/1.1 500 {\"error\": 1}", "response.json")
	f.Add("Carga masiva", "La carga masiva falla.\n1. error\n2) no carga\n- otro problema", "clientes.csv")
	f.Add("", "", "")
	f.Add("Re: Re: Re:", "also, also, además, \xff\xfe", ".har")
	f.Add("ÀÉÎÕÜ ÑÑÑÑ İSTANBUL ǅ", "\u0301\u0301 e\u0301rror ¿¡", "a.b.c.")
	policy := testPolicy()
	categories := map[Category]bool{Incident: true, APIError: true, Upload: true, Document: true, SelfService: true, Question: true}
	f.Fuzz(func(t *testing.T, subject, ownText, filename string) {
		for _, addr := range []string{"alice@acme.example", "carmen@globex.example", "peter@initech.example", "x@y.z"} {
			m := &intake.Message{
				From:        intake.Address{Addr: addr},
				Subject:     subject,
				OwnText:     ownText,
				Text:        ownText,
				Attachments: []intake.Attachment{{Filename: filename, MediaType: "application/octet-stream", Size: 10}},
				URLs:        []string{ownText},
			}
			v := Evaluate(m, policy, received)
			switch v.Outcome {
			case Ignored, Rejected, NeedsInfo, Accepted:
			default:
				t.Fatalf("outcome %q", v.Outcome)
			}
			if !categories[v.Category] {
				t.Fatalf("category %q", v.Category)
			}
			if v.Lang != English && v.Lang != Spanish {
				t.Fatalf("lang %q", v.Lang)
			}
			if v.Registered() != (v.Outcome == Accepted || v.Outcome == NeedsInfo) {
				t.Fatalf("registered %v for %s", v.Registered(), v.Outcome)
			}
			if v.DeductsQuota && !v.Registered() {
				t.Fatalf("%s deducts quota", v.Outcome)
			}
			worst := Accepted
			for _, f := range v.Findings {
				if f.Message.EN == "" || f.Message.ES == "" {
					t.Fatalf("finding %s lacks a message: %+v", f.Rule, f.Message)
				}
				if f.Outcome.precedence() > worst.precedence() {
					worst = f.Outcome
				}
			}
			if worst != v.Outcome {
				t.Fatalf("outcome %s, but the findings call for %s", v.Outcome, worst)
			}
		}
	})
}
