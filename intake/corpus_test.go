package intake

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// corpusDir is the shared corpus of real-world and hostile mail
// (TICKETD_CORPUS, else ../shared/corpus next to the repository). It is
// never copied into the repository.
func corpusDir() string {
	if d := os.Getenv("TICKETD_CORPUS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "corpus")
}

// corpusFiles returns the corpus's .eml files, or none when it is absent.
func corpusFiles(tb testing.TB) []string {
	var files []string
	err := filepath.WalkDir(corpusDir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".eml") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		tb.Fatalf("reading corpus: %v", err)
	}
	return files
}

func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	if len(files) == 0 {
		t.Skip("no corpus at", corpusDir())
	}
	limits := DefaultLimits
	parsed := 0
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			inputs := [][]byte{data}
			// Some files are bare MIME entities (no message header): parse
			// them behind a From line too, so the MIME walk still sees them.
			inputs = append(inputs, append([]byte("From: corpus@example.com\r\n"), data...))
			for _, in := range inputs {
				start := time.Now()
				m, err := Parse(bytes.NewReader(in), limits)
				if took := time.Since(start); took > limits.MaxDuration {
					t.Errorf("took %s, limit %s", took, limits.MaxDuration)
				}
				checkResult(t, m, err, limits)
				if err == nil {
					parsed++
				}
			}
		})
	}
	// Most of the corpus is real mail: if most of it fails, parsing broke.
	if parsed < len(files) {
		t.Errorf("only %d of %d corpus inputs parsed", parsed, 2*len(files))
	}
}
