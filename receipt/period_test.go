package receipt

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/rules"
)

var updatePlan = flag.Bool("update-plan", false, "rewrite testdata/plan.golden from the current wording")

// TestPlanLineGolden holds the plan line of every kind of period in both
// languages to testdata/plan.golden: the month or the year named, as a
// person would say it (issue 16). Run with -update-plan after changing
// the wording on purpose.
func TestPlanLineGolden(t *testing.T) {
	var b strings.Builder
	for _, lang := range []rules.Lang{rules.English, rules.Spanish} {
		for _, tc := range []struct {
			name string
			q    Quota
		}{
			{"monthly", Quota{Deducts: true, Used: 5, Included: 10, PeriodStart: "2026-12-01", PeriodKind: PeriodMonthly}},
			{"yearly", Quota{Deducts: true, Used: 5, Included: 10, PeriodStart: "2026-01-01", PeriodKind: PeriodYearly}},
			{"monthly from the 15th", Quota{Deducts: true, Used: 5, Included: 10, PeriodStart: "2026-12-15", PeriodKind: PeriodMonthly}},
			{"yearly from July", Quota{Deducts: true, Used: 5, Included: 10, PeriodStart: "2026-07-01", PeriodKind: PeriodYearly}},
			{"over plan", Quota{Deducts: true, OverPlan: true, Used: 11, Included: 10, PeriodStart: "2026-12-01", PeriodKind: PeriodMonthly}},
			{"warranty", Quota{Warranty: true, Used: 5, Included: 10, PeriodStart: "2026-12-01", PeriodKind: PeriodMonthly}},
			{"queued before the period was named", Quota{Deducts: true, Used: 5, Included: 10, Period: "2026-12-01 – 2026-12-31"}},
		} {
			fmt.Fprintf(&b, "%s %s: %s\n", lang, tc.name, strings.Join(quotaSentences(phrasesFor(lang), tc.q), " "))
		}
	}
	const golden = "testdata/plan.golden"
	if *updatePlan {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("plan lines differ from %s:\ngot:\n%s\nwant:\n%s", golden, b.String(), want)
	}
}
