package bench

import (
	"context"
	"testing"
	"time"

	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/inventory/manifest"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/synth"
)

// scan runs what `strata scan DIR` runs: load, index, evaluate every registered check.
func scan(tb testing.TB, reg *check.Registry, dir string) (*manifest.Result, *posture.Posture) {
	tb.Helper()
	ctx := context.Background()
	res, err := manifest.Load(ctx, []string{dir}, manifest.Options{})
	if err != nil {
		tb.Fatalf("load %s: %v", dir, err)
	}
	p, err := engine.Evaluate(ctx, inventory.NewIndex(res.Objects), engine.Options{
		Checks: reg.All(),
		Env:    check.Env{PSSVersion: psaapi.LatestVersion()},
		KnownChecks: func(name string) (string, bool) {
			c, ok := reg.Lookup(name)
			if !ok {
				return "", false
			}
			return c.Metadata().ID, true
		},
		Now: time.Now(),
	})
	if err != nil {
		tb.Fatalf("evaluate: %v", err)
	}
	return res, p
}

func registry(tb testing.TB) *check.Registry {
	tb.Helper()
	reg, err := checks.Registry()
	if err != nil {
		tb.Fatalf("registry: %v", err)
	}
	return reg
}

// inventoryDir writes a synthetic inventory into a temporary directory, spread over files the
// way a repository of manifests is.
func inventoryDir(tb testing.TB, dir string, opts synth.Options, files int) {
	tb.Helper()
	if _, err := synth.WriteFiles(dir, files, opts); err != nil {
		tb.Fatalf("generate inventory: %v", err)
	}
}

// BenchmarkScan10k scans 10,000 synthetic workloads in 100 files with every registered check.
func BenchmarkScan10k(b *testing.B) {
	const workloads = 10000
	dir := b.TempDir()
	inventoryDir(b, dir, synth.Options{Workloads: workloads, Seed: 1}, 100)
	reg := registry(b)
	b.ReportAllocs()
	var objects, findings int
	for b.Loop() {
		res, p := scan(b, reg, dir)
		objects, findings = len(res.Objects), len(p.Findings)
	}
	if objects != workloads {
		b.Fatalf("scanned %d objects, want %d", objects, workloads)
	}
	b.ReportMetric(float64(objects)*float64(b.N)/b.Elapsed().Seconds(), "objects/s")
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(len(reg.All())), "checks")
}

// TestScanSmoke runs the benchmark's path on a small inventory: everything loads, no check
// fails internally, and the risky part of the mix produces findings.
func TestScanSmoke(t *testing.T) {
	dir := t.TempDir()
	inventoryDir(t, dir, synth.Options{Workloads: 200, Others: 60, Seed: 1}, 4)
	res, p := scan(t, registry(t), dir)
	if len(res.Errors) > 0 {
		t.Fatalf("input errors loading the synthetic inventory: %+v", res.Errors)
	}
	if len(res.Objects) != 260 {
		t.Fatalf("loaded %d objects, want 260", len(res.Objects))
	}
	if len(p.Errors) > 0 {
		t.Errorf("input errors during evaluation: %+v", p.Errors)
	}
	for _, cov := range p.Coverage {
		if cov.Status == posture.StatusError {
			t.Errorf("check %s errored: %v", cov.CheckID, cov.Errors)
		}
	}
	if len(p.Findings) == 0 {
		t.Error("no findings on an inventory with risky workloads")
	}
	t.Logf("%d checks, %d findings, %d suppressed", len(p.Checks), len(p.Findings), len(p.Suppressed))
}
