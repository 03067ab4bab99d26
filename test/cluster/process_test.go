package cluster

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func startShell(t *testing.T, script string) *process {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to stand in for a control-plane process")
	}
	dir := t.TempDir()
	p, err := startProcess("fake", sh, []string{"-c", script}, dir, filepath.Join(dir, "fake.log"), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.stop(time.Second) })
	return p
}

func TestWaitForReportsExitWithLog(t *testing.T) {
	p := startShell(t, "echo 'listen tcp 127.0.0.1:1234: bind: address already in use'; exit 3")
	err := waitFor(context.Background(), 10*time.Second, p, func(context.Context) error { return errors.New("refused") })
	if err == nil || !strings.Contains(err.Error(), "fake exited") || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("waitFor = %v, want the exit and the log tail", err)
	}
	if !p.portInUse() {
		t.Error("portInUse() = false for a bind failure")
	}
}

func TestWaitForTimesOutWithLastProbe(t *testing.T) {
	p := startShell(t, "echo starting slowly; exec sleep 30")
	err := waitFor(context.Background(), 500*time.Millisecond, p, func(context.Context) error { return errors.New("503 not ready") })
	if err == nil || !strings.Contains(err.Error(), "503 not ready") || !strings.Contains(err.Error(), "starting slowly") {
		t.Fatalf("waitFor = %v, want the last probe error and the log tail", err)
	}
	if p.portInUse() {
		t.Error("portInUse() = true without a bind failure")
	}
}

func TestWaitForSucceeds(t *testing.T) {
	p := startShell(t, "exec sleep 30")
	calls := 0
	err := waitFor(context.Background(), 10*time.Second, p, func(context.Context) error {
		if calls++; calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("waitFor = %v after %d probes, want success on the third", err, calls)
	}
}

func TestFirstLinesKeepsFailingChecks(t *testing.T) {
	body := "[+]ping ok\n[+]log ok\n[-]poststarthook/rbac/bootstrap-roles failed: not finished\n[+]etcd ok\nreadyz check failed"
	got := firstLines(body, 5)
	if got != "[-]poststarthook/rbac/bootstrap-roles failed: not finished" {
		t.Errorf("firstLines = %q", got)
	}
}
