package rules

import (
	"strings"
	"testing"

	"github.com/ticketd/ticketd/intake"
)

func urlsOf(us ...string) func(*intake.Message) {
	return func(m *intake.Message) { m.URLs = us }
}

func quotes(qs ...intake.Quote) func(*intake.Message) {
	return func(m *intake.Message) { m.Quotes = qs }
}

func image(name string, w, h int, inline bool, source string) intake.Attachment {
	return intake.Attachment{Filename: name, MediaType: "image/png", Size: 40_000, Width: w, Height: h, Inline: inline, Source: source}
}

// TestMalfunctionStatements: incidents written without the usual failure
// words are incidents; negations, conditions and plans are not.
func TestMalfunctionStatements(t *testing.T) {
	for _, tc := range []struct {
		sentence string
		want     bool
	}{
		{"the scanner app logs the operators out every few minutes", true},
		{"the invoice numbering skips numbers since Monday", true},
		{"al abrir el informe se queda vacío", true},
		{"las facturas salen duplicadas en el listado", true},
		{"the invitations are sent in French to our English patients", true},
		{"our ERP connector gets a 401 on every call", true},
		{"the route planner used to open in a few seconds", true},
		{"the list should show 23 returns, but it shows none", true},
		{"it takes about four minutes to open the planner", true},
		{"nothing is broken, I just want to know how to export", false},
		{"nada falla, solo queremos saber cómo se hace", false},
		{"if the upload fails, what happens to the invoices?", false},
		{"next month we will import all our customers", false},
		{"the API works fine", false},
		{"can you tell us what's wrong?", false},
		{"I don't know how to change the logo", false},
	} {
		t.Run(tc.sentence, func(t *testing.T) {
			got := malfunction(fold(tc.sentence), compileKeywords(DefaultKeywords()).symptom, nil)
			if (got != "") != tc.want {
				t.Fatalf("malfunction = %q, want a statement: %v", got, tc.want)
			}
		})
	}
}

// TestCategoryFromWhatIsBroken: the category comes from what the
// malfunction is about, not from a passing mention.
func TestCategoryFromWhatIsBroken(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  *intake.Message
		want Category
	}{
		{"uploaded invoices stuck in pending", enMail(subject("Invoices stuck in Pending"), own("The invoices we uploaded yesterday from the web interface are stuck in Pending and never reach the approvers, although the upload itself went fine.")), Incident},
		{"the upload itself fails", enMail(subject("Supplier invoice upload fails"), own("When we upload the supplier invoices in XML the upload fails with \"Unsupported schema\" and nothing is created.")), Upload},
		{"footer mentions uploads", enMail(subject("Scanning station disconnects every morning"), own("Every morning the scanning station shows \"Disconnected\" and nothing we scan reaches the platform until we restart it.\n\nConfidential: do not upload this message to external portals.")), Incident},
		{"the api works fine, the screen does not", enMail(subject("Reconciliation screen rounding"), own("The API works fine and returns the right amounts; the problem is the reconciliation screen, where every amount shows three decimals.")), Incident},
		{"a 401 from the ERP connector", enMail(subject("ERP connector rejected"), own("Since this morning our ERP connector gets a 401 on every order it sends.")), APIError},
		{"future bulk import question", enMail(subject("Format of next month's customer import"), own("Next month we will import 3,000 customers with a CSV: which columns are required and which date format should we use?")), Question},
		{"one specific invoice", enMail(subject("Wrong VAT on one invoice"), own("Invoice INV-2026-0042 shows 10% VAT instead of 21% on every line.")), Document},
		{"the document list", enMail(subject("Document list empty"), own("The document list is empty for every user since the update this morning.")), Incident},
		{"two-factor reset", enMail(subject("Two-factor reset for Bob"), own("Bob has a new phone and can't log in: could you please reset his two-factor authentication?")), SelfService},
		{"logo change", esMail(subject("Cambio de logotipo en facturas"), own("Hemos renovado la imagen y necesitamos que en las facturas aparezca el logotipo nuevo.")), SelfService},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(tc.msg, testPolicy(), received)
			if v.Category != tc.want {
				t.Fatalf("category %s, want %s; reasons %v", v.Category, tc.want, v.Reasons)
			}
		})
	}
}

