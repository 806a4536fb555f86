package main_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// logBuffer collects the program's log for a test to search.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestOperatorView runs an order flow end to end (an order placed and paid,
// a transient provider fault, the customer's pages, the agent's custom
// button and its personalised link, webhooks with a wrong secret), then
// scrapes /metrics for every series an operator needs and searches the
// whole log for every secret and token the flow created.
func TestOperatorView(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		logs := &logBuffer{}
		const metricsToken = "metrics-token-4f1c9a"
		a := MustRunMainWith(t, dbURL, func(c *main.Config) {
			c.Logger = slog.New(slog.NewJSONHandler(io.MultiWriter(logs, testLogOutput()), &slog.HandlerOptions{Level: slog.LevelDebug}))
			c.MetricsToken = metricsToken
		})
		sh := a.NewShop("Toko Kopi Senja")
		ctx := context.Background()
		if err := sh.Main.Sandbox.InjectFaults(ctx, sh.StoreID, sandbox.FaultTransient, 1); err != nil {
			t.Fatal(err)
		}
		o := sh.Order(sh.WARoom)
		sh.WaitOrderDeliveries(o.ID, 1)
		sh.MustJSON(200, "POST", fmt.Sprintf("/api/v1/stores/%s/orders/%d/pay", sh.Store, o.ID), nil, nil)
		sh.WaitOrderDeliveries(o.ID, 2)
		for _, p := range []string{"/order/" + o.Token, "/receipt/" + o.Token, "/receipt/" + o.Token + ".pdf"} {
			if code, _ := sh.Get(p); code != 200 {
				t.Fatalf("GET %s: %d", p, code)
			}
		}
		b := sh.CustomButton()
		hookSecret := b.URL[strings.LastIndex(b.URL, "/")+1:]
		if code, _ := sh.Webhook(b.URL, sh.clickPayload(sh.WARoom)); code != 200 {
			t.Fatalf("custom button webhook: %d", code)
		}
		out := sh.waitOutbox(sh.WARoom, 3)
		link := out[2].ButtonURL
		linkToken := link[strings.Index(link, "?t=")+3:]
		if code, _ := sh.Get(link); code != 200 {
			t.Fatalf("personalised link: %d", code)
		}
		wrong := strings.TrimSuffix(b.URL, hookSecret) + "wrong-" + hookSecret
		if code, _ := sh.Webhook(wrong, sh.clickPayload(sh.WARoom)); code != 404 {
			t.Fatalf("webhook with a wrong secret: %d, want 404", code)
		}
		if code, _ := sh.Get("/order/not-" + o.Token); code != 404 {
			t.Fatalf("unknown order token: %d", code)
		}

		t.Run("MetricsSeries", func(t *testing.T) {
			want := []string{
				`msgcenter_http_requests_total{method="POST",route="POST /api/v1/stores/{store}/orders",status="201"} 1`,
				`msgcenter_http_request_duration_seconds_bucket{method="GET",route="GET /order/{token}",le="+Inf"} 2`,
				`go_sql_in_use_connections{db_name="write"}`,
				`go_sql_idle_connections{db_name="write"}`,
				`go_sql_wait_count_total{db_name="write"}`,
				`go_sql_wait_duration_seconds_total{db_name="write"}`,
				`msgcenter_jobs{kind="deliver",state="available"} 0`,
				`msgcenter_job_wait_seconds_count{kind="deliver"}`,
				`msgcenter_job_run_seconds_count{kind="deliver"}`,
				`msgcenter_jobs_worked_total{kind="deliver",outcome="completed"}`,
				`msgcenter_messages_queued 0`,
				`msgcenter_messages_total{event="order_placed",kind="automation",reason="",status="sent"} 1`,
				`msgcenter_messages_total{event="order_paid",kind="automation",reason="",status="sent"} 1`,
				`msgcenter_messages_total{event="share_microsite_url",kind="automation",reason="",status="sent"} 1`,
				`msgcenter_provider_call_seconds_count{call="send",provider="sandbox"} 4`,
				`msgcenter_provider_errors_total{call="send",kind="transient",provider="sandbox"} 1`,
			}
			// River marks a job completed after the message is recorded
			// (in batches): scrape until its series shows.
			var body []byte
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				body = scrape(t, a.Base+"/metrics", metricsToken)
				missing := 0
				for _, series := range want {
					if !strings.Contains(string(body), series) {
						missing++
						if time.Now().After(deadline) {
							t.Errorf("/metrics lacks %s", series)
						}
					}
				}
				if missing == 0 || time.Now().After(deadline) {
					break
				}
			}
			// The Grafana dashboard is built on these series only.
			dash, err := os.ReadFile("../../docs/grafana-dashboard.json")
			if err != nil {
				t.Fatal(err)
			}
			names := regexp.MustCompile(`\b(msgcenter_[a-z_]+|go_sql_[a-z_]+)`).FindAllString(string(dash), -1)
			if len(names) < 10 {
				t.Fatalf("the dashboard names %d series", len(names))
			}
			for _, n := range names {
				if !regexp.MustCompile(`(?m)^` + n + `[{ ]`).Match(body) {
					t.Errorf("the dashboard uses %s, which /metrics lacks", n)
				}
			}
			if bytes.Contains(body, []byte(`store="`)) || bytes.Contains(body, []byte(`store_id="`)) {
				t.Error("/metrics has per-store labels")
			}
			if t.Failed() {
				t.Logf("/metrics:\n%s", grepLines(string(body), "msgcenter_", "go_sql_"))
			}
		})

		t.Run("NoSecretInTheLog", func(t *testing.T) {
			log := logs.String()
			if !strings.Contains(log, `"route":"GET /order/{token}"`) {
				t.Fatalf("the log has no access line of the order page:\n%s", log)
			}
			for name, secret := range map[string]string{
				"API token": a.Token, "metrics token": metricsToken, "order token": o.Token,
				"custom button secret": hookSecret, "personalised link token": linkToken,
				"admin password": "correct horse battery",
			} {
				if len(secret) < 8 {
					t.Fatalf("%s %q: too short to search for", name, secret)
				}
				if strings.Contains(log, secret) {
					t.Errorf("the log holds the %s %q:\n%s", name, secret, grepLines(log, secret))
				}
			}
		})
	})
}

