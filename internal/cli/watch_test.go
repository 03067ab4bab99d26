package cli

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/watch"
)

func TestWatchUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"unknown output":   {"watch", "--output", "yaml"},
		"unknown check":    {"watch", "--checks", "ST-9999"},
		"unknown layer":    {"watch", "--layer", "kernal"},
		"negative resync":  {"watch", "--resync", "-1s"},
		"negative batch":   {"watch", "--max-batch", "-3"},
		"pss version":      {"watch", "--pss-version", "v2.x"},
		"bad namespace":    {"watch", "-n", "Not_A_Namespace"},
		"bad exclude":      {"watch", "--exclude-namespaces", "[x"},
		"zero qps":         {"watch", "--qps", "0"},
		"arguments":        {"watch", "deploy/"},
		"missing config":   {"watch", "--config", filepath.Join(dir, "nope.yaml")},
		"namespace and -A": {"watch", "-n", "a", "-A"},
	} {
		_, errOut, code := run(t, "", args...)
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want %d (stderr %q)", name, code, ExitUsage, errOut)
		}
	}
}

// TestWatchUnreachableServer: a watch that cannot start exits 2 promptly, naming the server,
// with nothing on stdout.
func TestWatchUnreachableServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://" + addr + "\n" +
		"contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: x\n"
	if err := os.WriteFile(kc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, errOut, code := run(t, "", "watch", "--kubeconfig", kc, "--output", "ndjson")
	if code != ExitUsage || !strings.Contains(errOut, addr) || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 naming %s", code, out, errOut, addr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %s to give up", d)
	}
}

// TestTableSink: the terminal view prints a summary line and later events, not the initial
// posture event by event.
func TestTableSink(t *testing.T) {
	meta := &check.Meta{ID: "ST-0001", Slug: "privileged", Title: "Privileged", Layer: check.LayerWorkload, Severity: check.SeverityHigh}
	f := &posture.Finding{Check: meta, Severity: check.SeverityHigh, Message: "privileged container",
		Object: check.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"}}
	p := &posture.Posture{Findings: []*posture.Finding{f}}
	var buf bytes.Buffer
	s := &tableSink{w: &buf}
	ev := posture.Event{Type: posture.EventNew, Finding: f, Time: time.Now()}
	if err := s.write(watch.Batch{Full: true, Initial: true, Posture: p, Objects: 3, At: time.Now(), Events: []posture.Event{ev}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "synced") || !strings.Contains(buf.String(), "high 1") || strings.Contains(buf.String(), "NEW") {
		t.Errorf("initial view:\n%s", buf.String())
	}
	buf.Reset()
	ev.Type = posture.EventResolved
	if err := s.write(watch.Batch{Posture: &posture.Posture{}, At: time.Now(), Events: []posture.Event{ev}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "RESOLVED") || !strings.Contains(buf.String(), "shop/web") {
		t.Errorf("view after an event:\n%s", buf.String())
	}
}

// TestBaselineAfterOverflow: after an overflow the command restates the posture as initial
// new events followed by a synced marker, which is how docs/events.md tells consumers to
// rebuild their state.
func TestBaselineAfterOverflow(t *testing.T) {
	meta := &check.Meta{ID: "ST-0001", Slug: "privileged", Title: "Privileged", Layer: check.LayerWorkload, Severity: check.SeverityHigh}
	p := &posture.Posture{Findings: []*posture.Finding{
		{Check: meta, Severity: check.SeverityHigh, Object: check.Ref{APIVersion: "v1", Kind: "Pod", Namespace: "a", Name: "x"}},
		{Check: meta, Severity: check.SeverityHigh, Object: check.Ref{APIVersion: "v1", Kind: "Pod", Namespace: "a", Name: "y"}},
	}}
	recs, err := watch.BatchRecords(baseline(p, 9))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[2].Type != watch.RecordSynced || *recs[2].Findings != 2 || *recs[2].Objects != 9 {
		t.Fatalf("records = %+v", recs)
	}
	for _, r := range recs[:2] {
		if r.Type != "new" || !r.Initial {
			t.Errorf("baseline record %+v is not an initial new event", r)
		}
	}
}
