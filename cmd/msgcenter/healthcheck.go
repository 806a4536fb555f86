package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// runHealthcheck asks a serve process for /healthz and fails unless it
// answers 200: the container's HEALTHCHECK, where no curl exists. The
// address is --addr, else MSGCENTER_ADDR, with an unspecified host
// (0.0.0.0, [::]) asked on loopback.
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", DefaultAddr, "the address serve listens on (env MSGCENTER_ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := applyEnv(fs, []envBinding{{"addr", "MSGCENTER_ADDR", false}}, getenv); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("healthcheck: --addr %q: %w", *addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 4*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %d %s", resp.StatusCode, body)
	}
	fmt.Fprintf(stdout, "%s", body)
	return nil
}
