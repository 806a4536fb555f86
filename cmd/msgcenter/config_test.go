package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envSamples gives, for each serve flag, a good value other than its
// default and a value it must refuse; every flag needs one, so a new flag
// cannot go without its environment variable.
var envSamples = map[string]struct{ good, bad string }{
	"db":              {"postgres://u@db.example/msgcenter", ""},
	"addr":            {"0.0.0.0:9000", ""},
	"public-url":      {"https://shop.example.com/", "ftp://x"},
	"demo":            {"true", "maybe"},
	"workers":         {"7", "abc"},
	"db-max-conns":    {"3", "0"},
	"max-attempts":    {"4", "-1"},
	"retry-base":      {"2s", "soon"},
	"retry-max":       {"20m", "0s"},
	"max-wait":        {"2h", "forever"},
	"qiscus-hosts":    {"sandbox.local:8080", ""},
	"cta-base-urls":   {"https://shop.qiscus.com/", "shop.qiscus.com"},
	"job-timeout":     {"15s", "-1s"},
	"rescue-after":    {"2m", "1s"},
	"requeue-after":   {"5m", "x"},
	"sandbox-latency": {"10ms", "-5ms"},
	"provider":        {"qiscus", "smoke-signals"},
	"qiscus-app-id":   {"app-1", ""},
	"qiscus-base-url": {"https://qiscus.example", ""},
	"qiscus-rate":     {"5", "fast"},
	"role":            {"worker", "janitor"},
	"rate-signin":     {"5/m", "lots"},
	"rate-webhooks":   {"10/s:20", "1/fortnight"},
	"rate-public":     {"0", "-3/s"},
	"trust-proxy":     {"true", "yes please"},
	"log-level":       {"debug", "loud"},
	"log-format":      {"json", "xml"},
	"metrics-addr":    {"127.0.0.1:9100", ""},
	"admin-email":     {"ops@example.com", ""},
}

// envMap is a getenv over a map.
func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// parsedValue parses serve with env and returns the flag's value as the
// flag set holds it.
func parsedValue(t *testing.T, env map[string]string, name string) (string, error) {
	t.Helper()
	fs, _ := newServeFlags(io.Discard)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := applyEnv(fs, serveBindings, envMap(env)); err != nil {
		return "", err
	}
	return fs.Lookup(name).Value.String(), nil
}

