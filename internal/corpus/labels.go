// Package corpus scores judgements against a labelled corpus: each mail's
// expected verdict, the rules that must fire and a one-line reason, as a
// support lead labelled them. It gives precision and recall per rule, the
// share judged right and the misses, and checks them against floors that
// may only rise. It reads label files and nothing else.
package corpus

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Label is what a support lead expects of one mail: one line of an
// expect.jsonl file.
type Label struct {
	// File is the mail's path; in the file it is relative to the label
	// file's folder, after Load it is joined to it.
	File     string   `json:"file"`
	Verdict  string   `json:"verdict"`
	Category string   `json:"category,omitempty"`
	Rules    []string `json:"rules"`
	Reason   string   `json:"reason"`
}

// ErrBadLabel is returned by Load for a line that is not a valid label.
var ErrBadLabel = errors.New("bad label")

// maxLabelLine bounds one line of a label file.
const maxLabelLine = 64 << 10

// Load reads a label file (JSON lines). File paths are made relative to
// the label file's folder; a missing file, a duplicate or an unknown
// verdict is an error naming the line.
func Load(path string) ([]Label, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dir := filepath.Dir(path)
	var out []Label
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), maxLabelLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var l Label
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			return nil, fmt.Errorf("%s:%d: %w: %v", path, n, ErrBadLabel, err)
		}
		switch l.Verdict {
		case "accepted", "needs_info", "rejected", "ignored":
		default:
			return nil, fmt.Errorf("%s:%d: %w: verdict %q", path, n, ErrBadLabel, l.Verdict)
		}
		if l.File == "" || filepath.IsAbs(l.File) || strings.Contains(l.File, "..") {
			return nil, fmt.Errorf("%s:%d: %w: file %q must be a path inside %s", path, n, ErrBadLabel, l.File, dir)
		}
		l.File = filepath.Join(dir, l.File)
		if prev, ok := seen[l.File]; ok {
			return nil, fmt.Errorf("%s:%d: %w: %s already labelled on line %d", path, n, ErrBadLabel, l.File, prev)
		}
		seen[l.File] = n
		if _, err := os.Stat(l.File); err != nil {
			return nil, fmt.Errorf("%s:%d: %w: %v", path, n, ErrBadLabel, err)
		}
		if l.Rules == nil {
			l.Rules = []string{}
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}
