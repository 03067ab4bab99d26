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

func benchFindings(n int) []*posture.Finding {
	metas := []*check.Meta{metaPriv, metaRoot, metaNet}
	out := make([]*posture.Finding, n)
	for i := range out {
		out[i] = finding(metas[i%3], fmt.Sprintf("ns%d", i%100), fmt.Sprintf("w%d", i), check.Severities[i%5], "container runs privileged")
	}
	return out
}

func benchBackends(b *testing.B) map[string]func(b *testing.B) string {
	srv := ledgertest.Start(b)
	return map[string]func(b *testing.B) string{
		"sqlite":   func(b *testing.B) string { return "sqlite:" + filepath.Join(b.TempDir(), "l.db") },
		"postgres": func(b *testing.B) string { return srv.NewDatabase(b) },
	}
}

// BenchmarkRecord10k records 10,000 new events in one call.
func BenchmarkRecord10k(b *testing.B) {
	for name, dsn := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			fs := benchFindings(10000)
			evs := posture.Diff(nil, fs, t0)
			for i := range b.N {
				b.StopTimer()
				l := open(b, dsn(b))
				b.StartTimer()
				if err := l.Record(context.Background(), evs); err != nil {
					b.Fatal(err)
				}
				_ = i
			}
		})
	}
}

// BenchmarkReconcile100k reconciles a 100,000-finding posture against a ledger holding a
// 100,000-finding posture that differs in 10% of its findings.
func BenchmarkReconcile100k(b *testing.B) {
	for name, dsn := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			fs := benchFindings(110000)
			before, after := fs[:100000], fs[10000:]
			for range b.N {
				b.StopTimer()
				l := open(b, dsn(b))
				ctx := context.Background()
				start := time.Now()
				if _, err := l.Reconcile(ctx, &posture.Posture{Findings: before}, t0); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(time.Since(start).Seconds(), "initial-s")
				b.StartTimer()
				evs, err := l.Reconcile(ctx, &posture.Posture{Findings: after}, t0.Add(time.Minute))
				if err != nil {
					b.Fatal(err)
				}
				if len(evs) != 20000 {
					b.Fatalf("%d events, want 20000", len(evs))
				}
			}
		})
	}
}
