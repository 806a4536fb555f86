package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// passwordFile writes password to a file of its own and returns its path,
// for the admin commands that read passwords from --password-file.
func passwordFile(t *testing.T, password string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(p, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// command runs the command line args with stdin and returns its output.
func command(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := main.Command(context.Background(), args, strings.NewReader(stdin), &out, &errOut, func(string) string { return "" })
	return out.String() + errOut.String(), err
}

// TestAccountCommands runs the admin tools on both engines: a password is
// never taken from the command line; tokens are listed and revoked; a new
// password works and the old one does not.
func TestAccountCommands(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		db := dbURL
		if out, err := command(t, "", "admin", "create", "--db", db, "--email", "ops@example.com", "--password", "correct horse battery"); err == nil ||
			!strings.Contains(err.Error(), "process list") {
			t.Fatalf("--password: %v %s, want a refusal saying why", err, out)
		}
		if out, err := command(t, "", "admin", "create", "--db", db, "--email", "ops@example.com"); err == nil ||
			!strings.Contains(err.Error(), "standard input") {
			t.Fatalf("no password: %v %s", err, out)
		}
		if out, err := command(t, "correct horse battery\n", "admin", "create", "--db", db, "--email", "ops@example.com"); err != nil {
			t.Fatalf("admin create from stdin: %v %s", err, out)
		}
		tok1, err := command(t, "", "token", "create", "--db", db, "--email", "ops@example.com", "--name", "ci")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := command(t, "", "token", "create", "--db", db, "--email", "ops@example.com", "--name", "laptop"); err != nil {
			t.Fatal(err)
		}
		list, err := command(t, "", "token", "list", "--db", db, "--email", "ops@example.com")
		if err != nil || !strings.Contains(list, "ci") || !strings.Contains(list, "laptop") || strings.Contains(list, strings.TrimSpace(tok1)) {
			t.Fatalf("token list: %v\n%s", err, list)
		}
		if out, err := command(t, "", "token", "revoke", "--db", db, "--email", "ops@example.com", "--id", "1"); err != nil ||
			!strings.Contains(out, "token 1 (ci) revoked") {
			t.Fatalf("token revoke: %v %s", err, out)
		}
		if out, err := command(t, "", "token", "revoke", "--db", db, "--email", "ops@example.com", "--id", "99"); err == nil {
			t.Fatalf("revoking an unknown token: %s", out)
		}
		if out, err := command(t, "", "admin", "password", "--db", db, "--email", "ops@example.com",
			"--password-file", passwordFile(t, "a new stable horse")); err != nil {
			t.Fatalf("admin password: %v %s", err, out)
		}
		if out, err := command(t, "short\n", "admin", "password", "--db", db, "--email", "ops@example.com"); err == nil ||
			!strings.Contains(err.Error(), "at least 8 characters") {
			t.Fatalf("short password: %v %s", err, out)
		}
	})
}

// TestAccountAPI checks the API's tokens and password: listing never shows
// a token, a revoked token stops at once, another admin's token is 404, and
// a password change asks the current one and ends the dashboard sessions.
func TestAccountAPI(t *testing.T) {
	runEngineCases(t, []engineCase{{"Tokens", func(t *testing.T, dbURL string) {
		a := MustRunMain(t, dbURL)
		other := a.NewAdmin("other@example.com")
		var list struct {
			Tokens []struct {
				ID        int64   `json:"id"`
				Name      string  `json:"name"`
				RevokedAt *string `json:"revoked_at"`
			} `json:"tokens"`
		}
		resp, body := a.Do("GET", "/api/v1/tokens", a.Token, nil)
		if resp.StatusCode != 200 || strings.Contains(string(body), a.Token) || json.Unmarshal(body, &list) != nil || len(list.Tokens) != 1 {
			t.Fatalf("list: %d %s", resp.StatusCode, body)
		}
		mine := list.Tokens[0].ID
		// Another admin cannot see or revoke it.
		if resp, body := a.Do("DELETE", "/api/v1/tokens/"+jsonNumber(mine), other, nil); resp.StatusCode != 404 {
			t.Fatalf("another admin's revoke: %d %s", resp.StatusCode, body)
		}
		if resp, _ := a.Do("GET", "/api/v1/stores", a.Token, nil); resp.StatusCode != 200 {
			t.Fatal("the token stopped working after another admin's try")
		}

		// Password: the current one is asked; a short new one is refused.
		for _, tc := range []struct {
			body  string
			field string
		}{
			{`{"current_password":"wrong","new_password":"a new stable horse"}`, "current_password"},
			{`{"current_password":"correct horse battery","new_password":"short"}`, "new_password"},
			{`{"current_password":"correct horse battery","new_pasword":"a new stable horse"}`, "new_pasword"},
		} {
			status, _, out := doH(t, a, "PUT", "/api/v1/password", tc.body, nil)
			if status != 422 || !strings.Contains(out, `"`+tc.field+`"`) {
				t.Fatalf("%s = %d %s, want 422 naming %s", tc.body, status, out, tc.field)
			}
		}
		if status, _, out := doH(t, a, "PUT", "/api/v1/password", `{"current_password":"correct horse battery","new_password":"a new stable horse"}`, nil); status != 204 {
			t.Fatalf("password change = %d %s", status, out)
		}

		// Revoking one's own token: it stops at once.
		if resp, body := a.Do("DELETE", "/api/v1/tokens/"+jsonNumber(mine), a.Token, nil); resp.StatusCode != 200 || !strings.Contains(string(body), "revoked_at") {
			t.Fatalf("revoke: %d %s", resp.StatusCode, body)
		}
		if resp, _ := a.Do("GET", "/api/v1/stores", a.Token, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a revoked token answered %d", resp.StatusCode)
		}
	}}})
}
