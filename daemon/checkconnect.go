package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/oauth"
	"github.com/ticketd/ticketd/receipt"
)

// ConfigWarnings are what a valid configuration may still get wrong: a
// login without a password (and without OAuth2) fails at the server, not
// here.
func ConfigWarnings(cfg *config.Config) []string {
	var w []string
	for _, l := range []struct {
		key, user, password string
		oauth2              bool
	}{
		{"imap", cfg.IMAP.Username, cfg.IMAP.Password, cfg.IMAP.OAuth2.Enabled()},
		{"smtp", cfg.SMTP.Username, cfg.SMTP.Password, cfg.SMTP.OAuth2.Enabled()},
	} {
		if l.user != "" && l.password == "" && !l.oauth2 {
			w = append(w, fmt.Sprintf("%s.password is empty while %s.username is set (and %s.oauth2 is off): the login will fail; set it, %s.password_file, TICKETD_%s_PASSWORD or the systemd credential %s_password",
				l.key, l.key, l.key, l.key, strings.ToUpper(l.key), l.key))
		}
	}
	return w
}

// CheckConnect tries each endpoint the daemon needs (the OAuth2 token
// endpoints, IMAP, SMTP) and reports one line each: what works to stdout,
// what failed and why to stderr. It reports whether all worked. log hears
// the IMAP client's warnings.
func CheckConnect(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer, log *slog.Logger) bool {
	failed := false
	fail := func(what string, err error) {
		failed = true
		fmt.Fprintf(stderr, "%s: failed: %s\n", what, oneline.Error(err))
	}
	tokens := map[string]*oauth.TokenSource{}
	for _, o := range []struct {
		key string
		c   config.OAuth2
	}{{"imap.oauth2", cfg.IMAP.OAuth2}, {"smtp.oauth2", cfg.SMTP.OAuth2}} {
		if !o.c.Enabled() {
			continue
		}
		what := "oauth2 token endpoint " + oneline.Of(o.c.TokenURL) + " (" + o.key + ")"
		ts, err := oauth.NewTokenSource(o.c.TokenConfig(o.key))
		if err == nil {
			_, err = ts.Token(ctx)
		}
		if err != nil {
			fail(what, err)
			continue
		}
		tokens[o.key] = ts
		fmt.Fprintf(stdout, "%s: token obtained\n", what)
	}

	imapWhat := "imap " + cfg.IMAP.Address
	if cfg.IMAP.OAuth2.Enabled() && tokens["imap.oauth2"] == nil {
		fail(imapWhat, fmt.Errorf("not tried: no OAuth2 token"))
	} else if c, err := DialFolder(ctx, cfg, cfg.IMAP.Mailbox, log); err != nil {
		fail(imapWhat, unwrapPrefix(err, imapWhat+": "))
	} else {
		caps := c.Caps()
		_ = c.Close()
		fmt.Fprintf(stdout, "%s: logged in as %s, %s selected; IDLE %s, MOVE %s, UIDPLUS %s; auth %s\n",
			imapWhat, cfg.IMAP.Username, cfg.IMAP.Mailbox, yesNo(caps.IDLE), yesNo(caps.MOVE), yesNo(caps.UIDPLUS), orNone(caps.Auth))
		if !caps.MOVE {
			fmt.Fprintln(stdout, "  note: without MOVE, messages are copied and flagged \\Deleted; without UIDPLUS they are not expunged")
		}
	}

	smtpWhat := "smtp " + cfg.SMTP.Address
	scfg := SMTPConfig(cfg)
	if cfg.SMTP.OAuth2.Enabled() {
		if ts := tokens["smtp.oauth2"]; ts != nil {
			scfg.Token = ts.Token
		}
	}
	switch sender, err := receipt.NewSender(scfg); {
	case cfg.SMTP.OAuth2.Enabled() && tokens["smtp.oauth2"] == nil:
		fail(smtpWhat, fmt.Errorf("not tried: no OAuth2 token"))
	case err != nil:
		fail(smtpWhat, err)
	default:
		info, err := sender.Probe(ctx)
		if err != nil {
			fail(smtpWhat, err)
			break
		}
		login := "no login configured"
		if info.LoggedIn {
			login = "logged in as " + cfg.SMTP.Username
		}
		envelope := "no envelope tried (no sender address)"
		if info.Envelope != "" {
			envelope = "MAIL FROM/RCPT TO <" + info.Envelope + "> accepted"
		}
		fmt.Fprintf(stdout, "%s: %s; EHLO %s; %s; TLS %s, STARTTLS offered %s; auth %s; size limit %s; %s\n",
			smtpWhat, login, info.HeloName, envelope, yesNo(info.TLS), yesNo(info.STARTTLS), orNone(info.Auth), orNone(strings.Fields(info.Size)), strings.Join(info.Extension, " "))
	}
	return !failed
}

// unwrapPrefix drops a leading prefix the line already says.
func unwrapPrefix(err error, prefix string) error {
	if s := err.Error(); strings.HasPrefix(s, prefix) {
		return fmt.Errorf("%s", strings.TrimPrefix(s, prefix))
	}
	return err
}

// DialFolder connects a command that logs in once (quarantine,
// check-config) and selects folder, without creating the processed and
// quarantine folders as the daemon does.
func DialFolder(ctx context.Context, cfg *config.Config, folder string, log *slog.Logger) (*mailbox.Client, error) {
	icfg := IMAPConfig(cfg, log)
	icfg.Mailbox = folder
	icfg.ProcessedMailbox, icfg.QuarantineMailbox = "", ""
	var ts *oauth.TokenSource
	if cfg.IMAP.OAuth2.Enabled() {
		var err error
		if ts, err = oauth.NewTokenSource(cfg.IMAP.OAuth2.TokenConfig("imap.oauth2")); err != nil {
			return nil, err
		}
	}
	c, err := inbox.Dial(ctx, icfg, ts)
	if err != nil {
		return nil, fmt.Errorf("imap %s: %w", cfg.IMAP.Address, err)
	}
	return c, nil
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
