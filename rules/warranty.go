package rules

import "time"

// underWarranty reports whether a message received at received falls in the
// organization's warranty. WarrantyUntil names a day, inclusive: its
// calendar date as written (config dates parse as midnight UTC), and the
// warranty ends when that day ends in UTC, so for a date at midnight UTC this
// is received < WarrantyUntil + 24h.
func underWarranty(org *Organization, received time.Time) bool {
	if org == nil || org.WarrantyUntil.IsZero() {
		return false
	}
	y, m, d := org.WarrantyUntil.Date()
	end := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	return received.Before(end)
}
