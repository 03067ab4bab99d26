package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/ledger"
	"github.com/strata-sec/strata/test/cluster"
)

const serveToken = "serve-test-token-0123456789"

func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tokens := writeFile(t, dir, "tokens", serveToken+"\n")
	short := writeFile(t, dir, "short", "abc\n")
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no token file":     {[]string{"serve"}, "--token-file is required"},
		"short token":       {[]string{"serve", "--token-file", short}, "short:1: token is shorter"},
		"missing tokens":    {[]string{"serve", "--token-file", filepath.Join(dir, "nope")}, "read token file"},
		"plain on anything": {[]string{"serve", "--token-file", tokens, "--listen", "0.0.0.0:8080"}, "refusing to serve plain HTTP"},
		"cert without key":  {[]string{"serve", "--token-file", tokens, "--tls-cert", "c.pem"}, "--tls-cert and --tls-key go together"},
		"bad listen":        {[]string{"serve", "--token-file", tokens, "--listen", "8080"}, "--listen"},
		"no output flag":    {[]string{"serve", "--token-file", tokens, "--output", "ndjson"}, "unknown flag"},
		"unknown check":     {[]string{"serve", "--token-file", tokens, "--checks", "ST-9999"}, "ST-9999"},
		"snapshot interval": {[]string{"serve", "--token-file", tokens, "--snapshot-interval", "1ms"}, "--snapshot-interval"},
	} {
		_, stderr, code := run(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 mentioning %q", name, code, stderr, tc.want)
		}
	}
}

func TestSnapshotPoint(t *testing.T) {
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	p := snapshotPoint(ledger.Snapshot{At: at, Total: 4,
		BySeverity: map[string]int{"critical": 1, "high": 3, "bogus": 9},
		ByLayer:    map[check.Layer]map[string]int{check.LayerWorkload: {"critical": 1, "high": 2}, check.LayerCluster: {"high": 1}},
		Coverage:   map[check.Layer]ledger.LayerCoverage{check.LayerNode: {NotAssessed: 4}, check.LayerKernel: {Pass: 2, Error: 1}},
	})
	if !p.At.Equal(at) || p.BySeverity[check.SeverityCritical] != 1 || p.BySeverity[check.SeverityHigh] != 3 || len(p.BySeverity) != 2 ||
		p.ByLayer[check.LayerWorkload] != 3 || p.ByLayer[check.LayerCluster] != 1 {
		t.Errorf("point = %+v", p)
	}
	if len(p.Coverage) != 2 || p.Coverage[0].Layer != check.LayerKernel || p.Coverage[0].Pass != 2 || p.Coverage[1].NotAssessed != 4 {
		t.Errorf("coverage = %+v (want kernel then node)", p.Coverage)
	}
}

// lockedBuffer is a buffer the test reads while the command writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:[0-9]+)`)

// TestServeLiveCluster runs strata serve against a real kube-apiserver with a SQLite ledger: it
// becomes ready, serves a privileged pod's finding and its removal, records both in the ledger,
// and exits cleanly when its context ends (as on SIGTERM).
func TestServeLiveCluster(t *testing.T) {
	c := cluster.Get(t)
	const ns = "cli-serve"
	if _, err := c.CreateNamespace(t.Context(), ns, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tokens := writeFile(t, dir, "tokens", serveToken+"\n")
	dsn := "sqlite:" + filepath.Join(dir, "ledger.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	exited := make(chan int, 1)
	go func() {
		exited <- Execute(ctx, "strata", []string{"serve", "--kubeconfig", c.AdminKubeconfig(), "-n", ns, "--listen", "127.0.0.1:0",
			"--token-file", tokens, "--ledger", dsn, "--coalesce", "10ms"}, IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut})
	}()
	var base string
	poll(t, exited, errOut, "listening line", 30*time.Second, func() bool {
		m := listeningRE.FindStringSubmatch(out.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	apiGet := func(path string, into any) int {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+serveToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if into != nil && resp.StatusCode == http.StatusOK {
			if err := json.Unmarshal(body, into); err != nil {
				t.Fatalf("GET %s: %v: %s", path, err, body)
			}
		}
		return resp.StatusCode
	}
	poll(t, exited, errOut, "readyz 200", 60*time.Second, func() bool { return apiGet("/readyz", nil) == http.StatusOK })
	if code := apiGet("/api/v1/findings", nil); code != http.StatusOK {
		t.Fatalf("findings: %d", code)
	}

	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	if _, err := admin.CoreV1().Pods(ns).Create(t.Context(), privileged(ns, "debug", ""), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	type page struct {
		Complete bool `json:"complete"`
		Findings []struct {
			Object struct{ Name string } `json:"object"`
		} `json:"findings"`
	}
	has := func() bool {
		var p page
		apiGet("/api/v1/findings?check=ST-0001&namespace="+ns, &p)
		return p.Complete && len(p.Findings) == 1 && p.Findings[0].Object.Name == "debug"
	}
	poll(t, exited, errOut, "ST-0001 on the new pod", 30*time.Second, has)
	if err := admin.CoreV1().Pods(ns).Delete(t.Context(), "debug", metav1.DeleteOptions{GracePeriodSeconds: new(int64)}); err != nil {
		t.Fatal(err)
	}
	poll(t, exited, errOut, "the finding resolved", 30*time.Second, func() bool { return !has() })
	poll(t, exited, errOut, "a history point", 30*time.Second, func() bool {
		var h struct{ Points []json.RawMessage }
		return apiGet("/api/v1/history?since=1h", &h) == http.StatusOK && len(h.Points) > 0
	})
	// The resolution reaches the ledger through the writer's queue.
	l, err := ledger.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	poll(t, exited, errOut, "the resolved finding in the ledger", 30*time.Second, func() bool {
		recs, err := l.Findings(t.Context(), ledger.Filter{Status: ledger.StatusResolved, Check: "ST-0001", Namespace: ns})
		return err == nil && len(recs) == 1 && recs[0].Object.Name == "debug"
	})

	cancel()
	select {
	case code := <-exited:
		if code != ExitOK {
			t.Errorf("exit %d after shutdown, want 0: %s", code, errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down within 20s of its context ending")
	}
}

// poll waits for cond, failing with the command's stderr when it exits or time runs out.
func poll(t *testing.T, exited <-chan int, errOut fmt.Stringer, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		select {
		case code := <-exited:
			t.Fatalf("serve exited (%d) while waiting for %s: %s", code, what, errOut.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s: %s", what, timeout, errOut.String())
		}
	}
}
