package main

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// benchKinds are the kinds of generated mail, in the proportions of a
// support inbox after an outage: mostly incidents from contacts, some
// questions and API errors, strangers and automated replies.
var benchKinds = []struct {
	name   string
	weight int
	from   string
	mail   func(b *benchMail) string
}{
	{"incident", 30, "Alice Martin <alice@acme.example>", (*benchMail).incident},
	{"incidencia", 15, "Carmen Ruiz <carmen@globex.example>", (*benchMail).incidencia},
	{"api_error", 15, "Bob Stone <bob@acme.example>", (*benchMail).apiError},
	{"question", 15, "Bob Stone <bob@acme.example>", (*benchMail).question},
	{"stranger", 15, "Mallory Price <mallory@gmail.example>", (*benchMail).incident},
	{"auto_reply", 10, "Alice Martin <alice@acme.example>", (*benchMail).autoReply},
}

// benchMail generates realistic support mail for the benchmark.
type benchMail struct {
	rng          *rand.Rand
	attachmentKB int
	seq          int
	screenshot   string // base64 of the attachment, shared
}

func newBenchMail(seed uint64, attachmentKB int) *benchMail {
	b := &benchMail{rng: rand.New(rand.NewPCG(seed, 1)), attachmentKB: attachmentKB}
	if attachmentKB > 0 {
		raw := make([]byte, attachmentKB<<10)
		copy(raw, "\x89PNG\r\n\x1a\n")
		for i := 8; i < len(raw); i++ {
			raw[i] = byte(b.rng.Uint32())
		}
		b.screenshot = wrap76(base64.StdEncoding.EncodeToString(raw))
	}
	return b
}

// next returns the next message and whether ticketd answers it (everything
// but automated mail).
func (b *benchMail) next() (raw []byte, answered bool) {
	b.seq++
	total := 0
	for _, k := range benchKinds {
		total += k.weight
	}
	pick := b.rng.IntN(total)
	k := benchKinds[len(benchKinds)-1]
	for _, c := range benchKinds {
		if pick < c.weight {
			k = c
			break
		}
		pick -= c.weight
	}
	return []byte(b.envelope(k.from, k.mail(b))), k.name != "auto_reply"
}

func (b *benchMail) envelope(from, rest string) string {
	return fmt.Sprintf("Return-Path: <%s>\r\nMessage-ID: <bench-%d-%d@bench.example>\r\nDate: %s\r\nFrom: %s\r\nTo: Support <support@ticketd.example>\r\nMIME-Version: 1.0\r\n%s",
		addrOf(from), b.seq, b.rng.Uint32(), time.Date(2026, 11, 20, 9, 0, b.seq%60, 0, time.UTC).Format(time.RFC1123Z), from, rest)
}

// withScreenshot makes every third message carry the screenshot.
func (b *benchMail) withScreenshot(subject, body string) string {
	if b.screenshot == "" || b.seq%3 != 0 {
		return "Subject: " + subject + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
	}
	boundary := fmt.Sprintf("bench-%d", b.seq)
	return "Subject: " + subject + "\r\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n" +
		"--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n" +
		"--" + boundary + "\r\nContent-Type: image/png; name=\"screenshot.png\"\r\nContent-Disposition: attachment; filename=\"screenshot.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		b.screenshot + "--" + boundary + "--\r\n"
}

var depots = []string{"Valencia", "Alicante", "Murcia", "Zaragoza", "Bilbao", "Sevilla"}

func (b *benchMail) depot() string { return depots[b.rng.IntN(len(depots))] }

func (b *benchMail) incident() string {
	d := b.depot()
	return b.withScreenshot(fmt.Sprintf("Route planner shows error when optimizing %s routes", d), fmt.Sprintf(
		"Hello,\r\n\r\nSince this morning the route planner shows the error \"Optimization failed: code 7\" when we optimize the routes of the %s depot. "+
			"It happens for every plan with more than twenty stops; smaller plans work. Our planners cannot prepare tomorrow's deliveries, "+
			"so this is blocking about %d shipments.\r\n\r\nBest regards,\r\nAlice\r\n", d, 40+b.rng.IntN(200)))
}

func (b *benchMail) incidencia() string {
	d := b.depot()
	return b.withScreenshot(fmt.Sprintf("No funciona el cálculo de peajes en las rutas de %s", d), fmt.Sprintf(
		"Buenos días:\r\n\r\nDesde ayer el cálculo de peajes no funciona en las rutas que salen de %s: la planificación muestra el error "+
			"«Peaje no disponible» y el coste estimado sale sin peajes. Lo necesitamos para presupuestar los envíos de la próxima semana.\r\n\r\nUn saludo,\r\nCarmen\r\n", d))
}

func (b *benchMail) apiError() string {
	id := 1000 + b.rng.IntN(9000)
	return "Subject: Orders API returns 500 when creating an order\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + fmt.Sprintf(
		"Hello,\r\n\r\nOur integration gets an error from the API when it creates orders since the last release. The exact call:\r\n\r\n"+
			"curl -X POST https://api.example.com/v1/orders -H 'Content-Type: application/json' -d '{\"customer\":%d,\"items\":3}'\r\n\r\n"+
			"The server answers:\r\n\r\nHTTP/1.1 500 Internal Server Error\r\n{\"error\":\"internal\",\"request_id\":\"req-%d\"}\r\n\r\nThanks,\r\nBob\r\n", id, id)
}

func (b *benchMail) question() string {
	return "Subject: How do I export the monthly delivery report to Excel\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Hello,\r\n\r\nHow do I export the monthly delivery report to Excel? We would like to send it to our finance team at the end of each month, " +
		"with one row per delivery and the cost columns included. Is it possible to schedule it?\r\n\r\nThanks,\r\nBob\r\n"
}

func (b *benchMail) autoReply() string {
	return "Subject: Automatic reply: Out of office\r\nAuto-Submitted: auto-replied\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"I am out of the office until Monday with limited access to email.\r\n"
}

func addrOf(from string) string {
	if i := strings.IndexByte(from, '<'); i >= 0 {
		return strings.TrimSuffix(from[i+1:], ">")
	}
	return from
}

func wrap76(s string) string {
	var sb strings.Builder
	for len(s) > 76 {
		sb.WriteString(s[:76])
		sb.WriteString("\r\n")
		s = s[76:]
	}
	sb.WriteString(s)
	sb.WriteString("\r\n")
	return sb.String()
}
