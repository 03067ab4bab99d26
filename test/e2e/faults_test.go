package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strata-sec/strata/test/cluster"
)

// TestAPIServerDownMidScan stops kube-apiserver while a scan is listing (--qps 1 stretches the
// listing over many seconds): the scan must fail with exit code 2 and an error naming the
// server, and must not write a report that could be read as a clean cluster. It needs a cluster
// of its own, since the shared one must keep its API server.
func TestAPIServerDownMidScan(t *testing.T) {
	cluster.SkipIfRequested(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c, err := cluster.Start(ctx, cluster.Options{})
	if err != nil {
		t.Fatalf("starting a private cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("stopping the private cluster: %v", err)
		}
	})

	args := []string{"scan", "--cluster", "--kubeconfig", c.AdminKubeconfig(), "--format", "json", "--qps", "1", "--burst", "1", "-v"}
	cmd := command(ctx, args...)
	var stdout bytes.Buffer
	stderr := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(exited) }()

	// -v logs each kind as it is listed: the first record proves the scan is listing.
	if !waitFor(exited, 60*time.Second, func() bool { return strings.Contains(stderr.String(), `msg="kind listed"`) }) {
		t.Fatalf("the scan never started listing, or ended first (lower --qps?):\n%s", stderr.String())
	}
	if err := c.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(90 * time.Second):
		t.Fatalf("the scan still runs 90 s after the API server stopped:\n%s", stderr.String())
	}
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String(), code: exitCode(t, waitErr), took: time.Since(start)}
	requireFailedScan(t, r, hostOf(t, c.URL()))
	t.Logf("%s", r)
}

// TestUnreachableServer scans through a kubeconfig whose server port nothing listens on: exit 2,
// promptly, with a message naming the server.
func TestUnreachableServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(closedPortKubeconfig(addr)), 0o600); err != nil {
		t.Fatal(err)
	}
	r := strata(t, time.Minute, "scan", "--cluster", "--kubeconfig", kubeconfig, "--format", "json")
	requireFailedScan(t, r, addr)
	t.Logf("%s", r)
	if r.took > 10*time.Second {
		t.Errorf("a refused connection took %s to report, want under 10 s", r.took.Round(time.Millisecond))
	}
}

func closedPortKubeconfig(addr string) string {
	return `apiVersion: v1
kind: Config
clusters:
- name: gone
  cluster:
    server: https://` + addr + `
    insecure-skip-tls-verify: true
users:
- name: someone
  user:
    token: not-a-real-token
contexts:
- name: gone
  context:
    cluster: gone
    user: someone
current-context: gone
`
}

// requireFailedScan requires exit code 2, an error naming server (host:port) on stderr, and no
// report on stdout unless it lists the failure among its errors.
func requireFailedScan(t *testing.T, r result, server string) {
	t.Helper()
	if r.code != 2 {
		t.Errorf("exit %d, want 2: %s", r.code, r)
	}
	var errLine string
	for line := range strings.Lines(r.stderr) {
		if strings.HasPrefix(line, "Error: ") {
			errLine = line
		}
	}
	if errLine == "" || !strings.Contains(errLine, server) {
		t.Errorf("no error line naming the server %s on stderr:\n%s", server, r.stderr)
	}
	if strings.TrimSpace(r.stdout) == "" {
		return
	}
	var rep report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err == nil && len(rep.Errors) == 0 {
		t.Errorf("a failed scan wrote a report without errors, which reads as clean (%d findings):\n%.1000s", len(rep.Findings), r.stdout)
	}
}

func hostOf(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// exitCode turns the error of cmd.Wait into an exit code; a crash by signal fails t.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	}
	t.Fatalf("strata did not exit normally: %v", err)
	return -1
}

// waitFor polls cond until it holds (true), exited is closed or the timeout passes (false).
func waitFor(exited <-chan struct{}, timeout time.Duration, cond func() bool) bool {
	deadline := time.After(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return true
		}
		select {
		case <-exited:
			return false
		case <-deadline:
			return false
		case <-tick.C:
		}
	}
}

// syncBuffer is a bytes.Buffer safe to read while a process writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
