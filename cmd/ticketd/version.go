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

// version describes the build: the module version, the VCS commit
// ("unknown" when the build was not stamped, as with go run or
// -buildvcs=false) and the Go version, all from debug.ReadBuildInfo.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "ticketd (unknown version)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	rev, modified := "unknown", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value[:min(len(s.Value), 12)]
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	return fmt.Sprintf("ticketd %s commit %s%s %s", v, rev, modified, info.GoVersion)
}
