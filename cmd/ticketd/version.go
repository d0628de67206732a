package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print the version ticketd was built from",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), version())
			return err
		},
	}
}

// version describes the build: the module version (or the VCS revision
// of a development build) and the Go version.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "ticketd (unknown version)"
	}
	v := info.Main.Version
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if (v == "" || v == "(devel)") && rev != "" {
		v = rev[:min(len(rev), 12)] + modified
	}
	if v == "" {
		v = "(devel)"
	}
	return fmt.Sprintf("ticketd %s %s", v, info.GoVersion)
}
