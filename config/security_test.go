package config

import "testing"

func TestRequireAuthenticatedSenderDefaults(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		sec  Security
		want bool
	}{
		{Security{}, false},
		{Security{TrustedAuthServIDs: []string{"mx.example.com"}}, true},
		{Security{VerifyDKIM: true}, true},
		{Security{TrustedAuthServIDs: []string{"mx.example.com"}, RequireAuthenticatedSender: &no}, false},
		{Security{RequireAuthenticatedSender: &yes, VerifyDKIM: true}, true},
	}
	for i, tt := range tests {
		if got := tt.sec.RequireAuthenticated(); got != tt.want {
			t.Errorf("case %d: %v, want %v", i, got, tt.want)
		}
	}
}