// TestEvidenceForms: evidence counts in every real form; a logo, an icon
// or a tracking pixel does not.
func TestEvidenceForms(t *testing.T) {
	tnef := intake.Attachment{Filename: "winmail.dat", MediaType: "application/ms-tnef", Size: 60_000,
		Contents: []intake.Attachment{image("Screenshot.png", 1366, 768, false, "tnef")}}
	zip := intake.Attachment{Filename: "captures.zip", MediaType: "application/zip", Size: 90_000,
		Contents: []intake.Attachment{image("captures/error.png", 1280, 720, false, "zip")}}
	for _, tc := range []struct {
		name string
		opts []func(*intake.Message)
		fire bool
	}{
		{"video", []func(*intake.Message){attach(intake.Attachment{Filename: "rec.mov", MediaType: "video/quicktime", Size: 900})}, false},
		{"inline cid screenshot", []func(*intake.Message){attach(image("image001.png", 1200, 700, true, ""))}, false},
		{"data image", []func(*intake.Message){attach(image("", 900, 500, true, "data"))}, false},
		{"screenshot in winmail.dat", []func(*intake.Message){attach(tnef)}, false},
		{"zip of screenshots", []func(*intake.Message){attach(zip)}, false},
		{"pdf of screenshots", []func(*intake.Message){attach(intake.Attachment{Filename: "errors.pdf", MediaType: "application/pdf", Size: 80_000, PDFImages: 2})}, false},
		{"har recording", []func(*intake.Message){attach(file("session.har", "application/octet-stream"))}, false},
		{"loom link", []func(*intake.Message){attach(), urlsOf("https://www.loom.com/share/4f1c2e")}, false},
		{"safe-links wrapped drive link", []func(*intake.Message){attach(), urlsOf("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fdrive.google.com%2Ffile%2Fd%2F1x&data=05")}, false},
		{"signature logo only", []func(*intake.Message){attach(image("image001.png", 180, 60, true, ""))}, true},
		{"tracking pixel only", []func(*intake.Message){attach(image("", 1, 1, true, "data"))}, true},
		{"invoice pdf with a logo", []func(*intake.Message){attach(intake.Attachment{Filename: "invoice-0042.pdf", MediaType: "application/pdf", Size: 80_000, PDFImages: 1})}, true},
		{"nothing", []func(*intake.Message){attach()}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(enMail(tc.opts...), testPolicy(), received)
			if v.Has(RuleEvidenceAttached) != tc.fire {
				t.Fatalf("evidence.attached fired %v, want %v; reasons %v", !tc.fire, tc.fire, v.Reasons)
			}
		})
	}
}

