package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ticketd/ticketd/intake"
)

// automatedSubjects start the subjects of auto-replies and bounces (folded).
// A phrase counts only at the start of the subject (after reply prefixes
// and an opening bracket) and followed by the end or a punctuation mark:
// "Out of Office: Invoices" and "Delivery Status Notification (Failure)"
// are automated, "Out of office settings are lost" is a person asking.
var automatedSubjects = []string{
	"out of office", "out of the office", "automatic reply", "auto reply", "auto-reply",
	"autoreply", "auto response", "auto-response", "autoresponse",
	"respuesta automatica", "fuera de la oficina", "fuera de oficina", "ausencia",
	"undeliverable", "undelivered mail returned to sender", "undelivered mail",
	"delivery status notification", "delivery failure", "delivery has failed",
	"mail delivery failed", "mail delivery failure", "returned mail", "failure notice",
	"no se puede entregar", "no entregado", "notificacion de estado de entrega",
}

// automatedLocalParts are the local parts of addresses that send only
// automated mail ("bounces+123@" counts as "bounces").
var automatedLocalParts = map[string]bool{
	"mailer-daemon": true, "postmaster": true, "no-reply": true, "noreply": true,
	"no_reply": true, "do-not-reply": true, "donotreply": true, "do_not_reply": true,
	"bounce": true, "bounces": true,
}

// checkLoop fires for automated mail: auto-replies, bounces and delivery
// reports, mailing-list and bulk mail, mail from robot senders and from
// ticketd's own addresses. Answering it would start a mail loop.
func checkLoop(in *input) *Finding {
	reason := loopReason(in.msg, in.foldSubject, in.policy.SupportAddresses)
	if reason == "" {
		return nil
	}
	return &Finding{
		Rule:    RuleLoopAutomated,
		Outcome: Ignored,
		Message: Text{
			EN: "Automated message (" + reason + "): it is not registered or answered.",
			ES: "Mensaje automático (" + reason + "): no se registra ni se responde.",
		},
	}
}

// loopReason returns why m is automated ("" when it is not), naming the
// header or sender that tells. subject is m's cleaned, folded subject.
func loopReason(m *intake.Message, subject string, support []string) string {
	h := m.Loop
	from := strings.ToLower(strings.TrimSpace(m.From.Addr))
	if from == "" {
		return "no sender address"
	}
	for _, s := range support {
		if strings.EqualFold(strings.TrimSpace(s), from) {
			return "sent by a support address"
		}
	}
	if local, _, ok := strings.Cut(from, "@"); ok {
		local, _, _ = strings.Cut(local, "+")
		if automatedLocalParts[local] || strings.HasPrefix(local, "bounce-") || strings.HasPrefix(local, "bounces-") {
			return "sender " + truncate(from, 254)
		}
	}
	if v := headerValue(h.AutoSubmitted); v != "" && v != "no" {
		return "Auto-Submitted: " + v
	}
	switch v := headerValue(h.Precedence); v {
	case "bulk", "junk", "list", "auto_reply", "auto-reply":
		return "Precedence: " + v
	}
	if strings.TrimSpace(h.ListID) != "" {
		return "List-Id"
	}
	if strings.TrimSpace(h.ListUnsubscribe) != "" {
		return "List-Unsubscribe"
	}
	for _, v := range strings.Split(h.XAutoResponseSuppress, ",") {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "all", "oof", "autoreply":
			return "X-Auto-Response-Suppress: " + strings.TrimSpace(v)
		}
	}
	if strings.TrimSpace(h.XAutoreply) != "" {
		return "X-Autoreply"
	}
	if strings.TrimSpace(h.XFailedRecipients) != "" {
		return "X-Failed-Recipients"
	}
	if h.ReturnPathNull {
		return "null Return-Path"
	}
	if h.Report {
		return "multipart/report"
	}
	if automatedSubject(subject) {
		return "subject"
	}
	return ""
}

// automatedSubject reports whether the folded, cleaned subject starts with
// one of automatedSubjects followed by the end or a punctuation mark.
func automatedSubject(subject string) bool {
	subject = strings.TrimLeft(subject, "[( ")
	for _, s := range automatedSubjects {
		rest, ok := strings.CutPrefix(subject, s)
		if !ok {
			continue
		}
		rest = strings.TrimLeft(rest, " ")
		if r, _ := utf8.DecodeRuneInString(rest); rest == "" || unicode.IsPunct(r) {
			return true
		}
	}
	return false
}

// headerValue returns a header's value lower-case, without parameters or
// comments and at most 64 bytes long: "auto-replied; owner=x" and
// "auto-replied (vacation)" give "auto-replied".
func headerValue(v string) string {
	v, _, _ = strings.Cut(v, ";")
	v, _, _ = strings.Cut(v, "(")
	return truncate(strings.ToLower(strings.TrimSpace(v)), 64)
}
