package desk

import "testing"

// TestTicketDirNameStaysInside: whatever number the admin API returns,
// export never names a directory outside DIR (issue 13, finding 7).
func TestTicketDirNameStaysInside(t *testing.T) {
	for _, tc := range []struct {
		number string
		ok     bool
	}{
		{"SUP-000042", true},
		{"HELP-1", true},
		{"../../etc", false},
		{"SUP-000042/../../x", false},
		{"/abs-1", false},
		{"SUP-0001\x00", false},
		{"", false},
		{"..", false},
	} {
		name, err := TicketDirName(tc.number)
		if (err == nil) != tc.ok {
			t.Errorf("TicketDirName(%q) = %q, %v; want ok %v", tc.number, name, err, tc.ok)
		}
	}
}
