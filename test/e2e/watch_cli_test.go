package e2e

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/strata-sec/strata/test/cluster"
)

// TestWatchCommandStreamsNDJSON runs `strata watch --output ndjson`, plants canary values
// (Secret data and its last-applied copy, a literal env credential, ConfigMap data) after the
// stream is synced, and requires: the events for them arrive as NDJSON lines, no canary
// appears on stdout or stderr, and SIGINT ends the command cleanly (exit 0).
func TestWatchCommandStreamsNDJSON(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	const ns = "e2e-watch-cli"
	if _, err := c.CreateNamespace(ctx, ns, nil); err != nil {
		t.Fatal(err)
	}
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	t.Cleanup(func() { deleteAllIn(admin, ns) })
	args := []string{"watch", "--kubeconfig", c.AdminKubeconfig(), "-n", ns, "--output", "ndjson", "-v"}
	cmd := command(ctx, args...)
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	if !waitFor(exited, 60*time.Second, func() bool { return strings.Contains(stdout.String(), `"type":"synced"`) }) {
		t.Fatalf("no synced record within 60 s\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}

	secretValue, envValue, configValue := canary(t), canary(t), canary(t)
	if _, err := admin.CoreV1().Secrets(ns).Create(ctx, canarySecret(t, ns, secretValue), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "canary-config", Namespace: ns}, Data: map[string]string{"password": configValue}}
	if _, err := admin.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := canaryPod(ns, envValue)
	if _, err := admin.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The checks read the values: both env findings arrive as new events on the pod.
	for _, id := range []string{"ST-0024", "ST-0025"} {
		if !waitFor(exited, 15*time.Second, func() bool { return hasEventLine(t, stdout.String(), "new", id, pod.Name) }) {
			t.Fatalf("no new %s event on pod %s\nstdout:\n%s\nstderr:\n%s", id, pod.Name, stdout.String(), stderr.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("strata watch still runs 30 s after SIGINT")
	}
	if code := exitCode(t, waitErr); code != 0 {
		t.Errorf("exit code %d after SIGINT, want 0\nstderr:\n%s", code, stderr.String())
	}
	out, errOut := stdout.String(), stderr.String()
	for _, v := range []string{secretValue, base64.StdEncoding.EncodeToString([]byte(secretValue)), envValue, configValue} {
		if strings.Contains(out, v) || strings.Contains(errOut, v) {
			t.Errorf("a canary value %q appears in the watch output", v)
		}
	}
	initial, events := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		switch rec["type"] {
		case "new", "resolved", "changed":
			events++
			if rec["initial"] == true {
				initial++
			}
			for _, k := range []string{"time", "check", "severity", "object", "message", "cause"} {
				if _, ok := rec[k]; !ok {
					t.Errorf("event without %q: %s", k, line)
				}
			}
		case "synced", "resync":
		default:
			t.Errorf("unknown record type: %s", line)
		}
	}
	if initial == 0 || initial == events {
		t.Errorf("%d events of which %d initial: want both initial and later events", events, initial)
	}
	if os.Getenv("STRATA_E2E_SHOW") != "" {
		t.Logf("stdout:\n%s", out)
	}
}

// hasEventLine reports whether the NDJSON stream holds an event of type typ from check id on
// an object named name.
func hasEventLine(t *testing.T, stream, typ, id, name string) bool {
	for _, line := range strings.Split(stream, "\n") {
		if !strings.Contains(line, id) || !strings.Contains(line, name) {
			continue
		}
		var rec struct {
			Type  string `json:"type"`
			Check struct {
				ID string `json:"id"`
			} `json:"check"`
			Object struct {
				Name string `json:"name"`
			} `json:"object"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Type == typ && rec.Check.ID == id && rec.Object.Name == name {
			return true
		}
	}
	return false
}
