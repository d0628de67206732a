package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	const pw = "correct horse battery"
	h, err := Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q lacks the OWASP parameters", h)
	}
	parts := strings.Split(h, "$")
	if len(parts[4]) != 22 || len(parts[5]) != 43 { // 16 and 32 bytes, unpadded
		t.Errorf("salt %q or key %q has the wrong length", parts[4], parts[5])
	}
	if h2, _ := Hash(pw); h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		name string
		pw   string
		want bool
	}{
		{"right", pw, true},
		{"wrong", "correct horse battery staple", false},
		{"case", "Correct horse battery", false},
		{"empty", "", false},
		{"prefix", pw[:len(pw)-1], false},
		{"too long", strings.Repeat("x", MaxLength+1), false},
	}
	for _, tt := range tests {
		if got := Verify(h, tt.pw); got != tt.want {
			t.Errorf("%s: Verify = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A stored hash that was tampered with, or is out of bounds, never
// verifies, and never makes Verify spend more than the bounds allow.
func TestVerifyRefusesMalformedAndOutOfBounds(t *testing.T) {
	const pw = "correct horse battery"
	h, err := Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(h, "$")
	salt, key := parts[4], parts[5]
	with := func(head string) string { return head + "$" + salt + "$" + key }
	flip := func(s string) string {
		b := []byte(s)
		if b[3] == 'A' {
			b[3] = 'B'
		} else {
			b[3] = 'A'
		}
		return string(b)
	}
	tests := []struct{ name, encoded string }{
		{"empty", ""},
		{"garbage", "not a hash"},
		{"argon2i", with("$argon2i$v=19$m=19456,t=2,p=1")},
		{"argon2d", with("$argon2d$v=19$m=19456,t=2,p=1")},
		{"old version", with("$argon2id$v=16$m=19456,t=2,p=1")},
		{"no version", with("$argon2id$m=19456,t=2,p=1")},
		{"key changed", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + flip(key)},
		{"salt changed", "$argon2id$v=19$m=19456,t=2,p=1$" + flip(salt) + "$" + key},
		{"memory changed", with("$argon2id$v=19$m=19455,t=2,p=1")},
		{"passes changed", with("$argon2id$v=19$m=19456,t=3,p=1")},
		{"memory 4 GiB", with("$argon2id$v=19$m=4194304,t=2,p=1")},
		{"memory 65 MiB", with("$argon2id$v=19$m=66560,t=1,p=1")},
		{"memory over uint32", with("$argon2id$v=19$m=4294967296,t=2,p=1")},
		{"memory 0", with("$argon2id$v=19$m=0,t=2,p=1")},
		{"a thousand passes", with("$argon2id$v=19$m=19456,t=1000,p=1")},
		{"too much work", with("$argon2id$v=19$m=65536,t=3,p=1")},
		{"zero passes", with("$argon2id$v=19$m=19456,t=0,p=1")},
		{"zero lanes", with("$argon2id$v=19$m=19456,t=2,p=0")},
		{"255 lanes", with("$argon2id$v=19$m=19456,t=2,p=255")},
		{"negative", with("$argon2id$v=19$m=-1,t=2,p=1")},
		{"plus sign", with("$argon2id$v=19$m=+19456,t=2,p=1")},
		{"leading zero", with("$argon2id$v=19$m=019456,t=2,p=1")},
		{"params reordered", with("$argon2id$v=19$t=2,m=19456,p=1")},
		{"extra param", with("$argon2id$v=19$m=19456,t=2,p=1,x=1")},
		{"spaces", with("$argon2id$v=19$m=19456, t=2, p=1")},
		{"padded base64", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "==$" + key},
		{"bad base64", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key[:42] + "!"},
		{"short salt", "$argon2id$v=19$m=19456,t=2,p=1$AAAA$" + key},
		{"short key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$AAAAAAAA"},
		{"no key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt},
		{"trailing part", h + "$x"},
		{"trailing space", h + " "},
		{"huge", h + strings.Repeat("A", 1<<20)},
	}
	for _, tt := range tests {
		if Verify(tt.encoded, pw) {
			t.Errorf("%s: Verify(%.80q) = true", tt.name, tt.encoded)
		}
	}
	// Parameters within the bounds that Hash does not use still verify:
	// a later change of parameters keeps old hashes working.
	p, s, _, err := decode(h)
	if err != nil {
		t.Fatal(err)
	}
	p.memory, p.passes = 12288, 3
	if !Verify(encode(p, s, hashWith(pw, s, p, keyLen)), pw) {
		t.Error("OWASP's m=12288,t=3 hash does not verify")
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		pw   string
		want error
	}{
		{"correct horse", nil},
		{"0123456789", nil},
		{"ñandú-ñandú", nil}, // 11 characters, more bytes
		{"012345678", ErrTooShort},
		{"ñandúñand", ErrTooShort}, // 9 characters in 11 bytes
		{"", ErrBlank},
		{"            ", ErrBlank},
		{"\t\n \u00a0\u2003         ", ErrBlank},
		{strings.Repeat("a", MaxLength), nil},
		{strings.Repeat("a", MaxLength+1), ErrTooLong},
	}
	for _, tt := range tests {
		err := Check(tt.pw)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("Check(%.20q) = %v, want %v", tt.pw, err, tt.want)
		}
	}
	if _, err := Hash(""); !errors.Is(err, ErrBlank) {
		t.Errorf("Hash(\"\") = %v", err)
	}
	if _, err := Hash(strings.Repeat("a", MaxLength+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("Hash of a long password = %v", err)
	}
}

// New refuses what Check refuses, and its hash verifies.
func TestNew(t *testing.T) {
	if _, err := New("short"); !errors.Is(err, ErrTooShort) {
		t.Errorf("New(short) = %v, want ErrTooShort", err)
	}
	hash, err := New("correct horse")
	if err != nil || !Verify(hash, "correct horse") || Verify(hash, "correct horsE") {
		t.Errorf("New(correct horse) = %q, %v: does not verify as it should", hash, err)
	}
}
