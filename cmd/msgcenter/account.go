package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// passwordSource is where an admin command reads a password: a file, or
// the first line of standard input. The old --password flag is kept only to
// refuse it with the reason.
type passwordSource struct {
	file, onCommandLine *string
}

func passwordFlags(fs *flag.FlagSet) passwordSource {
	return passwordSource{
		file: fs.String("password-file", "", "read the password from the first line of this file (default: standard input)"),
		onCommandLine: fs.String("password", "", "refused: a password on the command line shows in the process list; "+
			"pipe it on standard input or name a file with --password-file"),
	}
}

// read returns the password: the first line of the file or of stdin,
// without its line ending.
func (p passwordSource) read(stdin io.Reader) (string, error) {
	if *p.onCommandLine != "" {
		return "", errors.New("--password is refused: a password on the command line shows in the process list and the shell's history; " +
			"pipe it on standard input (printf '%s\\n' \"$PW\" | msgcenter …) or name a file with --password-file")
	}
	r := stdin
	if *p.file != "" {
		f, err := os.Open(*p.file)
		if err != nil {
			return "", fmt.Errorf("--password-file: %w", err)
		}
		defer f.Close()
		r = f
	}
	if r == nil {
		return "", errors.New("no password: pipe it on standard input or name a file with --password-file")
	}
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password: pipe it on standard input or name a file with --password-file")
	}
	return line, nil
}

func runAdminPassword(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("admin password", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	email := fs.String("email", "", "the admin whose password changes")
	pw := passwordFlags(fs)
	if err := parseWithDB(fs, args, getenv); err != nil {
		return err
	}
	password, err := pw.read(stdin)
	if err != nil {
		return err
	}
	return withAdmin(ctx, *db, *email, func(users msgcenter.UserService, u *msgcenter.User) error {
		if err := users.SetPassword(ctx, u.ID, password); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "password of %s changed; their dashboard sessions ended\n", u.Email)
		return nil
	})
}

func runTokenList(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("token list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	email := fs.String("email", "", "the admin whose tokens are listed")
	if err := parseWithDB(fs, args, getenv); err != nil {
		return err
	}
	var ts []*msgcenter.APIToken
	err := withAdmin(ctx, *db, *email, func(users msgcenter.UserService, u *msgcenter.User) (err error) {
		if ts, err = users.FindAPITokens(ctx, u.ID); err != nil {
			return describe(err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tCREATED\tREVOKED")
	for _, t := range ts {
		revoked := "-"
		if t.RevokedAt != nil {
			revoked = t.RevokedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(time.RFC3339), revoked)
	}
	return w.Flush()
}

func runTokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("token revoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	email := fs.String("email", "", "the admin whose token is revoked")
	id := fs.Int64("id", 0, "the token's id, from token list")
	if err := parseWithDB(fs, args, getenv); err != nil {
		return err
	}
	if *id <= 0 {
		return errors.New("--id is required: the token's id, from msgcenter token list")
	}
	return withAdmin(ctx, *db, *email, func(users msgcenter.UserService, u *msgcenter.User) error {
		t, err := users.RevokeAPIToken(ctx, u.ID, *id)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "token %d (%s) revoked\n", t.ID, t.Name)
		return nil
	})
}

// withAdmin opens the database at url and calls f with its user service and
// the admin whose e-mail is email, closing the database after; an unknown
// admin is described as the commands describe every refusal.
func withAdmin(ctx context.Context, url, email string, f func(users msgcenter.UserService, u *msgcenter.User) error) error {
	d, err := openDB(ctx, url, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	users := newServices(d).users
	u, err := users.FindUserByEmail(ctx, email)
	if err != nil {
		return describe(err)
	}
	return f(users, u)
}
