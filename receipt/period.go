package receipt

import (
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/oneline"
)

// Plan periods as Quota.PeriodKind names them.
const (
	PeriodMonthly = "monthly"
	PeriodYearly  = "yearly"
)

var monthsES = [...]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}

// planPeriod names the plan period of q as a person would, with the word
// that joins it to "your plan": "for December 2026", "for 2026", "for the
// period starting 15 December 2026"; in Spanish "de diciembre de 2026",
// "de 2026", "del periodo que comienza el 15 de diciembre de 2026". A
// payload queued before Quota had PeriodStart shows its Period label.
func planPeriod(p *phrases, q Quota) string {
	es := p == spanish
	start, err := time.Parse(time.DateOnly, q.PeriodStart)
	if err != nil {
		label := oneline.Of(q.Period)
		switch {
		case label == "" && es:
			return "de este periodo"
		case label == "":
			return "for this period"
		case es:
			return "de " + label
		}
		return "for " + label
	}
	switch {
	case q.PeriodKind == PeriodYearly && start.Month() == time.January && start.Day() == 1:
		if es {
			return fmt.Sprintf("de %d", start.Year())
		}
		return fmt.Sprintf("for %d", start.Year())
	case q.PeriodKind == PeriodMonthly && start.Day() == 1:
		if es {
			return fmt.Sprintf("de %s de %d", monthsES[start.Month()-1], start.Year())
		}
		return fmt.Sprintf("for %s %d", start.Month(), start.Year())
	case es:
		return fmt.Sprintf("del periodo que comienza el %d de %s de %d", start.Day(), monthsES[start.Month()-1], start.Year())
	}
	return fmt.Sprintf("for the period starting %d %s %d", start.Day(), start.Month(), start.Year())
}
