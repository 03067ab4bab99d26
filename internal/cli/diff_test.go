package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/ledger"
	"github.com/strata-sec/strata/internal/ledger/ledgertest"
	"github.com/strata-sec/strata/internal/posture"
)

var (
	diffPriv = &check.Meta{ID: "ST-0001", Slug: "privileged-container", Layer: check.LayerWorkload, Severity: check.SeverityCritical}
	diffNet  = &check.Meta{ID: "ST-0100", Slug: "no-default-deny", Layer: check.LayerNetwork, Severity: check.SeverityMedium}
)

func diffFinding(m *check.Meta, ns, name, msg string) *posture.Finding {
	return &posture.Finding{Check: m, Severity: m.Severity, Message: msg,
		Object: check.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: ns, Name: name, UID: ns + name}}
}

// fillLedger records: at base-1h a network finding and a privileged finding "old"; at base-30m
// "web" turns privileged (by kubectl-edit) and the network finding is resolved (by argocd).
// Snapshots are taken at base-1h and base-10m.
func fillLedger(t *testing.T, dsn string, base time.Time) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	l, err := ledger.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	net := diffFinding(diffNet, "pay", "api", "namespace pay has no default-deny NetworkPolicy")
	old := diffFinding(diffPriv, "ops", "old", "privileged")
	web := diffFinding(diffPriv, "shop", "web", "container shell is privileged; token=AKIAIOSFODNN7EXAMPLE")
	p1 := &posture.Posture{Findings: []*posture.Finding{net, old}}
	if _, err := l.Reconcile(ctx, p1, base.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	a, err := l.Snapshot(ctx, p1, base.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	err = l.Record(ctx, []posture.Event{
		{Type: posture.EventNew, Finding: web, Time: base.Add(-30 * time.Minute), Manager: "kubectl-edit", Cause: "update Deployment/shop/web"},
		{Type: posture.EventResolved, Finding: net, Time: base.Add(-30 * time.Minute), Manager: "argocd", Cause: "create NetworkPolicy/pay/deny"},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Snapshot(ctx, &posture.Posture{Findings: []*posture.Finding{old, web}}, base.Add(-10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

func TestDiffCommand(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "ledger.db")
	now := time.Now().UTC()
	a, b := fillLedger(t, dsn, now)

	out, stderr, code := run(t, "", "diff", "--since", "45m", "--ledger", dsn)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"1 worse, 1 better", "WORSE", "critical  new", "ST-0001 privileged-container", "Deployment/shop/web",
		"kubectl-edit (update Deployment/shop/web)", "BETTER", "medium    resolved", "argocd (create NetworkPolicy/pay/deny)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "AKIAIOSFODNN7EXAMPLE") || strings.Contains(out, "ops/old") {
		t.Errorf("table shows a secret or an unchanged finding:\n%s", out)
	}
	if strings.Index(out, "WORSE") > strings.Index(out, "BETTER") {
		t.Errorf("worse is not first:\n%s", out)
	}

	// Before anything changed: nothing; with --fail-on the new critical finding fails.
	if out, _, code := run(t, "", "diff", "--from", now.Add(-2*time.Hour).Format(time.RFC3339), "--to", now.Add(-50*time.Minute).Format(time.RFC3339),
		"--ledger", "sqlite:"+dsn, "--format", "json"); code != ExitOK {
		t.Fatalf("json exit %d", code)
	} else {
		var r struct {
			Worse, Better []ledger.Change
			HistoryStart  *time.Time
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Worse) != 2 || len(r.Better) != 0 || r.HistoryStart == nil {
			t.Fatalf("json %v: %s", err, out)
		}
	}
	if _, _, code := run(t, "", "diff", "--since", "45m", "--ledger", dsn, "--fail-on", "critical"); code != ExitFindings {
		t.Errorf("--fail-on critical: exit %d, want 1", code)
	}
	if _, _, code := run(t, "", "diff", "--since", "20m", "--ledger", dsn, "--fail-on", "critical"); code != ExitOK {
		t.Errorf("--fail-on critical, nothing worse: exit %d, want 0", code)
	}

	out, stderr, code = run(t, "", "diff", "--snapshots", itoa(a), itoa(b), "--ledger", dsn, "--format", "json")
	var r struct {
		Worse, Better []ledger.Change
		FromSnapshot  *ledger.Snapshot
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &r) != nil || len(r.Worse) != 1 || len(r.Better) != 1 || r.FromSnapshot.Total != 2 {
		t.Fatalf("snapshots: exit %d %s\n%s", code, stderr, out)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func TestDiffCommandErrors(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "ledger.db")
	fillLedger(t, dsn, time.Now().UTC())
	for _, args := range [][]string{
		{"diff", "--since", "yesterday", "--ledger", dsn},
		{"diff", "--since", "1h", "--from", "2h", "--ledger", dsn},
		{"diff", "--to", "1h", "--ledger", dsn},
		{"diff", "--from", "1h", "--to", "2h", "--ledger", dsn},
		{"diff", "--snapshots", "1", "--ledger", dsn},
		{"diff", "--snapshots", "1", "x", "--ledger", dsn},
		{"diff", "--snapshots", "1", "999", "--ledger", dsn},
		{"diff", "7", "--ledger", dsn},
		{"diff", "--format", "xml", "--ledger", dsn},
		{"diff", "--fail-on", "urgent", "--ledger", dsn},
		{"diff", "--ledger", filepath.Join(t.TempDir(), "missing.db")},
		{"diff", "--ledger", "mysql://u:pw@h/db"},
		{"diff", "--ledger", "postgres://strata:sekrit-pass@127.0.0.1:1/x?connect_timeout=2"},
	} {
		out, stderr, code := run(t, "", args...)
		if code != ExitUsage {
			t.Errorf("%q: exit %d, want 2\n%s%s", args, code, out, stderr)
		}
		if strings.Contains(stderr, "sekrit-pass") {
			t.Errorf("%q: password in the error: %s", args, stderr)
		}
	}
}

// TestDiffCommandPostgres reads a ledger held by a real PostgreSQL server.
func TestDiffCommandPostgres(t *testing.T) {
	srv := ledgertest.Start(t)
	dsn := srv.NewDatabase(t)
	fillLedger(t, dsn, time.Now().UTC())
	out, stderr, code := run(t, "", "diff", "--since", "45m", "--ledger", dsn)
	if code != ExitOK || !strings.Contains(out, "1 worse, 1 better") || !strings.Contains(out, "kubectl-edit") {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	if strings.Contains(out, srv.Password()) {
		t.Fatalf("output shows the password:\n%s", out)
	}
}
