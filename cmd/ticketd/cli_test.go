package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandLineConventions checks what every command shares: help on
// standard output with exit 0, usage errors with exit 2 on standard
// error, flags before or after the arguments, and the generated
// completion, man page and version.
func TestCommandLineConventions(t *testing.T) {
	const fixture = "../../testdata/mail/en-incident-screenshot.eml"
	tests := []struct {
		name       string
		args       []string
		code       int
		stdoutHas  string
		stderrHas  string
		quietOnErr bool // nothing on standard error
	}{
		{"help", []string{"--help"}, 0, "Available Commands", "", true},
		{"help command", []string{"help", "replay"}, 0, "ticketd replay [flags] PATH...", "", true},
		{"command help", []string{"tickets", "show", "-h"}, 0, "ticketd tickets show [flags] NUMBER", "", true},
		{"no command", nil, 2, "", "no command given", false},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`, false},
		{"unknown flag", []string{"run", "--frobnicate"}, 2, "", "unknown flag", false},
		{"missing subcommand", []string{"quarantine"}, 2, "", "subcommand", false},
		{"unknown subcommand", []string{"tickets", "frob"}, 2, "", `unknown subcommand "frob"`, false},
		{"too many arguments", []string{"backup", "a", "b"}, 2, "", "takes 1 argument", false},
		{"flags after the arguments", []string{"replay", fixture, "--format", "json", "--config", "../../config.example.yaml"}, 0, `"verdict":"accepted"`, "", true},
		{"flags before the arguments", []string{"replay", "--format=json", "--config=../../config.example.yaml", fixture}, 0, `"verdict":"accepted"`, "", true},
		{"completion bash", []string{"completion", "bash"}, 0, "bash completion", "", true},
		{"completion zsh", []string{"completion", "zsh"}, 0, "#compdef ticketd", "", true},
		{"man page", []string{"man"}, 0, `.TH "TICKETD" "1"`, "", true},
		{"version", []string{"version"}, 0, "ticketd ", "", true},
		{"version names the commit and Go", []string{"version"}, 0, " commit ", "", true},
		{"unknown help topic", []string{"help", "frobnicate"}, 2, "", `unknown help topic ["frobnicate"]`, false},
		{"unknown help subtopic", []string{"help", "tickets", "frob"}, 2, "", "unknown help topic", false},
		{"help completion", []string{"help", "completion"}, 0, "ticketd completion [command]", "", true},
		{"help help", []string{"help", "help"}, 0, "ticketd help [command]", "", true},
		{"help subcommand", []string{"help", "quarantine", "retry"}, 0, "ticketd quarantine retry [flags] UID...|--all", "", true},
		{"show lists only its own flags", []string{"tickets", "show", "--help"}, 0, "--format", "", true},
		{"a list flag on show", []string{"tickets", "show", "5", "--status", "open"}, 2, "", "unknown flag: --status", false},
		{"bad status", []string{"tickets", "list", "--status", "pending"}, 2, "", `--status "pending" is not one of needs_info, open, closed`, false},
		{"bad since", []string{"tickets", "list", "--since", "2026-13-01"}, 2, "", `--since "2026-13-01" is not a date`, false},
		{"retry without UIDs", []string{"quarantine", "retry"}, 2, "", "or --all for every one", false},
		{"retry UIDs and --all", []string{"quarantine", "retry", "3", "--all"}, 2, "", "not both", false},
		{"retry a bad UID", []string{"quarantine", "retry", "x1"}, 2, "", `"x1" is not a UID`, false},
		{"replay -v", []string{"replay", "-h"}, 0, "-v, --verbose", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdoutHas) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdoutHas, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, stderr.String())
			}
			if tt.quietOnErr && stderr.Len() > 0 {
				t.Errorf("stderr: %s", stderr.String())
			}
		})
	}
}

// TestUsageGolden holds the usage text of the commands whose arguments
// issue 16 changed to testdata/usage/*.golden (run with -update to
// rewrite them after a deliberate change).
func TestUsageGolden(t *testing.T) {
	for _, args := range [][]string{
		{"tickets", "show", "--help"},
		{"tickets", "list", "--help"},
		{"quarantine", "retry", "--help"},
	} {
		name := strings.Join(args[:len(args)-1], "-")
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), args, &stdout, &stderr); code != 0 || stderr.Len() > 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			golden := filepath.Join("testdata", "usage", name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if stdout.String() != string(want) {
				t.Errorf("usage differs from %s:\n%s", golden, stdout.String())
			}
		})
	}
}

// TestManTree writes one page per command.
func TestManTree(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"man", "--dir", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, page := range []string{"ticketd.1", "ticketd-run.1", "ticketd-tickets-show.1"} {
		if b := readPage(t, dir, page); !bytes.Contains(b, []byte(".TH")) {
			t.Errorf("%s is not a man page", page)
		}
	}
}

func readPage(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
