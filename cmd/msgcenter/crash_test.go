package main_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// buildBinary builds msgcenter once per test run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "msgcenter-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "msgcenter")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// Child is msgcenter serve running as a child process.
type Child struct {
	cmd  *exec.Cmd
	Base string
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// StartChild runs `msgcenter serve` with args and waits until it answers.
func StartChild(t *testing.T, bin, dbURL string, args ...string) *Child {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, append([]string{"serve", "--db", dbURL, "--addr", addr}, args...)...)
	cmd.Stdout = io.Discard
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if os.Getenv("MSGCENTER_TEST_LOG") != "" {
				fmt.Fprintln(os.Stderr, "child:", sc.Text())
			}
		}
	}()
	c := &Child{cmd: cmd, Base: "http://" + addr}
	t.Cleanup(func() { c.Kill() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(c.Base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("child did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Kill ends the child with SIGKILL: no shutdown, no cleanup.
func (c *Child) Kill() {
	if c.cmd.Process != nil && c.cmd.ProcessState == nil {
		c.cmd.Process.Signal(syscall.SIGKILL)
		c.cmd.Wait()
	}
}

func runCLI(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("msgcenter %v: %v\n%s", args, err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

// TestCrash kills serve with SIGKILL while sends are in flight, restarts it,
// and requires every message sent, with duplicates no more than the sends
// that could be in flight at the kill.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test starts child processes")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		const (
			orders  = 300
			workers = 10
		)
		runCLI(t, bin, "admin", "create", "--db", dbURL, "--email", "ops@example.com", "--password", "correct horse battery")
		token := runCLI(t, bin, "token", "create", "--db", dbURL, "--email", "ops@example.com")
		serveArgs := []string{"--sandbox-latency", "150ms", "--workers", fmt.Sprint(workers), "--job-timeout", "2s",
			"--rescue-after", "3s", "--retry-base", "20ms", "--retry-max", "200ms"}
		child := StartChild(t, bin, dbURL, serveArgs...)
		a := &App{tb: t, Base: child.Base, Token: token}
		sh := &Shop{App: a, Store: a.CreateStore("Toko Crash")}
		sh.Kopi = a.create("products", sh.Store, map[string]any{"name": "Kopi Susu", "price": 25000, "stock": 100000})
		sh.Roti = a.create("products", sh.Store, map[string]any{"name": "Roti Bakar", "price": 18000, "stock": 100000})
		ch := a.create("channels", sh.Store, map[string]any{"type": "instagram", "name": "IG"})
		room := a.create("rooms", sh.Store, map[string]any{"channel_id": ch, "customer_name": "Budi"})

		var placed atomic.Int64
		var wg sync.WaitGroup
		jobs := make(chan int)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range jobs {
					resp, body := a.Do("POST", "/api/v1/stores/"+sh.Store+"/orders", token, sh.orderBody(room))
					if resp.StatusCode != 201 {
						t.Errorf("order: %d %s", resp.StatusCode, body)
						return
					}
					placed.Add(1)
				}
			}()
		}
		for range orders {
			jobs <- 1
		}
		close(jobs)
		wg.Wait()

		db, err := sqlstore.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		count := func(q string) int {
			var n int
			if err := db.SQL().QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Kill while the queue drains: some sent, many still in flight or queued.
		for count(`SELECT COUNT(*) FROM sandbox_messages WHERE direction = 'out'`) < orders/5 {
			time.Sleep(5 * time.Millisecond)
		}
		child.Kill()
		atKill := count(`SELECT COUNT(*) FROM deliveries WHERE status = 'sent'`)
		t.Logf("killed with %d of %d messages recorded sent", atKill, orders)
		if atKill == orders {
			t.Fatal("every message was sent before the kill: the test proves nothing")
		}
		// Let the rescue time pass so the restarted process retries the
		// sends the dead one left running.
		time.Sleep(3500 * time.Millisecond)
		StartChild(t, bin, dbURL, serveArgs...)
		deadline := time.Now().Add(60 * time.Second)
		for count(`SELECT COUNT(*) FROM deliveries WHERE status = 'sent'`) < int(placed.Load()) {
			if time.Now().After(deadline) {
				t.Fatalf("after restart: %d of %d sent, %d queued", count(`SELECT COUNT(*) FROM deliveries WHERE status = 'sent'`),
					placed.Load(), count(`SELECT COUNT(*) FROM deliveries WHERE status = 'queued'`))
			}
			time.Sleep(50 * time.Millisecond)
		}
		// Every order's message reached the room; count the copies.
		copies, total := sentCopies(t, db)
		if len(copies) != orders {
			t.Fatalf("%d distinct orders reached the room, want %d", len(copies), orders)
		}
		dups := total - orders
		t.Logf("%d messages for %d orders: %d duplicates (bound: %d sends in flight)", total, orders, dups, workers)
		if dups > workers {
			t.Fatalf("%d duplicates, more than the %d sends that could be in flight at the kill", dups, workers)
		}
	})
}

// sentCopies counts the messages the sandbox carried, per order number and
// event (placed or paid, told apart by their text), and in all.
func sentCopies(t *testing.T, db *sqlstore.DB) (copies map[string]int, total int) {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT text FROM sandbox_messages WHERE direction = 'out'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	number, payment := regexp.MustCompile(`#\d+`), regexp.MustCompile(`payment`)
	copies = map[string]int{}
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			t.Fatal(err)
		}
		kind := "placed"
		if payment.MatchString(text) {
			kind = "paid"
		}
		copies[number.FindString(text)+"/"+kind]++
		total++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return copies, total
}
