package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/desk"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/internal/password"
	"github.com/ticketd/ticketd/store"
)

func usersCommand() *cobra.Command {
	var cfgPath, format, role, email, pwFile string
	sub := func(use, short string, nargs int) *cobra.Command {
		c := &cobra.Command{Use: use, Short: short, Args: exactArgs(nargs)}
		c.Flags().StringVar(&cfgPath, "config", defaultConfig, "configuration file")
		return c
	}
	// change is a subcommand that changes the user NAME with fn.
	change := func(use, short string, fn func(ctx context.Context, a *desk.Desk, name string, out io.Writer) error) *cobra.Command {
		c := sub(use, short, 1)
		c.RunE = func(cmd *cobra.Command, args []string) error {
			name, err := userArg(args[0])
			if err != nil {
				return err
			}
			return withDesk(cmd.Context(), cfgPath, true, func(a *desk.Desk) error {
				return fn(cmd.Context(), a, name, cmd.OutOrStdout())
			})
		}
		return c
	}

	list := sub("list [flags]", "list the users: name, role, address, whether they can log in (never a password)", 0)
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := checkFormat(format); err != nil {
			return err
		}
		return withDesk(cmd.Context(), cfgPath, false, func(a *desk.Desk) error {
			us, err := a.Users(cmd.Context())
			if err != nil {
				return err
			}
			return writeUsers(cmd.OutOrStdout(), us, format)
		})
	}
	list.Flags().StringVar(&format, "format", "text", "text or json")

	// add and passwd read the password before opening the store, so that
	// a prompt never holds the file.
	add := sub("add [flags] NAME --role agent|lead", "add a user; without a password it cannot log in until one is set", 1)
	add.RunE = func(cmd *cobra.Command, args []string) error {
		name, err := userArg(args[0])
		if err != nil {
			return err
		}
		r := store.Role(role)
		if !r.Valid() {
			return fmt.Errorf("%w: --role %q is not agent or lead", errUsage, oneline.Cut(role, 20))
		}
		addr, err := emailFlag(email)
		if err != nil {
			return err
		}
		hash, err := newPasswordHash(cmd, name, pwFile, true)
		if err != nil {
			return err
		}
		return withDesk(cmd.Context(), cfgPath, true, func(a *desk.Desk) error {
			u, err := a.AddUser(cmd.Context(), store.User{Name: name, Email: addr, Role: r, PasswordHash: hash})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !u.HasPassword {
				fmt.Fprintf(out, "user %s added (%s) without a password: it cannot log in until `ticketd users passwd %s` sets one\n", u.Name, u.Role, u.Name)
				return nil
			}
			fmt.Fprintf(out, "user %s added (%s)\n", u.Name, u.Role)
			return nil
		})
	}
	add.Flags().StringVar(&role, "role", "", "agent or lead (required)")
	add.Flags().StringVar(&email, "email", "", "the user's email address (an agent's desk.agents address)")
	add.Flags().StringVar(&pwFile, "password-file", "", "read the password from this file's first line (default: ask on the terminal, or read a line from standard input)")

	passwd := sub("passwd [flags] NAME", "set a user's password; the user's sessions end", 1)
	passwd.RunE = func(cmd *cobra.Command, args []string) error {
		name, err := userArg(args[0])
		if err != nil {
			return err
		}
		hash, err := newPasswordHash(cmd, name, pwFile, false)
		if err != nil {
			return err
		}
		return withDesk(cmd.Context(), cfgPath, true, func(a *desk.Desk) error {
			u, err := a.SetPassword(cmd.Context(), name, hash)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "password of %s set; %s's sessions ended\n", u.Name, u.Name)
			return nil
		})
	}
	passwd.Flags().StringVar(&pwFile, "password-file", "", "read the password from this file's first line (default: ask on the terminal, or read a line from standard input)")

	disable := change("disable [flags] NAME", "disable a user: no more logins, the user's sessions end", func(ctx context.Context, a *desk.Desk, name string, out io.Writer) error {
		u, err := a.DisableUser(ctx, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "user %s disabled; %s's sessions ended\n", u.Name, u.Name)
		return nil
	})
	enable := change("enable [flags] NAME", "enable a disabled user", func(ctx context.Context, a *desk.Desk, name string, out io.Writer) error {
		u, err := a.EnableUser(ctx, name)
		if err != nil {
			return err
		}
		if !u.HasPassword {
			fmt.Fprintf(out, "user %s enabled; it has no password yet (ticketd users passwd %s)\n", u.Name, u.Name)
			return nil
		}
		fmt.Fprintf(out, "user %s enabled\n", u.Name)
		return nil
	})
	return group("users list|add|passwd|disable|enable", "manage the local users of the web console (agents and leads)", list, add, passwd, disable, enable)
}

