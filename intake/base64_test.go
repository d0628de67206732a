package intake

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

func TestBase64Reader(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 100_003)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	wrapped := func(enc string, width int, sep string) string {
		var b strings.Builder
		for len(enc) > width {
			b.WriteString(enc[:width] + sep)
			enc = enc[width:]
		}
		b.WriteString(enc + sep)
		return b.String()
	}
	std := base64.StdEncoding.EncodeToString(data)
	tests := []struct {
		name, in string
		want     []byte
		wantErr  bool
	}{
		{"76 columns CRLF", wrapped(std, 76, "\r\n"), data, false},
		{"odd width LF with spaces", wrapped(std, 61, " \n\t"), data, false},
		{"one line", std, data, false},
		{"unpadded tail", strings.TrimRight(base64.StdEncoding.EncodeToString([]byte("hello!?")), "="), []byte("hello!?"), false},
		{"empty", "", nil, false},
		{"only whitespace", "\r\n\r\n", nil, false},
		{"garbage", "aGVsbG8*d29ybGQ=", []byte("hel"), true}, // the quanta before the bad one
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				got, err := io.ReadAll(newBase64Reader(r))
				if (err != nil) != tt.wantErr {
					t.Fatalf("err = %v, want error %v", err, tt.wantErr)
				}
				if tt.wantErr && !errors.Is(err, errBase64) {
					t.Errorf("err = %v, want errBase64", err)
				}
				if !bytes.HasPrefix(got, tt.want) || (!tt.wantErr && len(got) != len(tt.want)) {
					t.Errorf("decoded %d bytes, want %d (prefix equal: %v)", len(got), len(tt.want), bytes.HasPrefix(got, tt.want))
				}
			}
		})
	}
}

// FuzzBase64Reader checks the fast decoder against the standard library's
// streaming decoder on arbitrary input.
func FuzzBase64Reader(f *testing.F) {
	f.Add([]byte("aGVsbG8gd29ybGQ=\r\n"), 3)
	f.Add([]byte("aGVs\r\nbG8=\r\nd29y"), 1)
	f.Fuzz(func(t *testing.T, in []byte, chunk int) {
		got, gotErr := io.ReadAll(newBase64Reader(bytes.NewReader(in)))
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, in)
		want, wantErr := base64.StdEncoding.DecodeString(string(clean))
		if wantErr == nil && gotErr != nil {
			t.Fatalf("valid input refused: %v", gotErr)
		}
		if wantErr == nil && !bytes.Equal(got, want) {
			t.Fatalf("decoded %q, want %q", got, want)
		}
	})
}

// BenchmarkBase64Reader decodes 4 MB wrapped at 76 columns with CRLF, as
// mail clients send attachments.
func BenchmarkBase64Reader(b *testing.B) {
	data := make([]byte, 4<<20)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	std := base64.StdEncoding.EncodeToString(data)
	var wrapped strings.Builder
	for len(std) > 76 {
		wrapped.WriteString(std[:76] + "\r\n")
		std = std[76:]
	}
	wrapped.WriteString(std + "\r\n")
	in := wrapped.String()
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{newBase64Reader(strings.NewReader(in))}, buf); err != nil {
			b.Fatal(err)
		}
	}
}
