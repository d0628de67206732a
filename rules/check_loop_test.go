package rules

import (
	"testing"

	"github.com/ticketd/ticketd/intake"
)

func TestLoopAutomated(t *testing.T) {
	runRuleCases(t, RuleLoopAutomated, testPolicy(), []ruleCase{
		// English: headers.
		{"en auto-submitted auto-replied", enMail(loop(func(h *intake.LoopHeaders) { h.AutoSubmitted = "auto-replied" })), true},
		{"en auto-submitted with comment", enMail(loop(func(h *intake.LoopHeaders) { h.AutoSubmitted = "auto-generated (vacation)" })), true},
		{"en auto-submitted no", enMail(loop(func(h *intake.LoopHeaders) { h.AutoSubmitted = "No" })), false},
		{"en precedence bulk", enMail(loop(func(h *intake.LoopHeaders) { h.Precedence = "bulk" })), true},
		{"en precedence junk", enMail(loop(func(h *intake.LoopHeaders) { h.Precedence = "junk" })), true},
		{"en precedence list", enMail(loop(func(h *intake.LoopHeaders) { h.Precedence = "list" })), true},
		{"en precedence auto_reply", enMail(loop(func(h *intake.LoopHeaders) { h.Precedence = "auto_reply" })), true},
		{"en precedence first-class", enMail(loop(func(h *intake.LoopHeaders) { h.Precedence = "first-class" })), false},
		{"en list-id", enMail(loop(func(h *intake.LoopHeaders) { h.ListID = "<news.acme.example>" })), true},
		{"en list-unsubscribe", enMail(loop(func(h *intake.LoopHeaders) { h.ListUnsubscribe = "<mailto:leave@acme.example>" })), true},
		{"en x-auto-response-suppress OOF", enMail(loop(func(h *intake.LoopHeaders) { h.XAutoResponseSuppress = "DR, OOF, AutoReply" })), true},
		{"en x-auto-response-suppress All", enMail(loop(func(h *intake.LoopHeaders) { h.XAutoResponseSuppress = "All" })), true},
		{"en x-auto-response-suppress DR only", enMail(loop(func(h *intake.LoopHeaders) { h.XAutoResponseSuppress = "DR, RN, NRN" })), false},
		{"en x-autoreply", enMail(loop(func(h *intake.LoopHeaders) { h.XAutoreply = "yes" })), true},
		{"en x-failed-recipients", enMail(loop(func(h *intake.LoopHeaders) { h.XFailedRecipients = "nobody@acme.example" })), true},
		{"en null return-path", enMail(loop(func(h *intake.LoopHeaders) { h.ReturnPathNull = true })), true},
		{"en ordinary return-path", enMail(loop(func(h *intake.LoopHeaders) { h.ReturnPath = "alice@acme.example" })), false},
		{"en multipart/report", enMail(loop(func(h *intake.LoopHeaders) { h.Report, h.ReportType = true, "delivery-status" })), true},
		// English: subjects.
		{"en out of office", enMail(subject("Out of Office: Invoice PDF export fails")), true},
		{"en automatic reply", enMail(subject("Automatic reply: Invoice PDF export fails")), true},
		{"en undeliverable", enMail(subject("Undeliverable: Invoice PDF export fails")), true},
		{"en dsn", enMail(subject("Delivery Status Notification (Failure)")), true},
		{"en mail delivery failed", enMail(subject("Mail delivery failed: returning message to sender")), true},
		{"en out of office feature", enMail(subject("Out of office settings are lost after saving")), false},
		{"en bounce subject mid-sentence", enMail(subject("Our mail delivery failed notices are not shown")), false},
		// English: senders.
		{"en mailer-daemon", enMail(from("mailer-daemon@acme.example")), true},
		{"en postmaster", enMail(from("postmaster@acme.example")), true},
		{"en no-reply", enMail(from("no-reply@acme.example")), true},
		{"en noreply", enMail(from("noreply@acme.example")), true},
		{"en do-not-reply", enMail(from("do-not-reply@acme.example")), true},
		{"en donotreply", enMail(from("donotreply@acme.example")), true},
		{"en bounces with tag", enMail(from("bounces+1234@lists.acme.example")), true},
		{"en support address", enMail(from("support@vendor.example")), true},
		{"en no sender", enMail(from("")), true},
		{"en replies-to person", enMail(from("reply@acme.example")), false},
		{"en complete report", enMail(), false},
		// Spanish.
		{"es respuesta automática", esMail(subject("Respuesta automática: La exportación de facturas a PDF falla")), true},
		{"es fuera de la oficina", esMail(subject("Fuera de la oficina")), true},
		{"es [fuera de la oficina]", esMail(subject("[Fuera de la oficina] RE: exportación")), true},
		{"es RE: respuesta automatica", esMail(subject("RE: RESPUESTA AUTOMATICA: exportación")), true},
		{"es auto-submitted", esMail(loop(func(h *intake.LoopHeaders) { h.AutoSubmitted = "auto-generated" })), true},
		{"es no-responder sender", esMail(from("noreply@globex.example")), true},
		{"es feature named like auto-reply", esMail(subject("Respuesta automática de bienvenida no se envía")), false},
		{"es complete report", esMail(), false},
	})
}

// A loop stops evaluation: even a stranger's bounce with no subject has
// only the loop finding, and is never answered.
func TestLoopStopsEvaluation(t *testing.T) {
	m := mail("MAILER-DAEMON@mx.example.net", "", "")
	m.Loop.Report = true
	v := Evaluate(m, testPolicy(), received)
	if v.Outcome != Ignored || len(v.Findings) != 1 || v.Findings[0].Rule != RuleLoopAutomated {
		t.Fatalf("verdict %s findings %v, want ignored with loop.automated only", v.Outcome, ruleIDs(v))
	}
	if v.Registered() || v.DeductsQuota || v.Warranty {
		t.Fatalf("ignored mail registered=%v deducts=%v warranty=%v", v.Registered(), v.DeductsQuota, v.Warranty)
	}
}