// withDesk opens the desk (the daemon's API, else the file), runs fn and
// closes it.
func withDesk(ctx context.Context, cfgPath string, write bool, fn func(a *desk.Desk) error) error {
	a, err := openDesk(ctx, cfgPath, write)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

// userArg is a user name as typed, lower-cased, or a usage error.
func userArg(arg string) (string, error) {
	name, err := store.UserName(arg)
	if err != nil {
		return "", fmt.Errorf("%w: %q is not a user name (1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit)", errUsage, oneline.Cut(arg, 70))
	}
	return name, nil
}

// emailFlag is --email lower-cased ("" when not given), or a usage error
// when it is not a bare address.
func emailFlag(s string) (string, error) {
	a := strings.ToLower(strings.TrimSpace(s))
	if a == "" {
		return "", nil
	}
	if p, err := mail.ParseAddress(a); err != nil || p.Address != a {
		return "", fmt.Errorf("%w: --email %q is not a bare email address", errUsage, oneline.Cut(s, 80))
	}
	return a, nil
}

// newPasswordHash reads a new password for user (from file, else asked
// twice on the terminal without echo, else one line of standard input),
// checks it against the policy and hashes it here: only the hash goes to
// the daemon or the file. When optional, no password ("" read) returns "".
func newPasswordHash(cmd *cobra.Command, user, file string, optional bool) (string, error) {
	pw, err := readNewPassword(cmd.InOrStdin(), cmd.ErrOrStderr(), user, file, optional)
	if err != nil {
		return "", err
	}
	if pw == "" && optional && file == "" {
		return "", nil
	}
	hash, err := password.New(pw)
	if err != nil {
		return "", fmt.Errorf("password of %s: %w", user, err)
	}
	return hash, nil
}

// maxPasswordInput bounds what is read for a password: one over the
// policy's maximum and a line end, so that too long is said, not cut.
const maxPasswordInput = password.MaxLength + 3

func readNewPassword(stdin io.Reader, stderr io.Writer, user, file string, optional bool) (string, error) {
	if file != "" {
		return readPasswordFile(file)
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return promptPassword(int(f.Fd()), stderr, user, optional)
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, maxPasswordInput)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	return strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"), nil
}

// readPasswordFile reads the password from the first line of a file (its
// line end removed); a second line is refused, as a sign of the wrong file.
func readPasswordFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("--password-file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPasswordInput))
	if err != nil {
		return "", fmt.Errorf("--password-file %s: %w", path, err)
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if strings.ContainsAny(s, "\r\n") {
		return "", fmt.Errorf("--password-file %s: holds more than one line", path)
	}
	return s, nil
}

// promptPassword asks for the password twice on the terminal fd, without
// echo; prompts go to stderr.
func promptPassword(fd int, stderr io.Writer, user string, optional bool) (string, error) {
	ask := func(prompt string) (string, error) {
		fmt.Fprint(stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read the password from the terminal: %w", err)
		}
		return string(b), nil
	}
	prompt := fmt.Sprintf("New password for %s: ", user)
	if optional {
		prompt = fmt.Sprintf("Password for %s (empty: none yet): ", user)
	}
	pw, err := ask(prompt)
	if err != nil || pw == "" && optional {
		return pw, err
	}
	if err := password.Check(pw); err != nil {
		return "", fmt.Errorf("password of %s: %w", user, err)
	}
	again, err := ask("Again: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", errors.New("the two passwords differ; nothing changed")
	}
	return pw, nil
}

func writeUsers(w io.Writer, us []admin.UserInfo, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		for i := range us {
			if err := enc.Encode(&us[i]); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tEMAIL\tLOGIN\tCREATED")
	for _, u := range us {
		login := "yes"
		switch {
		case u.Disabled:
			login = "no (disabled)"
		case !u.HasPassword:
			login = "no (no password)"
		}
		email := u.Email
		if email == "" {
			email = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, email, login, u.CreatedAt.Format(time.DateTime))
	}
	return tw.Flush()
}
