package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// unknownHelpTopic reports `ticketd help TOPIC` for a TOPIC that names no
// command, which cobra answers with the root's usage and status 0: it is a
// usage error like an unknown command (exit 2).
func unknownHelpTopic(root *cobra.Command, args []string, stderr io.Writer) bool {
	if len(args) < 2 || args[0] != "help" {
		return false
	}
	// cobra adds these two only when it executes: add them now so that
	// they are topics too.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	c, rest, err := root.Find(args[1:])
	if err == nil && c != root && len(rest) == 0 {
		return false
	}
	fmt.Fprintf(stderr, "ticketd: unknown help topic %q\nRun 'ticketd --help' for usage.\n", args[1:])
	return true
}
