package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
)

// pgCluster is a throw-away PostgreSQL cluster of one test, so that it can
// be restarted without disturbing the others.
type pgCluster struct {
	t       *testing.T
	bin     string
	dir     string
	port    int
	asUser  []string
	started bool
}

func (c *pgCluster) run(args ...string) {
	c.t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	if len(c.asUser) > 0 {
		cmd = exec.Command(c.asUser[0], append(c.asUser[1:], args...)...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
		c.t.Fatalf("%v: %v\n%s\n%s", args, err, out, log)
	}
}

func (c *pgCluster) ctl(action string) {
	c.run(filepath.Join(c.bin, "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "postgres.log"),
		"-w", "-t", "60", "-m", "fast", "-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, c.dir), action)
}

// newPGCluster starts a cluster of its own, or skips (fails under CI)
// when scripts/test did not say where PostgreSQL's binaries are.
func newPGCluster(t *testing.T) (*pgCluster, string) {
	t.Helper()
	bin := os.Getenv("MSGCENTER_TEST_PG_BIN")
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("MSGCENTER_TEST_PG_BIN is not set under CI")
		}
		t.Skip("PostgreSQL restart test skipped: MSGCENTER_TEST_PG_BIN is not set (scripts/test sets it)")
	}
	dir, err := os.MkdirTemp("", "msgcenter-pgrestart")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	c := &pgCluster{t: t, bin: bin, dir: dir}
	if os.Getuid() == 0 {
		// PostgreSQL refuses to run as root.
		exec.Command("chown", "postgres:", dir).Run()
		c.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	addr := freeAddr(t)
	c.port, _ = strconv.Atoi(addr[strings.LastIndex(addr, ":")+1:])
	c.run(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "msgcenter", "-E", "UTF8", "--no-locale")
	c.ctl("start")
	t.Cleanup(func() {
		c.ctl("stop")
		os.RemoveAll(dir)
	})
	return c, fmt.Sprintf("postgres://msgcenter@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// TestPostgresRestart restarts PostgreSQL under load: the work resumes by
// itself and every message is sent, duplicates bounded by the sends in flight.
func TestPostgresRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster and a child process")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	pg, dbURL := newPGCluster(t)
	const workers = 10
	runCLI(t, bin, "admin", "create", "--db", dbURL, "--email", "ops@example.com", "--password-file", passwordFile(t, "correct horse battery"))
	token := runCLI(t, bin, "token", "create", "--db", dbURL, "--email", "ops@example.com")
	child := StartChild(t, bin, dbURL, "--sandbox-latency", "10ms", "--workers", strconv.Itoa(workers),
		"--job-timeout", "2s", "--rescue-after", "3s", "--retry-base", "50ms", "--retry-max", "500ms")
	a := &App{tb: t, Base: child.Base, Token: token}
	store := a.CreateStore("Toko Restart")
	product := a.create("products", store, map[string]any{"name": "Kopi Susu", "price": 25000, "stock": 100000})
	sb := a.Platform(dbURL)
	_, ch := a.PlatformChannel(sb, store, msgcenter.ChannelInstagram, "IG")
	room, _ := a.CustomerRoom(sb, store, ch, "Budi", "")

	var placed sync.Map
	order := func() bool {
		resp, body := a.Do("POST", "/api/v1/stores/"+store+"/orders", token, map[string]any{"room_id": room,
			"items": []map[string]any{{"product_id": product, "quantity": 1}}, "delivery_method": "pickup", "payment_method": "qris"})
		if resp.StatusCode == 201 {
			var o struct{ Number int64 }
			jsonUnmarshal(body, &o)
			placed.Store(o.Number, true)
		}
		return resp.StatusCode == 201
	}
	for range 100 {
		if !order() {
			t.Fatal("order refused before the restart")
		}
	}
	pg.ctl("restart")
	// Orders keep coming; those refused while the database was away are
	// retried by the client, as a checkout page would.
	deadline := time.Now().Add(30 * time.Second)
	for n := 0; n < 50; {
		if order() {
			n++
		} else if time.Now().After(deadline) {
			t.Fatal("orders still refused 30 s after the restart")
		} else {
			time.Sleep(100 * time.Millisecond)
		}
	}
	total := 0
	placed.Range(func(any, any) bool { total++; return true })

	w := watchDatabase(t, dbURL)
	w.waitSent(total, 90*time.Second)
	seen, msgs := w.sentCopies()
	t.Logf("%d orders across a PostgreSQL restart: %d messages, %d duplicates (bound: %d in flight)", total, msgs, msgs-total, workers)
	if len(seen) != total || msgs-total > workers {
		t.Fatalf("%d distinct orders messaged of %d, %d duplicates", len(seen), total, msgs-total)
	}
}
