package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Floors are the lowest precision and recall each rule may have on a
// corpus, and the lowest share judged right. They are raised as the rules
// improve and never lowered.
type Floors struct {
	JudgedRight float64          `json:"judged_right"`
	Rules       map[string]Floor `json:"rules"`
}

// Floor is one rule's floor, as fractions (0.9 for 90 %).
type Floor struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

// LoadFloors reads a floors file.
func LoadFloors(path string) (*Floors, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f Floors
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &f, nil
}

// Check returns one line per floor the report falls below; none when the
// report holds every floor. A rule with a floor that the corpus never
// exercises falls below it: a floor must be measured.
func (f *Floors) Check(r *Report) []string {
	var out []string
	if r.Accuracy() < f.JudgedRight {
		out = append(out, fmt.Sprintf("judged right %.3f below its floor %.3f", r.Accuracy(), f.JudgedRight))
	}
	ids := make([]string, 0, len(f.Rules))
	for id := range f.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fl := f.Rules[id]
		s := r.Rules[id]
		if s == nil || s.TP == 0 {
			out = append(out, fmt.Sprintf("%s: never fired where wanted, floors cannot be measured", id))
			continue
		}
		if s.Precision() < fl.Precision {
			out = append(out, fmt.Sprintf("%s: precision %.3f below its floor %.3f", id, s.Precision(), fl.Precision))
		}
		if s.Recall() < fl.Recall {
			out = append(out, fmt.Sprintf("%s: recall %.3f below its floor %.3f", id, s.Recall(), fl.Recall))
		}
	}
	return out
}