// TestUnwrap: link-protection wrappers are undone before links are matched.
func TestUnwrap(t *testing.T) {
	doc := "https://docs.example.com/document/3f2a9c1e-7b4d-4e8a-9f00-1c2d3e4f5a6b"
	for _, tc := range []struct{ in, want string }{
		{"https://eur01.safelinks.protection.outlook.com/?url=" + strings.ReplaceAll(strings.ReplaceAll(doc, ":", "%3A"), "/", "%2F") + "&data=05%7C01", doc},
		{"https://urldefense.proofpoint.com/v2/url?u=https-3A__docs.example.com_document_3f2a9c1e-2D7b4d-2D4e8a-2D9f00-2D1c2d3e4f5a6b&d=DwMF", doc},
		{"https://urldefense.com/v3/__" + doc + "__;!!abc$", doc},
		{"https://www.google.com/url?q=" + doc + "&sa=D", doc},
		{"https://protect-eu.mimecast.com/s/abc123", "https://protect-eu.mimecast.com/s/abc123"},
		{doc, doc},
	} {
		if got := unwrap(tc.in); got != tc.want {
			t.Errorf("unwrap(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestSeveralProblems: problems phrased naturally are flagged; one problem
// with several symptoms is not.
func TestSeveralProblems(t *testing.T) {
	for _, tc := range []struct {
		name, own string
		fire      bool
	}{
		{"bullets •", "Since Monday we have two things going on:\n• the scanner app logs the operators out after every second scan\n• the invoice PDFs show a due date of 30 days for customers with 60-day terms\n", true},
		{"a) b)", "We noticed this week:\na) the route planner no longer respects the maximum weight per truck\nb) the customer portal shows the tracking page in English for Spanish customers\n", true},
		{"Otra cosa:", "Las fotos de entrega se guardan muy borrosas en el portal, aunque en el móvil se ven bien.\n\nOtra cosa: las facturas emitidas de noviembre no salen en el informe de IVA.", true},
		{"two paragraphs", "The automatic reminders for invoices about to fall due have not been sent since the first of the month.\n\nThe thumbnails of the PDFs in the contracts list are all black, old and new ones.", true},
		{"one cause", "Since Friday the handhelds stopped syncing. We notice it in several ways: the stock differs from the web, released orders never arrive and scans do not appear. It all comes from the same thing: the sync icon keeps spinning.", false},
		{"steps to reproduce", enIncident + "\nSteps to reproduce:\n1. Open Billing\n2. Click Export, the page freezes\n3. An error 500 appears\n", false},
		{"a paragraph that goes on", "The documents widget on our portal stopped loading on Wednesday: the call to your endpoint is answered with 401.\n\nI saved the browser session as a HAR file with the failing call, see attachment.", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(enMail(own(tc.own)), testPolicy(), received)
			if v.Has(RuleIssueSingle) != tc.fire {
				t.Fatalf("issue.single fired %v, want %v; reasons %v", !tc.fire, tc.fire, v.Reasons)
			}
		})
	}
}

// TestPassedOnReport: a colleague's report passed on in a new ticket is the
// description; support's own quoted mail is not.
func TestPassedOnReport(t *testing.T) {
	report := "Since the update yesterday the label printer in the Zaragoza warehouse prints only half of each label, so the barcode is cut and the scanners cannot read it. The printer prints test pages correctly."
	for _, tc := range []struct {
		name string
		q    intake.Quote
		fire bool
	}{
		{"colleague", intake.Quote{Author: "jorge@acme.example", Text: report}, false},
		{"support's receipt", intake.Quote{Author: "support@vendor.example", Text: report}, true},
		{"tagged subject", intake.Quote{Author: "desk@elsewhere.example", Subject: "[SUP-000123] Label printer", Text: report}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(enMail(own("See Jorge's message below, can you help?"), quotes(tc.q)), testPolicy(), received)
			if v.Has(RuleDescription) != tc.fire {
				t.Fatalf("description.detailed fired %v, want %v", !tc.fire, tc.fire)
			}
		})
	}
}

// TestPlusAddressing: a sub-address of a contact is that contact while
// plus addressing is on.
func TestPlusAddressing(t *testing.T) {
	p := testPolicy()
	if org, _ := p.Contact("alice+dms@acme.example"); org != nil {
		t.Fatal("plus addressing off: the sub-address must not be a contact")
	}
	p.PlusAddressing = true
	org, c := p.Contact("Alice+DMS@acme.example")
	if org == nil || org.ID != "acme" || c.Email != "alice@acme.example" {
		t.Fatalf("got %v %v, want acme's alice", org, c)
	}
	if got := p.BaseAddress("Alice+DMS@acme.example"); got != "alice@acme.example" {
		t.Fatalf("BaseAddress = %s", got)
	}
	if org, _ := p.Contact("mallory+alice@acme.example"); org != nil {
		t.Fatal("another local part is no contact")
	}
	v := Evaluate(enMail(from("alice+dms@acme.example")), p, received)
	if v.Outcome != Accepted || v.Contact != "alice@acme.example" {
		t.Fatalf("verdict %s contact %s", v.Outcome, v.Contact)
	}
}

// TestReasonsSayWhy: the verdict says which sentence decided the category
// and what counted as evidence.
func TestReasonsSayWhy(t *testing.T) {
	v := Evaluate(enMail(), testPolicy(), received)
	var category, evidence string
	for _, r := range v.Reasons {
		switch r.Rule {
		case "category":
			category = r.Why
		case RuleEvidenceAttached:
			evidence = r.Why
		}
	}
	if !strings.Contains(category, "incident") || !strings.Contains(strings.ToLower(category), "export") {
		t.Errorf("category reason %q, want the deciding sentence", category)
	}
	if !strings.Contains(evidence, ".png") {
		t.Errorf("evidence reason %q, want the screenshot's name", evidence)
	}
	nv := Evaluate(enMail(attach()), testPolicy(), received)
	for _, f := range nv.Findings {
		if f.Rule == RuleEvidenceAttached && len(f.Evidence) == 0 {
			t.Error("a fired rule carries no evidence")
		}
	}
}

// TestWishesAndQuestionsAreNoFaults: a request for something different and
// a question about how things are ask for nothing to be fixed.
func TestWishesAndQuestionsAreNoFaults(t *testing.T) {
	for _, tc := range []struct {
		sentence string
		want     bool
	}{
		{"queremos que las facturas se envíen solas en lugar de enviarlas a mano", false},
		{"the old orange logo should disappear everywhere", false},
		{"which date format should the first delivery column use, and can addresses have line breaks?", false},
		{"the list should show 23 returns, but it shows none", true},
		{"the space where the barcode should be is blank", true},
		{"why is the returns list empty?", true},
	} {
		got := malfunction(fold(tc.sentence), compileKeywords(DefaultKeywords()).symptom, nil)
		if (got != "") != tc.want {
			t.Errorf("%q: malfunction = %q, want a statement: %v", tc.sentence, got, tc.want)
		}
	}
}
