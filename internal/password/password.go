// Package password hashes and checks the passwords of ticketd's local
// users with argon2id (golang.org/x/crypto/argon2), stored as PHC strings:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// salt and hash in unpadded standard base64. The parameters are OWASP's
// (19 MiB, 2 passes, 1 lane), modest enough for a small server: a login
// costs about 19 MiB for a few tens of milliseconds.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// The parameters Hash uses.
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

// What Verify accepts from a stored hash: enough room for stronger
// parameters set later, never enough for a tampered hash to make a login
// take gigabytes or minutes.
const (
	maxMemoryKiB = 64 * 1024
	minMemoryKiB = 8
	maxPasses    = 10
	maxWork      = 2 * maxMemoryKiB // memory × passes, in KiB
	maxLanes     = 4
	minSaltLen   = 8
	maxSaltLen   = 64
	minKeyLen    = 16
	maxKeyLen    = 64
)

// MinLength is the fewest characters a password may have.
const MinLength = 10

// MaxLength is the most bytes a password may have.
const MaxLength = 1024

// Errors of Check (wrapped, with the limit) and of Hash.
var (
	// ErrTooShort is returned for a password of fewer than MinLength
	// characters.
	ErrTooShort = errors.New("password too short")
	// ErrTooLong is returned for a password of more than MaxLength bytes.
	ErrTooLong = errors.New("password too long")
	// ErrBlank is returned for a password that is empty or only
	// whitespace.
	ErrBlank = errors.New("password empty or only whitespace")
)

// Check says whether pw may become a password: at least MinLength
// characters, at most MaxLength bytes, not only whitespace.
func Check(pw string) error {
	switch {
	case len(pw) > MaxLength:
		return fmt.Errorf("%w: more than %d bytes", ErrTooLong, MaxLength)
	case strings.TrimSpace(pw) == "":
		return ErrBlank
	case utf8.RuneCountInString(pw) < MinLength:
		return fmt.Errorf("%w: fewer than %d characters", ErrTooShort, MinLength)
	}
	return nil
}

// New checks pw against the policy (Check) and hashes it (Hash): what a
// password chosen by a person goes through.
func New(pw string) (string, error) {
	if err := Check(pw); err != nil {
		return "", err
	}
	return Hash(pw)
}

// Hash returns the PHC string of pw with a new random salt. It refuses an
// empty password and one longer than MaxLength (Check is the caller's
// policy; Hash only keeps what Verify would refuse out of the store).
func Hash(pw string) (string, error) {
	if pw == "" {
		return "", fmt.Errorf("hash password: %w", ErrBlank)
	}
	if len(pw) > MaxLength {
		return "", fmt.Errorf("hash password: %w: more than %d bytes", ErrTooLong, MaxLength)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: salt: %w", err)
	}
	p := params{memory: memoryKiB, passes: passes, lanes: lanes}
	return encode(p, salt, hashWith(pw, salt, p, keyLen)), nil
}

// hashWith derives the key of n bytes of pw with salt and p.
func hashWith(pw string, salt []byte, p params, n uint32) []byte {
	return argon2.IDKey([]byte(pw), salt, p.passes, p.memory, p.lanes, n)
}

// Verify reports whether pw is the password encoded. It compares in
// constant time and is false for anything malformed: another algorithm
// or version, parameters out of bounds, bad base64, a password longer
// than MaxLength.
func Verify(encoded, pw string) bool {
	if len(pw) > MaxLength {
		return false
	}
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false
	}
	got := hashWith(pw, salt, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// params are argon2id's cost parameters.
type params struct {
	memory uint32 // KiB
	passes uint32
	lanes  uint8
}

var b64 = base64.RawStdEncoding.Strict()

func encode(p params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.passes, p.lanes, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// errMalformed is decode's error; Verify only says false.
var errMalformed = errors.New("malformed argon2id hash")

// decode parses a PHC string strictly and bounds its parameters.
func decode(s string) (params, []byte, []byte, error) {
	var p params
	if len(s) > 512 {
		return p, nil, nil, errMalformed
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errMalformed
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, nil, nil, errMalformed
	}
	m, okM := number(kv[0], "m=", minMemoryKiB, maxMemoryKiB)
	t, okT := number(kv[1], "t=", 1, maxPasses)
	l, okL := number(kv[2], "p=", 1, maxLanes)
	if !okM || !okT || !okL || uint64(m)*uint64(t) > maxWork || m < 8*l {
		return p, nil, nil, errMalformed
	}
	p = params{memory: m, passes: t, lanes: uint8(l)}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return p, nil, nil, errMalformed
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, errMalformed
	}
	return p, salt, key, nil
}

// number parses "name=N" with N a plain decimal in [lo, hi].
func number(s, prefix string, lo, hi uint32) (uint32, bool) {
	digits, ok := strings.CutPrefix(s, prefix)
	if !ok || digits == "" || len(digits) > 10 || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || n < uint64(lo) || n > uint64(hi) {
		return 0, false
	}
	return uint32(n), true
}