func TestServeFlags_Environment(t *testing.T) {
	fs, _ := newServeFlags(io.Discard)
	bound := map[string]envBinding{}
	for _, b := range serveBindings {
		bound[b.flag] = b
	}
	fs.VisitAll(func(f *flag.Flag) {
		t.Run(f.Name, func(t *testing.T) {
			b, ok := bound[f.Name]
			if !ok {
				t.Fatalf("--%s has no environment variable", f.Name)
			}
			sample, ok := envSamples[f.Name]
			if !ok {
				t.Fatalf("--%s has no sample in envSamples", f.Name)
			}
			if sample.good == f.DefValue {
				t.Fatalf("--%s: sample %q is the default, so it proves nothing", f.Name, sample.good)
			}
			got, err := parsedValue(t, map[string]string{b.env: sample.good}, f.Name)
			if err != nil || got != canonical(t, f.Name, sample.good) {
				t.Errorf("%s=%s: --%s = %q, %v", b.env, sample.good, f.Name, got, err)
			}
			// The command line wins over the environment.
			fs2, _ := newServeFlags(io.Discard)
			if err := fs2.Parse([]string{"--" + f.Name + "=" + f.DefValue}); err != nil {
				t.Fatal(err)
			}
			if _, err := applyEnv(fs2, serveBindings, envMap(map[string]string{b.env: sample.good})); err != nil {
				t.Fatal(err)
			}
			if v := fs2.Lookup(f.Name).Value.String(); v != f.DefValue {
				t.Errorf("--%s given: env %s overrode it with %q", f.Name, b.env, v)
			}
			if b.secret {
				file := filepath.Join(t.TempDir(), "secret")
				if err := os.WriteFile(file, []byte(sample.good+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				got, err := parsedValue(t, map[string]string{b.env + "_FILE": file}, f.Name)
				if err != nil || got != sample.good {
					t.Errorf("%s_FILE: --%s = %q, %v", b.env, f.Name, got, err)
				}
				_, err = parsedValue(t, map[string]string{b.env + "_FILE": file, b.env: sample.good}, f.Name)
				if err == nil || !strings.Contains(err.Error(), b.env+"_FILE") {
					t.Errorf("%s and %s_FILE both set: %v, want a refusal naming them", b.env, b.env, err)
				}
			}
			if sample.bad == "" {
				return // any string is a value; nothing to refuse
			}
			_, err = parseServe(nil, io.Discard, io.Discard, envMap(map[string]string{b.env: sample.bad}))
			if err == nil || !strings.HasPrefix(err.Error(), b.env) {
				t.Errorf("%s=%q: err %v, want a refusal that starts with %s", b.env, sample.bad, err, b.env)
			}
			// On the command line the same value names the flag.
			_, err = parseServe([]string{"--" + f.Name + "=" + sample.bad}, io.Discard, io.Discard, envMap(nil))
			if err == nil {
				t.Errorf("--%s=%q accepted", f.Name, sample.bad)
			}
		})
	})
}

// canonical is how the flag set prints a sample value (durations and
// numbers normalised).
func canonical(t *testing.T, name, v string) string {
	t.Helper()
	fs, _ := newServeFlags(io.Discard)
	if err := fs.Set(name, v); err != nil {
		t.Fatal(err)
	}
	return fs.Lookup(name).Value.String()
}

func TestServeFlags_Secrets(t *testing.T) {
	key := strings.Repeat("ab", 32) // 32 bytes in hex
	dir := t.TempDir()
	write := func(name, v string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("FromFiles", func(t *testing.T) {
		c, err := parseServe([]string{"--provider", "qiscus", "--qiscus-app-id", "app", "--admin-email", "ops@example.com"}, io.Discard, io.Discard, envMap(map[string]string{
			"MSGCENTER_SECRET_KEY_FILE":     write("key", key),
			"QISCUS_SECRET_KEY_FILE":        write("qiscus", "qs-secret"),
			"MSGCENTER_METRICS_TOKEN_FILE":  write("metrics", "m-token"),
			"MSGCENTER_ADMIN_PASSWORD_FILE": write("admin", "correct horse"),
		}))
		if err != nil {
			t.Fatal(err)
		}
		if len(c.SecretKey) != 32 || c.QiscusSecret != "qs-secret" || c.MetricsToken != "m-token" || c.AdminPassword != "correct horse" {
			t.Errorf("secrets from files: key %d bytes, qiscus %q, metrics %q, admin %q", len(c.SecretKey), c.QiscusSecret, c.MetricsToken, c.AdminPassword)
		}
	})
	t.Run("FromVariables", func(t *testing.T) {
		c, err := parseServe(nil, io.Discard, io.Discard, envMap(map[string]string{
			"MSGCENTER_SECRET_KEY": key, "MSGCENTER_METRICS_TOKEN": "m2",
		}))
		if err != nil || len(c.SecretKey) != 32 || c.MetricsToken != "m2" {
			t.Fatalf("secrets from variables: %v, %d, %q", err, len(c.SecretKey), c.MetricsToken)
		}
	})
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"BadKey", map[string]string{"MSGCENTER_SECRET_KEY": "short"}, "MSGCENTER_SECRET_KEY"},
		{"BadKeyFile", map[string]string{"MSGCENTER_SECRET_KEY_FILE": write("bad", "short")}, "MSGCENTER_SECRET_KEY"},
		{"MissingFile", map[string]string{"QISCUS_SECRET_KEY_FILE": filepath.Join(dir, "nope")}, "QISCUS_SECRET_KEY_FILE"},
		{"EmptyFile", map[string]string{"MSGCENTER_METRICS_TOKEN_FILE": write("empty", "")}, "MSGCENTER_METRICS_TOKEN_FILE"},
		{"Both", map[string]string{"MSGCENTER_ADMIN_PASSWORD": "x", "MSGCENTER_ADMIN_PASSWORD_FILE": write("pw", "y")}, "MSGCENTER_ADMIN_PASSWORD"},
		{"QiscusWithoutSecret", map[string]string{"MSGCENTER_PROVIDER": "qiscus", "QISCUS_APP_ID": "a"}, "MSGCENTER_PROVIDER"},
		{"AdminWithoutPassword", map[string]string{"MSGCENTER_ADMIN_EMAIL": "a@example.com"}, "MSGCENTER_ADMIN_EMAIL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseServe(nil, io.Discard, io.Discard, envMap(tc.env))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err %v, want one starting with %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "short") && tc.want == "MSGCENTER_SECRET_KEY" && strings.Contains(err.Error(), `"short"`) {
				t.Errorf("the refusal repeats the secret: %v", err)
			}
		})
	}
}

func TestDBFlag_Environment(t *testing.T) {
	file := filepath.Join(t.TempDir(), "db-url")
	if err := os.WriteFile(file, []byte("postgres://from-file/db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, nil, DefaultDatabaseURL},
		{map[string]string{"MSGCENTER_DATABASE_URL": "postgres://env/db"}, nil, "postgres://env/db"},
		{map[string]string{"MSGCENTER_DATABASE_URL_FILE": file}, nil, "postgres://from-file/db"},
		{map[string]string{"MSGCENTER_DATABASE_URL": "postgres://env/db"}, []string{"--db", "x.db"}, "x.db"},
	} {
		fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
		db := dbFlag(fs)
		if err := parseWithDB(fs, tc.args, envMap(tc.env)); err != nil || *db != tc.want {
			t.Errorf("env %v args %v: --db %q, %v; want %q", tc.env, tc.args, *db, err, tc.want)
		}
	}
}
