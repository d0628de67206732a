package receipt

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-message/mail"

	"github.com/ticketd/ticketd/rules"
)

// teamEmail returns a valid email of one of the team's kinds.
func teamEmail(k Kind) *Email {
	e := newEmail(k, rules.Spanish)
	switch k {
	case KindNotification:
		e.To, e.ToName = "desk@vendor.test", ""
		e.Findings = []rules.Finding{findEvidence}
		e.Team = &Team{Event: EventNew, Sender: "ana@customer.test", SenderName: "Ana Pérez",
			Words: "La facturación falla desde esta mañana.", Reasons: []rules.Reason{{Rule: "category", Fired: true, Why: `"falla" states a malfunction`}},
			Attachments: []Attachment{{Filename: "../../pantalla.png", MediaType: "image/png", Data: []byte("\x89PNG fake")}},
			Omitted:     []string{"video.mp4"}}
	case KindAgentReply:
		e.Team = &Team{Agent: "luis@vendor.test", AgentName: "Luis Agent", Words: "Hemos corregido el problema.\nSaludos",
			Attachments: []Attachment{{Filename: "fix.txt", MediaType: "text/plain", Data: []byte("steps")}}}
	case KindAgentRefused:
		e.To, e.Lang = "luis@vendor.test", rules.English
		e.Team = &Team{Refusal: "The quoted notification could not be separated from your answer."}
	case KindReminder:
		e.Status = StatusNeedsInfo
		e.Findings = []rules.Finding{findEvidence}
	}
	return e
}

func TestTeamKindsBuild(t *testing.T) {
	tests := []struct {
		kind          Kind
		autoSubmitted string // "" : no such header
		precedence    bool
		files         []string
		text          []string // phrases in the text part
		notText       []string
	}{
		{KindNotification, "auto-generated", false, []string{"pantalla.png"},
			[]string{"New ticket", InternalMarker + " Findings", "La facturación falla", "3 of 25 tickets used", "video.mp4", `category fired: "falla" states`}, nil},
		{KindAgentReply, "", false, []string{"fix.txt"},
			[]string{"Hemos corregido el problema.", "Luis Agent", "Vendor Support", "SUP-000042"}, []string{InternalMarker, "Estimado"}},
		{KindAgentRefused, "auto-generated", false, nil, []string{"was NOT sent to the customer", "could not be separated"}, nil},
		{KindClosing, "auto-replied", true, nil, []string{"El ticket SUP-000042 está cerrado."}, []string{InternalMarker}},
		{KindReminder, "auto-replied", true, nil, []string{"sigue pendiente de información"}, []string{InternalMarker}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			raw, err := Render(teamEmail(tt.kind))
			if err != nil {
				t.Fatal(err)
			}
			r, err := mail.CreateReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Header.Get("Auto-Submitted"); got != tt.autoSubmitted {
				t.Errorf("Auto-Submitted %q, want %q", got, tt.autoSubmitted)
			}
			if got := r.Header.Get("Precedence") != ""; got != tt.precedence {
				t.Errorf("Precedence present %v, want %v", got, tt.precedence)
			}
			if subj, _ := r.Header.Subject(); subj != "[SUP-000042] Invoices fail to generate" {
				t.Errorf("subject %q", subj)
			}
			var text string
			var files []string
			for {
				p, err := r.NextPart()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(p.Body)
				switch h := p.Header.(type) {
				case *mail.AttachmentHeader:
					name, _ := h.Filename()
					files = append(files, name)
				case *mail.InlineHeader:
					if ct, _, _ := h.ContentType(); ct == "text/plain" {
						text = flat(string(body))
					}
				}
			}
			if strings.Join(files, ",") != strings.Join(tt.files, ",") {
				t.Errorf("attachments %q, want %q", files, tt.files)
			}
			for _, s := range tt.text {
				if !strings.Contains(text, flat(s)) {
					t.Errorf("text lacks %q:\n%s", s, text)
				}
			}
			for _, s := range tt.notText {
				if strings.Contains(text, s) {
					t.Errorf("text holds %q:\n%s", s, text)
				}
			}
		})
	}
}

func TestTeamKindWithoutContentIsInvalid(t *testing.T) {
	for _, k := range []Kind{KindNotification, KindAgentReply, KindAgentRefused} {
		e := teamEmail(k)
		e.Team = nil
		if _, err := Build(e); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s without Team: %v, want ErrInvalid", k, err)
		}
	}
}
