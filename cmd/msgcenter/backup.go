package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" driver, as sqlstore uses it
)

// runBackup writes an online, consistent copy of a SQLite database with
// VACUUM INTO: one read transaction, so writers go on while it runs and the
// copy holds exactly the transactions committed when it began. The copy is
// written beside FILE and renamed into place only once complete.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	to := fs.String("to", "", "the file to write the copy to (must not exist)")
	if err := parseWithDB(fs, args, getenv); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("backup: --to FILE is required")
	}
	if strings.HasPrefix(*db, "postgres://") || strings.HasPrefix(*db, "postgresql://") {
		return errors.New("backup: PostgreSQL is backed up with its own tools (pg_dump, or a base backup with WAL archiving): see README, Backups")
	}
	if _, err := os.Stat(*to); err == nil {
		return fmt.Errorf("backup: %s already exists", *to)
	}
	path := strings.TrimPrefix(*db, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup: database %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(*to), "."+filepath.Base(*to)+".*.tmp")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	os.Remove(tmp.Name()) // VACUUM INTO wants to create the file itself
	defer os.Remove(tmp.Name())
	if err := vacuumInto(ctx, path, tmp.Name()); err != nil {
		return err
	}
	if err := syncFile(tmp.Name()); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), *to); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backup of %s written to %s\n", path, *to)
	return nil
}

// vacuumInto copies the database at path into the new file dst. It opens
// the database read-only, so a backup never migrates or changes it.
func vacuumInto(ctx context.Context, path, dst string) error {
	d, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

func syncFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
