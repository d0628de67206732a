package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func manCommand(root *cobra.Command) *cobra.Command {
	var dir string
	c := &cobra.Command{
		Use:   "man [flags]",
		Short: "generate the man page (ticketd.1 on standard output, or one page per command in DIR)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			header := &doc.GenManHeader{Title: "TICKETD", Section: "1", Source: "ticketd", Manual: "ticketd manual"}
			root.DisableAutoGenTag = true
			if dir == "" {
				return doc.GenMan(root, header, cmd.OutOrStdout())
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("man: %w", err)
			}
			return doc.GenManTree(root, header, dir)
		},
	}
	c.Flags().StringVar(&dir, "dir", "", "write one page per command into this directory")
	return c
}
