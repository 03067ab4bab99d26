package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/nodefacts/noderoot"
)

func TestNodeCollectAndReplay(t *testing.T) {
	root := noderoot.Prepare(t, "worker-hardened")
	dir := t.TempDir()
	factsFile := filepath.Join(dir, "facts.json")
	out, errOut, code := run(t, "", "node", "--root", root, "--facts-out", factsFile, "--format", "json")
	if code != 0 {
		t.Fatalf("strata node --root: exit %d, stderr %s", code, errOut)
	}
	var rep struct {
		Sources []string `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json report: %v\n%s", err, out)
	}
	if want := "node worker-1 (root " + root + ")"; !strings.Contains(out, want) {
		t.Errorf("report does not name the source %q:\n%s", want, out)
	}
	recorded, err := os.ReadFile(factsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(recorded), `"kind": "NodeFacts"`) || !strings.Contains(string(recorded), `"hostname": "worker-1"`) {
		t.Fatalf("recorded facts:\n%s", recorded)
	}
	replayed, errOut, code := run(t, "", "node", "--facts", factsFile, "--format", "json")
	if code != 0 {
		t.Fatalf("strata node --facts: exit %d, stderr %s", code, errOut)
	}
	if stripGenerated(replayed) != stripGenerated(out) {
		t.Errorf("the replayed report differs from the collected one\n--- collected\n%s\n--- replayed\n%s", out, replayed)
	}
	stdin, _, code := run(t, string(recorded), "node", "--facts", "-", "--format", "json")
	if code != 0 || stripGenerated(stdin) != stripGenerated(out) {
		t.Errorf("--facts - (stdin): exit %d", code)
	}
}

// stripGenerated drops the lines that hold the report's generation time.
func stripGenerated(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.Contains(line, "generatedAt") && !strings.Contains(line, "\"generated") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

func TestNodeInputErrorsExit2AfterReport(t *testing.T) {
	root := noderoot.Prepare(t, "worker-misconfigured")
	out, errOut, code := run(t, "", "node", "--root", root, "--no-color")
	if code != ExitUsage {
		t.Fatalf("exit %d, want 2 (a broken seccomp profile is an input error)", code)
	}
	if !strings.Contains(out, "/var/lib/kubelet/seccomp/broken.json") || !strings.Contains(errOut, "1 input error") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out, errOut)
	}
}

func TestNodeHostileFacts(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(17 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cases := map[string]struct{ content, want string }{
		"malformed.json": {`{"kind": "NodeFacts", `, "not a facts document"},
		"wrongkind.json": {`{"apiVersion":"v1","kind":"Pod","schemaVersion":"v1","hostname":"x"}`, `kind "Pod"`},
		"version.json":   {`{"apiVersion":"strata.dev/v1alpha1","kind":"NodeFacts","schemaVersion":"v9","hostname":"x"}`, `schemaVersion "v9"`},
		"unknown.json":   {`{"apiVersion":"strata.dev/v1alpha1","kind":"NodeFacts","schemaVersion":"v1","hostname":"x","evil":1}`, `unknown field "evil"`},
	}
	for name, c := range cases {
		p := writeFile(t, dir, name, c.content)
		_, errOut, code := run(t, "", "node", "--facts", p)
		if code != ExitUsage || !strings.Contains(errOut, p) || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 naming the file and %q", name, code, errOut, c.want)
		}
	}
	_, errOut, code := run(t, "", "node", "--facts", huge)
	if code != ExitUsage || !strings.Contains(errOut, "larger than") || !strings.Contains(errOut, huge) {
		t.Errorf("huge: exit %d, stderr %q", code, errOut)
	}
}

func TestNodeUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"node", "--facts", "x.json", "--root", "/"},
		{"node", "--facts", "x.json", "--facts-out", "y.json"},
		{"node", "--format", "yaml"},
		{"node", "--fail-on", "urgent"},
		{"node", "--root", "/does/not/exist"},
		{"node", "extra"},
	} {
		if _, errOut, code := run(t, "", args...); code != ExitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, errOut)
		}
	}
}

// signalWriter collects what is written and signals each write.
type signalWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case w.written <- struct{}{}:
	default:
	}
	return w.buf.Write(p)
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestNodeInterval: with --interval the node agent reports, says on stderr how the run ended
// (findings above --fail-on here), and waits for the next run instead of exiting, which would
// make a DaemonSet restart it in a loop; it exits 0 when interrupted.
func TestNodeInterval(t *testing.T) {
	root := noderoot.Prepare(t, "worker-hardened")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &signalWriter{written: make(chan struct{}, 1)}
	errOut := &signalWriter{written: make(chan struct{}, 1)}
	done := make(chan int, 1)
	go func() {
		done <- Execute(ctx, "strata", []string{"node", "--root", root, "--format", "json", "--fail-on", "info", "--interval", "1m"},
			IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut})
	}()
	select {
	case <-errOut.written:
	case code := <-done:
		t.Fatalf("strata node --interval exited %d before the next run: %s", code, errOut.String())
	case <-time.After(time.Minute):
		t.Fatal("no run reported within a minute")
	}
	select {
	case code := <-done:
		t.Fatalf("strata node --interval exited %d after one run: %s", code, errOut.String())
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("interrupted: exit %d, want 0", code)
	}
	if !strings.HasPrefix(errOut.String(), "strata node: ") || !strings.Contains(errOut.String(), "reported") {
		t.Errorf("stderr %q, want the run's outcome", errOut.String())
	}
	var rep struct {
		Sources []string `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out.String()), &rep); err != nil || len(rep.Sources) != 1 {
		t.Errorf("stdout is not one JSON report (%v):\n%s", err, out.String())
	}
	for _, args := range [][]string{
		{"node", "--interval", "5s"},
		{"node", "--interval", "1h", "--facts", "x.json"},
	} {
		if _, errOut, code := run(t, "", args...); code != ExitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, errOut)
		}
	}
}
