// Command msgcenter runs the message center: its HTTP service and workers,
// its migrations, and its admin tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Command(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "msgcenter:", err)
		}
		os.Exit(1)
	}
}

const usage = `msgcenter — every customer-facing message of a store's order flow.

Usage:
  msgcenter serve [--demo] [--addr 127.0.0.1:8080] [--public-url URL] [--db URL]
  msgcenter migrate [--db URL]
  msgcenter backup --to FILE [--db URL]      (SQLite: an online, consistent copy)
  msgcenter healthcheck [--addr 127.0.0.1:8080]   (exits 0 when /healthz answers 200)
  msgcenter version
  msgcenter bench [--orders 10000] [--db postgres://server/db] [--workers 50]
  msgcenter admin create --email E [--password-file F] [--db URL]
  msgcenter admin password --email E [--password-file F] [--db URL]
  msgcenter token create --email E [--name N] [--db URL]
  msgcenter token list --email E [--db URL]
  msgcenter token revoke --email E --id N [--db URL]

Passwords are read from --password-file or, without it, from the first line
of standard input (never from the command line, where the process list
shows them).

--db defaults to $MSGCENTER_DATABASE_URL, else the SQLite file ./msgcenter.db;
a postgres:// URL selects PostgreSQL. Every serve flag has an environment
variable: msgcenter serve --help lists them.
`

// Command runs the msgcenter command line args (without the program's
// name) with its standard streams; getenv is the only way in to the
// environment. main calls it, and tests run the admin tools through it.
func Command(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr, getenv)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr, getenv)
	case "migrate":
		return runMigrate(ctx, args[1:], stdout, stderr, getenv)
	case "admin":
		if len(args) > 1 && args[1] == "create" {
			return runAdminCreate(ctx, args[2:], stdin, stdout, stderr, getenv)
		}
		if len(args) > 1 && args[1] == "password" {
			return runAdminPassword(ctx, args[2:], stdin, stdout, stderr, getenv)
		}
	case "token":
		if len(args) > 1 {
			switch args[1] {
			case "create":
				return runTokenCreate(ctx, args[2:], stdout, stderr, getenv)
			case "list":
				return runTokenList(ctx, args[2:], stdout, stderr, getenv)
			case "revoke":
				return runTokenRevoke(ctx, args[2:], stdout, stderr, getenv)
			}
		}
	case "backup":
		return runBackup(ctx, args[1:], stdout, stderr, getenv)
	case "healthcheck":
		return runHealthcheck(ctx, args[1:], stdout, stderr, getenv)
	case "version", "--version":
		fmt.Fprintln(stdout, versionString())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// dbFlag registers --db; parseWithDB fills it from the environment when the
// command line did not.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", DefaultDatabaseURL, "database URL: SQLite file path, or postgres://… (env MSGCENTER_DATABASE_URL or MSGCENTER_DATABASE_URL_FILE)")
}

// parseWithDB parses a command's flags and applies MSGCENTER_DATABASE_URL.
func parseWithDB(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	_, err := applyEnv(fs, []envBinding{{"db", "MSGCENTER_DATABASE_URL", true}}, getenv)
	return err
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := parseServe(args, stdout, stderr, getenv)
	if err != nil {
		return err
	}
	m := NewMain()
	m.Config = cfg
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.Config.Logger.Info("shutting down")
	return m.Close()
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	if err := parseWithDB(fs, args, getenv); err != nil {
		return err
	}
	d, err := openDB(ctx, *db, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}

func runAdminCreate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	email := fs.String("email", "", "the admin's email")
	pw := passwordFlags(fs)
	if err := parseWithDB(fs, args, getenv); err != nil {
		return err
	}
	password, err := pw.read(stdin)
	if err != nil {
		return err
	}
	d, err := openDB(ctx, *db, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	u, err := newServices(d).users.CreateUser(ctx, *email, password)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "admin %s created (id %d)\n", u.Email, u.ID)
	return nil
}

func runTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	email := fs.String("email", "", "the admin the token acts for")
	name := fs.String("name", "cli", "a name to recognise the token by")
	if err := parseWithDB(fs, args, getenv); err != nil {
		return err
	}
	return withAdmin(ctx, *db, *email, func(users msgcenter.UserService, u *msgcenter.User) error {
		token, err := users.CreateAPIToken(ctx, u.ID, *name)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintln(stdout, token)
		return nil
	})
}
