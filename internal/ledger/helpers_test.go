package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/ledger/ledgertest"
	"github.com/strata-sec/strata/internal/posture"
)

var (
	metaPriv = &check.Meta{ID: "ST-0001", Slug: "privileged-container", Layer: check.LayerWorkload, Severity: check.SeverityCritical}
	metaRoot = &check.Meta{ID: "ST-0002", Slug: "run-as-root", Layer: check.LayerWorkload, Severity: check.SeverityMedium}
	metaNet  = &check.Meta{ID: "ST-0100", Slug: "no-default-deny", Layer: check.LayerNetwork, Severity: check.SeverityHigh}
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func finding(m *check.Meta, ns, name string, sev check.Severity, msg string) *posture.Finding {
	return &posture.Finding{
		Check: m, Severity: sev, Message: msg, Path: "spec.containers[0]",
		Object: check.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: ns, Name: name, UID: "uid-" + ns + "-" + name},
	}
}

func ev(typ posture.EventType, f *posture.Finding, t time.Time, manager, cause string) posture.Event {
	return posture.Event{Type: typ, Finding: f, Time: t, Manager: manager, Cause: cause}
}

// backend opens fresh ledgers of one kind.
type backend struct {
	name string
	dsn  func(t *testing.T) string
}

// backends are SQLite files and databases on a PostgreSQL server this test starts.
func backends(t *testing.T) []backend {
	srv := ledgertest.Start(t)
	return []backend{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "ledger.db") }},
		{"postgres", func(t *testing.T) string { return srv.NewDatabase(t) }},
	}
}

func open(t testing.TB, dsn string) *Ledger {
	t.Helper()
	l, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func mustRecord(t *testing.T, l *Ledger, evs ...posture.Event) {
	t.Helper()
	if err := l.Record(context.Background(), evs); err != nil {
		t.Fatalf("record: %v", err)
	}
}

func types(evs []Event) string {
	s := ""
	for _, e := range evs {
		s += fmt.Sprintf("%s:%s ", e.Type, e.Key[:7])
	}
	return s
}

func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
