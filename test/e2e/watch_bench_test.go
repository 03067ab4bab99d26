package e2e

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/internal/watch"
	"github.com/strata-sec/strata/test/cluster"
)

// Targets of the watch benchmark (issue requirement) for a cluster of 50,000 objects.
const (
	targetSyncWall  = 30 * time.Second
	targetSyncRSSMi = 1536
	// objectsPerNS is what seedScaled creates per namespace: 200 pods, 20 each of deployments,
	// services, config maps and service accounts, 10 roles and 10 role bindings.
	objectsPerNS = podsPerNS + 4*perKindPerNS + 2*rolesPerNS
	// clusterIPNamespaces is how many namespaces get ClusterIP services: the service range is
	// a /24, so the rest are headless.
	clusterIPNamespaces = 80
)

// BenchmarkWatchInitialSync50k seeds a private cluster with STRATA_BENCH_OBJECTS objects
// (default 50,000: 300 per namespace, two thirds of them pods) and measures, per iteration, a
// new watcher with every check from New to Ready — the informers' initial list plus the first
// full evaluation — and the peak RSS of that (VmHWM, reset before each run), at the GOGC of the
// strata binary. STRATA_BENCH_HEAPPROFILE=FILE writes a heap profile at Ready. Seeding 50,000
// objects takes minutes:
//
//	go test ./test/e2e -run '^$' -bench BenchmarkWatchInitialSync50k -benchtime 1x -timeout 60m
//	STRATA_BENCH_OBJECTS=15000 go test ./test/e2e -run '^$' -bench BenchmarkWatchInitialSync50k -benchtime 1x
func BenchmarkWatchInitialSync50k(b *testing.B) {
	cluster.SkipIfRequested(b)
	objects := 50000
	if v := os.Getenv("STRATA_BENCH_OBJECTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < objectsPerNS {
			b.Fatalf("STRATA_BENCH_OBJECTS=%q: want a number of objects of at least %d", v, objectsPerNS)
		}
		objects = n
	}
	ctx := context.Background()
	c, err := cluster.Start(ctx, cluster.Options{})
	if err != nil {
		b.Fatalf("starting a private cluster: %v", err)
	}
	b.Cleanup(func() { _ = c.Stop() })
	start := time.Now()
	counts, err := seedScaled(ctx, c, (objects+objectsPerNS-1)/objectsPerNS)
	if err != nil {
		b.Fatalf("seeding: %v", err)
	}
	b.Logf("seeded %d objects in %s: %s", counts.total(), time.Since(start).Round(100*time.Millisecond), counts)
	reg, err := checks.Registry()
	if err != nil {
		b.Fatal(err)
	}
	// The strata binary runs with GOGC=50 (cmd/strata); so does the measured watcher.
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	var worstWall time.Duration
	var worstRSS float64
	for b.Loop() {
		// Return the previous iteration's memory to the OS, so the peak is this run's alone.
		debug.FreeOSMemory()
		if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
			b.Fatalf("reset the peak RSS: %v", err)
		}
		wall, st := syncOnce(b, c, reg.All())
		rss := peakRSSMiB(b)
		worstWall, worstRSS = max(worstWall, wall), max(worstRSS, rss)
		b.Logf("initial sync: %s to ready, %d objects in the inventory, peak RSS %.0f MiB", wall.Round(10*time.Millisecond), st.Objects, rss)
		if st.Objects < counts["Pod"] {
			b.Fatalf("the watcher holds %d objects, fewer than the %d pods seeded", st.Objects, counts["Pod"])
		}
	}
	b.ReportMetric(worstWall.Seconds(), "max-wall-s")
	b.ReportMetric(worstRSS, "max-peak-RSS-MiB")
	if counts.total() >= 50000 && (worstWall > targetSyncWall || worstRSS > targetSyncRSSMi) {
		b.Errorf("the initial sync of %d objects took %s with a peak RSS of %.0f MiB; the targets are %s and %d MiB",
			counts.total(), worstWall.Round(10*time.Millisecond), worstRSS, targetSyncWall, targetSyncRSSMi)
	}
}

// syncOnce runs a watcher until it is ready and returns how long that took and its status.
func syncOnce(b *testing.B, c *cluster.Cluster, all []check.Check) (time.Duration, watch.Status) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	w, err := watch.New(c.AdminConfig(), watch.Options{Engine: engine.Options{Checks: all}, Live: live.Options{}})
	if err != nil {
		b.Fatal(err)
	}
	batches, unsubscribe := w.Subscribe(1)
	defer unsubscribe()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	for {
		if ok, _ := w.Ready(); ok {
			break
		}
		select {
		case err := <-done:
			b.Fatalf("the watcher stopped before it was ready: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
		if time.Since(start) > 10*time.Minute {
			_, why := w.Ready()
			b.Fatalf("not ready after 10 minutes: %s", why)
		}
	}
	wall := time.Since(start)
	st := w.Status()
	if first, ok := <-batches; ok && first.Initial {
		b.Logf("of which the first full evaluation: %s (%d findings)", first.Evaluation.Round(10*time.Millisecond), len(first.Posture.Findings))
	}
	if path := os.Getenv("STRATA_BENCH_HEAPPROFILE"); path != "" {
		writeHeapProfile(b, path)
	}
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return wall, st
}

// writeHeapProfile writes a heap profile of the synced watcher to path, for go tool pprof.
func writeHeapProfile(b *testing.B, path string) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// peakRSSMiB reads the process's peak resident set size since the last reset.
func peakRSSMiB(b *testing.B) float64 {
	b.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err != nil {
				b.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb / 1024
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// seedScaled creates n namespaces of the benchmark's objects (see seed), with ClusterIP
// services only in the first clusterIPNamespaces so the /24 service range suffices.
func seedScaled(ctx context.Context, c *cluster.Cluster, n int) (seedCounts, error) {
	cfg := c.AdminConfig()
	cfg.QPS, cfg.Burst = 1000, 2000
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	counts := seedCounts{}
	var namespaces []string
	var nsJobs []createFunc
	for i := range n {
		ns := fmt.Sprintf("wbench-%03d", i)
		namespaces = append(namespaces, ns)
		nsJobs = append(nsJobs, func(ctx context.Context, _ kubernetes.Interface) error {
			_, err := c.CreateNamespace(ctx, ns, map[string]string{"team": ns})
			return err
		})
	}
	counts["Namespace"] = n
	first := firstWave(namespaces, counts, clusterIPNamespaces)
	for _, jobs := range [][]createFunc{nsJobs, first, secondWave(namespaces, counts)} {
		if err := runPool(ctx, cs, jobs); err != nil {
			return nil, err
		}
	}
	return counts, nil
}
