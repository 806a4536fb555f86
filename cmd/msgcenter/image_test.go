package main_test

import (
	"bufio"
	"context"
	"debug/elf"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// dockerfileBuild returns the environment and arguments of the Dockerfile's
// go build line, with ${VAR} build arguments given a test value.
func dockerfileBuild(t *testing.T) (env, args []string) {
	t.Helper()
	f, err := os.Open("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "RUN ") || !strings.Contains(line, " go build ") {
			continue
		}
		line = strings.ReplaceAll(strings.TrimPrefix(line, "RUN "), "${BUILD_TIME}", "test")
		words := splitShell(t, line)
		for len(words) > 0 && strings.Contains(words[0], "=") {
			env, words = append(env, words[0]), words[1:]
		}
		if len(words) < 2 || words[0] != "go" || words[1] != "build" {
			t.Fatalf("Dockerfile build line %q is not ENV… go build …", line)
		}
		return env, words[2:]
	}
	t.Fatal("the Dockerfile has no RUN … go build line")
	return nil, nil
}

// splitShell splits a command line on blanks, keeping double-quoted words.
func splitShell(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`"[^"]*"|\S+`).FindAllString(s, -1) {
		out = append(out, strings.Trim(m, `"`))
	}
	return out
}

// TestImageBuild builds the binary as the Dockerfile's build stage does and
// starts serve --demo in an empty root directory, as FROM scratch runs it:
// no libc, no /usr/share/zoneinfo, no /etc. It proves the binary is static
// and brings its own zone database (the demo store's time zone is
// Asia/Jakarta). Changing root needs root; elsewhere the test skips unless
// CI is set. No container tool is used: see README, Run it for real.
func TestImageBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("TestImageBuild needs root to chroot into an empty directory")
		}
		t.Skip("needs root to chroot into an empty directory")
	}
	env, args := dockerfileBuild(t)
	root := t.TempDir()
	out := filepath.Join(root, "msgcenter")
	for i, a := range args {
		if a == "-o" && i+1 < len(args) {
			args[i+1] = out
		}
		if a == "./cmd/msgcenter" {
			args[i] = "."
		}
	}
	build := exec.Command("go", append([]string{"build"}, args...)...)
	build.Env = append(os.Environ(), env...)
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %v with %v: %v\n%s", args, env, err, b)
	}
	ef, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary asks for a dynamic loader: not static")
		}
	}
	ef.Close()
	if err := os.MkdirAll(filepath.Join(root, "data"), 0o755); err != nil {
		t.Fatal(err)
	}

	port := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "chroot", root, "/msgcenter", "serve", "--demo", "--addr", "127.0.0.1:"+port, "--db", "/data/msgcenter.db")
	cmd.Env = []string{"MSGCENTER_LOG_FORMAT=json"} // nothing of ours: no TZ, no ZONEINFO
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	deadline := time.Now().Add(45 * time.Second)
	for {
		if strings.Contains(stdout.String(), "demo set up") {
			break
		}
		if cmd.ProcessState != nil || time.Now().After(deadline) {
			t.Fatalf("serve --demo in an empty root did not set up the demo:\nstdout %s\nstderr %s", stdout.String(), stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := http.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/healthz: %d", resp.StatusCode)
	}
	// The HEALTHCHECK's command answers from inside the root too.
	hc := exec.CommandContext(ctx, "chroot", root, "/msgcenter", "healthcheck")
	hc.Env = []string{"MSGCENTER_ADDR=0.0.0.0:" + port}
	if b, err := hc.CombinedOutput(); err != nil {
		t.Fatalf("healthcheck: %v %s", err, b)
	}
	if strings.Contains(stderr.String(), "time zone") {
		t.Errorf("zone errors in the log:\n%s", stderr.String())
	}
}

// lockedBuffer is an output a child process writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// freePort returns a loopback port free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}