// scrape reads /metrics with the token.
func scrape(t *testing.T, url, token string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, body)
	}
	return body
}

// grepLines returns the lines of s that hold any of subs.
func grepLines(s string, subs ...string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, sub := range subs {
			if strings.Contains(l, sub) {
				out = append(out, l)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// TestBackupUnderLoad takes a msgcenter backup of a SQLite database while
// orders are being placed, starts msgcenter on the copy and finds every
// order whose placement was answered before the backup began.
func TestBackupUnderLoad(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "live.db")
	a := MustRunMain(t, dbPath)
	sh := a.NewShop("Toko Kopi Senja")

	var mu sync.Mutex
	var committed []int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, body := sh.doQuiet("POST", "/api/v1/stores/"+sh.Store+"/orders", sh.orderBody(sh.IGRoom))
				if resp == nil || resp.StatusCode != 201 {
					continue // a failure is no committed order
				}
				var id int64
				fmt.Sscanf(string(body[bytes.Index(body, []byte(`"id":`))+5:]), "%d", &id)
				mu.Lock()
				committed = append(committed, id)
				mu.Unlock()
			}
		}()
	}
	// Let the load run, then take the backup in the middle of it.
	for {
		mu.Lock()
		n := len(committed)
		mu.Unlock()
		if n >= 30 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	before := append([]int64(nil), committed...)
	mu.Unlock()
	backup := filepath.Join(dir, "backup.db")
	var stdout, stderr bytes.Buffer
	err := main.Command(context.Background(), []string{"backup", "--db", dbPath, "--to", backup}, nil, &stdout, &stderr, func(string) string { return "" })
	time.Sleep(50 * time.Millisecond) // writes go on after the copy
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v %s", err, stderr.String())
	}
	if err := main.Command(context.Background(), []string{"backup", "--db", dbPath, "--to", backup}, nil, io.Discard, io.Discard, func(string) string { return "" }); err == nil {
		t.Error("a second backup over the first was not refused")
	}

	// The copy is a sound database of its own: no WAL beside it.
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(backup + suffix); err == nil {
			t.Errorf("the backup has a %s file", suffix)
		}
	}
	raw, err := sql.Open("sqlite", "file:"+backup+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	raw.Close()

	restored := MustRunMain(t, backup)
	for _, id := range before {
		if resp, body := restored.Do("GET", fmt.Sprintf("/api/v1/stores/%s/orders/%d", sh.Store, id), restored.Token, nil); resp.StatusCode != 200 {
			t.Errorf("order %d, committed before the backup, is not in it: %d %s", id, resp.StatusCode, body)
		}
	}
	t.Logf("%d orders committed before the backup, %d placed in all", len(before), len(committed))
}

// doQuiet sends a request like Do but returns a nil response instead of
// failing the test, for load generators.
func (a *App) doQuiet(method, path string, body any) (*http.Response, []byte) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, a.Base+path, bytes.NewReader(b))
	if err != nil {
		return nil, nil
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}
