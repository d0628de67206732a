package inbox

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestProcessedLinePerMessage: exactly one "message processed" line per
// message, with the fields an operator follows a message by, and each
// message's own duration rather than its batch's.
func TestProcessedLinePerMessage(t *testing.T) {
	r := newRig(t)
	small := withMessageID(fixture(t, "en-incident-screenshot.eml"), "<small@acme.example>")
	// The same incident with a large text attachment: it takes longer to
	// judge, in the same batch.
	big := bigIncident(t)
	r.imap.Append("INBOX", small)
	r.imap.Append("INBOX", big)
	r.runOnce()
	followUp := "From: Alice Martin <alice@acme.example>\r\nTo: support@ticketd.example\r\n" +
		"Message-ID: <follow-up@acme.example>\r\nIn-Reply-To: <small@acme.example>\r\n" +
		"Subject: Re: [SUP-000001] Route planner shows error\r\nDate: Wed, 14 Oct 2026 10:00:00 +0200\r\n\r\n" +
		"It also fails for the Madrid depot now.\r\n"
	r.imap.Append("INBOX", []byte(followUp))
	r.runOnce()

	var lines []map[string]string
	for _, l := range strings.Split(r.logs.String(), "\n") {
		if strings.Contains(l, `msg="message processed"`) {
			lines = append(lines, logFields(l))
		}
	}
	if len(lines) != 3 {
		t.Fatalf("%d processed lines for 3 messages:\n%s", len(lines), r.logs.String())
	}
	first, second, third := lines[0], lines[1], lines[2]
	want := map[string]string{
		"uid": "1", "message_id": "small@acme.example", "organization": "acme", "sender": "alice@acme.example",
		"subject": "Route planner shows error when optimizing Valencia routes", "verdict": "accepted",
		"category": "incident", "ticket": "SUP-000001", "follow_up": "false",
	}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("first line: %s=%q, want %q (%v)", k, first[k], v, first)
		}
	}
	if _, ok := first["rules"]; !ok {
		t.Errorf("first line has no rules field: %v", first)
	}
	if third["follow_up"] != "true" || third["ticket"] != "SUP-000001" || third["verdict"] != "follow_up" || third["organization"] != "acme" || third["category"] != "incident" {
		t.Errorf("follow-up line: %v", third)
	}
	d1, err1 := time.ParseDuration(first["duration"])
	d2, err2 := time.ParseDuration(second["duration"])
	if err1 != nil || err2 != nil {
		t.Fatalf("durations %q %q", first["duration"], second["duration"])
	}
	if d1 >= d2 {
		t.Errorf("the small message took %s, the large one %s: each line must carry its own message's time, not the batch's", d1, d2)
	}
}

// bigIncident is the screenshot incident with 4 MB of text attached.
func bigIncident(t *testing.T) []byte {
	raw := withMessageID(fixture(t, "en-incident-screenshot.eml"), "<big@acme.example>")
	i := bytes.LastIndex(raw, []byte("--00000000007b4851a4eccab3528e--"))
	if i < 0 {
		t.Fatal("fixture changed: no closing boundary")
	}
	var b bytes.Buffer
	b.Write(raw[:i])
	b.WriteString("--00000000007b4851a4eccab3528e\r\nContent-Type: application/octet-stream; name=dump.bin\r\nContent-Disposition: attachment; filename=dump.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("route planner trace line\n"), 160000))
	for len(data) > 76 {
		fmt.Fprintf(&b, "%s\r\n", data[:76])
		data = data[76:]
	}
	b.WriteString(data + "\r\n")
	b.Write(raw[i:])
	return b.Bytes()
}

var logField = regexp.MustCompile(`(\w+)=("(?:[^"\\]|\\.)*"|\S*)`)

// logFields reads the key=value pairs of a text log line.
func logFields(line string) map[string]string {
	m := map[string]string{}
	for _, kv := range logField.FindAllStringSubmatch(line, -1) {
		v := kv[2]
		if strings.HasPrefix(v, `"`) {
			v = strings.ReplaceAll(strings.Trim(v, `"`), `\"`, `"`)
		}
		m[kv[1]] = v
	}
	return m
}
