package admin

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/store"
)

// StatusError is an error answer of the admin API. It unwraps to
// store.ErrNotFound for 404, store.ErrInvalid for 400, store.ErrExists
// for 409 and store.ErrPruned for 410, so callers can
// test API and direct-database errors alike with errors.Is.
type StatusError struct {
	StatusCode int
	Message    string // the server's {"error": ...}, or the status text
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s (HTTP %d)", e.Message, e.StatusCode)
}

// Unwrap maps the status to the store error it stands for, if any.
func (e *StatusError) Unwrap() error {
	switch e.StatusCode {
	case http.StatusNotFound:
		return store.ErrNotFound
	case http.StatusBadRequest:
		return store.ErrInvalid
	case http.StatusConflict:
		return store.ErrExists
	case http.StatusGone:
		return store.ErrPruned
	}
	return nil
}

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// readStatusError builds the StatusError of a non-2xx answer.
func readStatusError(resp *http.Response) *StatusError {
	e := &StatusError{StatusCode: resp.StatusCode, Message: http.StatusText(resp.StatusCode)}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && eb.Error != "" {
		e.Message = eb.Error
	} else if s := strings.TrimSpace(string(body)); s != "" {
		e.Message = oneline.Cut(s, 200)
	}
	return e
}
