package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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

	"github.com/qiscus/msgcenter"
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

// TestCrash kills serve with SIGKILL in the middle of a burst of 5,000
// orders, while orders are still being placed and sends are in flight,
// restarts it, and requires every committed order's message sent, with
// duplicates no more than the sends that could be in flight at the kill.
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
			orders  = 5000
			workers = 10
			placers = 8
		)
		runCLI(t, bin, "admin", "create", "--db", dbURL, "--email", "ops@example.com", "--password-file", passwordFile(t, "correct horse battery"))
		token := runCLI(t, bin, "token", "create", "--db", dbURL, "--email", "ops@example.com")
		serveArgs := []string{"--sandbox-latency", "20ms", "--workers", fmt.Sprint(workers), "--job-timeout", "2s",
			"--rescue-after", "3s", "--retry-base", "20ms", "--retry-max", "200ms"}
		child := StartChild(t, bin, dbURL, serveArgs...)
		a := &App{tb: t, Base: child.Base, Token: token}
		sh := &Shop{App: a, Store: a.CreateStore("Toko Crash")}
		sh.Kopi = a.create("products", sh.Store, map[string]any{"name": "Kopi Susu", "price": 25000, "stock": 100000})
		sh.Roti = a.create("products", sh.Store, map[string]any{"name": "Roti Bakar", "price": 18000, "stock": 100000})
		sb := a.Platform(dbURL)
		_, ch := a.PlatformChannel(sb, sh.Store, msgcenter.ChannelInstagram, "IG")
		room, _ := a.CustomerRoom(sb, sh.Store, ch, "Budi", "")
		body, err := json.Marshal(sh.orderBody(room))
		if err != nil {
			t.Fatal(err)
		}

		w := watchDatabase(t, dbURL)
		count := w.count

		// The burst: placers post orders one after another. An order whose
		// request the kill cuts off has an unknown outcome: it is not
		// retried, and the placer waits for the restart.
		var base atomic.Pointer[string]
		base.Store(&child.Base)
		restarted := make(chan struct{})
		var placed, cut atomic.Int64
		var next atomic.Int64
		var wg sync.WaitGroup
		client := &http.Client{Timeout: 30 * time.Second}
		for range placers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= orders {
					req, _ := http.NewRequest("POST", *base.Load()+"/api/v1/stores/"+sh.Store+"/orders", bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Content-Type", "application/json")
					resp, err := client.Do(req)
					if err != nil {
						cut.Add(1)
						<-restarted
						continue
					}
					out, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 201 {
						t.Errorf("order: %d %s", resp.StatusCode, out)
						return
					}
					placed.Add(1)
				}
			}()
		}

		// Kill once a fifth of the burst is placed and some of it sent.
		deadline := time.Now().Add(2 * time.Minute)
		for placed.Load() < orders/5 || count(`SELECT COUNT(*) FROM sandbox_messages WHERE direction = 'out'`) < orders/20 {
			if time.Now().After(deadline) {
				t.Fatalf("before the kill: %d placed", placed.Load())
			}
			time.Sleep(5 * time.Millisecond)
		}
		child.Kill()
		atKill := count(`SELECT COUNT(*) FROM deliveries WHERE status = 'sent'`)
		placedAtKill := placed.Load()
		t.Logf("killed with %d orders placed and %d messages recorded sent", placedAtKill, atKill)
		if placedAtKill >= orders || atKill >= count(`SELECT COUNT(*) FROM orders`) {
			t.Fatal("the kill came after the burst or after every message was sent: the test proves nothing")
		}
		// Let the rescue time pass so the restarted process retries the
		// sends the dead one left running; the burst goes on against it.
		time.Sleep(3500 * time.Millisecond)
		child = StartChild(t, bin, dbURL, serveArgs...)
		base.Store(&child.Base)
		close(restarted)
		wg.Wait()
		if t.Failed() {
			return
		}

		committed := count(`SELECT COUNT(*) FROM orders`)
		t.Logf("burst: %d orders answered 201, %d cut off by the kill, %d committed", placed.Load(), cut.Load(), committed)
		if placed.Load()+cut.Load() != orders || int64(committed) < placed.Load() || int64(committed) > placed.Load()+cut.Load() {
			t.Fatalf("%d committed orders for %d answered and %d cut off", committed, placed.Load(), cut.Load())
		}
		w.waitSent(committed, 3*time.Minute)
		// Every committed order's message reached the room; count the copies.
		copies, total := w.sentCopies()
		if len(copies) != committed {
			t.Fatalf("%d distinct orders reached the room, want %d", len(copies), committed)
		}
		dups := total - committed
		t.Logf("%d messages for %d orders: %d duplicates (bound: %d sends in flight)", total, committed, dups, workers)
		if dups > workers {
			t.Fatalf("%d duplicates, more than the %d sends that could be in flight at the kill", dups, workers)
		}
	})
}

// watchedDB is the database of the processes under test, opened beside them
// to count what they did.
type watchedDB struct {
	t  *testing.T
	db *sqlstore.DB
}

func watchDatabase(t *testing.T, dbURL string) *watchedDB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dbURL, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &watchedDB{t: t, db: db}
}

// count runs a COUNT query.
func (w *watchedDB) count(q string) int {
	w.t.Helper()
	var n int
	if err := w.db.SQL().QueryRow(q).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// waitSent waits until want messages are recorded sent.
func (w *watchedDB) waitSent(want int, within time.Duration) {
	w.t.Helper()
	deadline := time.Now().Add(within)
	for {
		n := w.count(`SELECT COUNT(*) FROM deliveries WHERE status = 'sent'`)
		if n >= want {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%d of %d messages sent, %d queued", n, want, w.count(`SELECT COUNT(*) FROM deliveries WHERE status = 'queued'`))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sentCopies counts the messages the sandbox carried, per order number and
// event (placed or paid, told apart by their text), and in all.
func (w *watchedDB) sentCopies() (copies map[string]int, total int) {
	t := w.t
	t.Helper()
	rows, err := w.db.SQL().Query(`SELECT text FROM sandbox_messages WHERE direction = 'out'`)
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
