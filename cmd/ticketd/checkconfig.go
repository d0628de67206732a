package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/oauth"
	"github.com/ticketd/ticketd/receipt"
)

func checkConfigCommand() *cobra.Command {
	var cfgPath string
	var connect bool
	c := &cobra.Command{
		Use:   "check-config [flags]",
		Short: "validate a configuration; --connect also logs in to IMAP and SMTP",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheckConfig(cmd.Context(), cfgPath, connect, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	c.Flags().StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	c.Flags().BoolVar(&connect, "connect", false, "also log in to the IMAP and SMTP servers and report what they support")
	return c
}

// runCheckConfig validates a configuration file and, with connect, logs
// in to the IMAP and SMTP servers and reports what they support.
func runCheckConfig(ctx context.Context, cfgPath string, connect bool, stdout, stderr io.Writer) error {
	cfg, err := daemon.LoadConfig(cfgPath)
	if err != nil {
		return err
	}
	p := cfg.Policy()
	contacts := 0
	for _, o := range p.Organizations {
		contacts += len(o.Contacts)
	}
	fmt.Fprintf(stdout, "%s: valid (%d organizations, %d contacts)\n", cfgPath, len(p.Organizations), contacts)
	if !connect {
		return nil
	}
	c, err := dialForCommand(ctx, cfg, cfg.IMAP.Mailbox, stderr)
	if err != nil {
		return err
	}
	caps := c.Caps()
	_ = c.Close()
	fmt.Fprintf(stdout, "imap %s: logged in as %s, %s selected; IDLE %s, MOVE %s, UIDPLUS %s; auth %s\n",
		cfg.IMAP.Address, cfg.IMAP.Username, cfg.IMAP.Mailbox, yesNo(caps.IDLE), yesNo(caps.MOVE), yesNo(caps.UIDPLUS), orNone(caps.Auth))
	if !caps.MOVE {
		fmt.Fprintln(stdout, "  note: without MOVE, messages are copied and flagged \\Deleted; without UIDPLUS they are not expunged")
	}
	scfg := daemon.SMTPConfig(cfg)
	if cfg.SMTP.OAuth2.Enabled() {
		sts, err := oauth.NewTokenSource(cfg.SMTP.OAuth2.TokenConfig("smtp.oauth2"))
		if err != nil {
			return err
		}
		scfg.Token = sts.Token
	}
	sender, err := receipt.NewSender(scfg)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	info, err := sender.Probe(ctx)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", cfg.SMTP.Address, err)
	}
	login := "no login configured"
	if info.LoggedIn {
		login = "logged in as " + cfg.SMTP.Username
	}
	fmt.Fprintf(stdout, "smtp %s: %s; TLS %s, STARTTLS offered %s; auth %s; size limit %s; %s\n",
		cfg.SMTP.Address, login, yesNo(info.TLS), yesNo(info.STARTTLS), orNone(info.Auth), orNone(strings.Fields(info.Size)), strings.Join(info.Extension, " "))
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, " ")
}
