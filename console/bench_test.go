package console_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/ticketd/ticketd/console"
	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/internal/password"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// benchTickets is how many tickets the console's benchmark store holds.
const benchTickets = 100_000

// BenchmarkPages renders the console's pages server-side over a store of
// 100,000 tickets (the target: every page under 50 ms):
//
//	go test -run '^$' -bench Pages -benchtime 50x ./console/
func BenchmarkPages(b *testing.B) {
	db, err := store.Open(filepath.Join(b.TempDir(), "ticketd.db"), store.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	fillStore(b, db)
	hash, err := password.Hash(leadPassword)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.AddUser(store.User{Name: "lena", Role: store.RoleLead, PasswordHash: hash}, time.Now()); err != nil {
		b.Fatal(err)
	}
	token, err := db.NewSession("lena", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	srv, err := console.New(console.Options{Store: db, Prefix: "SUP", Organizations: []console.Organization{{ID: "acme", Name: "ACME", TicketsIncluded: 25}}})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	middle := store.FormatNumber("SUP", benchTickets/2)
	for _, page := range []string{
		"/queue/new", "/queue/open", "/queue/waiting", "/queue/closed", "/queue/overplan",
		"/queue/open?org=acme&category=incident", "/queue/open?q=invoice+stuck", "/queue/open?assignee=lena",
		"/tickets/" + middle, "/ledger", "/ledger?org=acme", "/health", "/users",
	} {
		b.Run(page, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", page, nil)
				req.AddCookie(&http.Cookie{Name: "ticketd_session", Value: token})
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", page, w.Code)
				}
			}
		})
	}
}

// fillStore records benchTickets tickets over twelve weeks, in batches:
// four organizations, every status, some assigned, some over plan.
func fillStore(b *testing.B, db *store.DB) {
	b.Helper()
	raw := mailtest.Fixture(b, "en-incident-screenshot.eml")
	rng := rand.New(rand.NewPCG(1, 2))
	orgs := []string{"acme", "globex", "initech", "umbrella"}
	subjects := []string{"Invoice stuck in Pending", "Route planner error", "API returns 500 on /orders", "CSV import fails", "Signer emails not sent", "Logo change request"}
	cats := []rules.Category{rules.Incident, rules.APIError, rules.Upload, rules.Document, rules.SelfService, rules.Question}
	start := time.Now().AddDate(0, 0, -84)
	const batch = 2000
	for lo := 0; lo < benchTickets; lo += batch {
		ins := make([]*store.Intake, 0, batch)
		for i := lo; i < lo+batch; i++ {
			outcome := rules.Accepted
			if rng.IntN(4) == 0 {
				outcome = rules.NeedsInfo
			}
			ins = append(ins, &store.Intake{
				Key: fmt.Sprintf("mid:bench-%d@x", i), MessageID: fmt.Sprintf("bench-%d@x", i),
				From: fmt.Sprintf("user%d@%s.example", i%500, orgs[i%4]), Subject: subjects[rng.IntN(len(subjects))],
				ReceivedAt: start.Add(time.Duration(i) * 84 * 24 * time.Hour / benchTickets),
				Raw:        raw, Outcome: outcome, Category: cats[rng.IntN(len(cats))], Lang: rules.English,
				Organization: orgs[i%4], DeductsQuota: true, Period: "2026-11", Included: 20000, Prefix: "SUP",
			})
		}
		if _, err := db.RecordBatch(ins); err != nil {
			b.Fatal(err)
		}
	}
	for i := 1; i <= benchTickets; i += 7 {
		action := store.ActionClose
		if i%2 == 0 {
			action = store.ActionAssign
		}
		if _, err := db.ChangeTicket(&store.Change{Number: store.FormatNumber("SUP", uint64(i)), Action: action, Assignee: "lena"}); err != nil {
			b.Fatal(err)
		}
	}
}
