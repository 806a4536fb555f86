package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/qiscus/msgcenter"
)

// seedAdmin creates the first admin from Config.AdminEmail and
// AdminPassword on a database without users, with an API token printed
// once to standard output (never to the log). A database that has users is
// left alone, so the variables can stay set across restarts; two processes
// racing on an empty database create the admin once (the email is unique).
func (m *Main) seedAdmin(ctx context.Context, svc services) error {
	var n int
	if err := m.DB.SQLRead().QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	u, err := svc.users.CreateUser(ctx, m.Config.AdminEmail, m.Config.AdminPassword)
	if msgcenter.ErrorCode(err) == msgcenter.ECONFLICT {
		return nil
	} else if err != nil {
		return describe(err)
	}
	token, err := svc.users.CreateAPIToken(ctx, u.ID, "first-admin")
	if err != nil {
		return err
	}
	m.Config.Logger.Info("first admin created", slog.String("email", u.Email))
	fmt.Fprintf(m.Config.Stdout, "first admin %s created; its API token, shown this once:\n%s\n", u.Email, token)
	return nil
}
