package rules

// trigrams is a filter of the three-byte sequences a text holds: a word
// with a sequence the filter lacks is not in the text, which a few bit
// tests tell where a substring search would read the whole message. The
// message's gates look each of their words up in it first.
type trigrams [1 << 6]uint64 // 4,096 bits: about a third set by 1,500 bytes

// newTrigrams indexes the sequences of s.
func newTrigrams(s string) *trigrams {
	t := new(trigrams)
	t.add(s)
	return t
}

// add indexes the sequences of s too.
func (t *trigrams) add(s string) {
	for i := 0; i+3 <= len(s); i++ {
		h := trigramHash(s[i:])
		t[h>>6] |= 1 << (h & 63)
	}
}

// mayHold reports whether the indexed text can hold w: false means it
// does not, true that it may (shorter words always may).
func (t *trigrams) mayHold(w string) bool {
	for i := 0; i+3 <= len(w); i++ {
		h := trigramHash(w[i:])
		if t[h>>6]&(1<<(h&63)) == 0 {
			return false
		}
	}
	return true
}

// trigramHash maps the first three bytes of s to one of 4,096 bits.
func trigramHash(s string) uint32 {
	v := uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16
	return v * 2654435761 >> 20
}
