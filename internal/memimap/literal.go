package memimap

import (
	"bytes"

	"github.com/emersion/go-imap/v2"
)

// Literal makes raw an IMAP literal, as the in-memory server's Append
// takes it.
func Literal(raw []byte) imap.LiteralReader {
	return literal{bytes.NewReader(raw), int64(len(raw))}
}

type literal struct {
	*bytes.Reader
	size int64
}

func (l literal) Size() int64 { return l.size }
