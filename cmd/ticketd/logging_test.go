package main

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

func TestLoggerFormats(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		name, format string
		wantJSON     bool
	}{
		{"auto, not a terminal (systemd's journal)", "auto", true},
		{"text asked", "text", false},
		{"json asked", "json", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			newLogger(&buf, tt.format, "info").Info("hello", "k", "v")
			isJSON := json.Valid(bytes.TrimSpace(buf.Bytes()))
			if isJSON != tt.wantJSON {
				t.Errorf("format %s gave %q", tt.format, buf.String())
			}
		})
	}
	// A regular file is not a terminal either: auto picks JSON.
	newLogger(f, "auto", "info").Info("to a file")
	b, _ := os.ReadFile(f.Name())
	if !json.Valid(bytes.TrimSpace(b)) {
		t.Errorf("auto to a file: %q", b)
	}
	var quiet bytes.Buffer
	newLogger(&quiet, "text", "warn").Info("not shown")
	if quiet.Len() != 0 {
		t.Errorf("level warn logged an info line: %q", quiet.String())
	}
}
