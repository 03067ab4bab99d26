package engine

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/inventory"
)

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIncremental measures change-to-events latency on a 50,000-object inventory with
// every registered check: run with -benchtime 40x (each iteration is one change).
func BenchmarkIncremental(b *testing.B) {
	opts := registryOptions(b)
	g := newCluster(1)
	objs := g.inventory(200, 31, 2)
	ix := inventory.NewIndex(objs)
	e := NewIncremental(opts)
	start := time.Now()
	if _, err := e.Full(context.Background(), ix); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d objects, full evaluation %v, %d findings", len(objs), time.Since(start), len(e.Posture().Findings))
	m := &mutator{g: g, ix: ix}
	ctx := context.Background()
	cases := []struct {
		name   string
		change func(i int) []Change
	}{
		{"deployment-privileged-then-compliant", func(i int) []Change {
			d, _ := ix.Get(gkDeploy, fmt.Sprintf("team-%d", i%200), "app-3")
			c, _ := copyOf(d)
			c.Obj.(*appsv1.Deployment).Spec.Template.Spec = g.podSpec("app-3", i%2 == 0)
			return []Change{m.upsert(c)}
		}},
		{"pod-update", func(i int) []Change {
			p, _ := ix.Get(gkPod, fmt.Sprintf("team-%d", i%200), "app-4-5d8f-0")
			c, _ := copyOf(p)
			c.Obj.(*corev1.Pod).Spec = g.podSpec("app-4", i%2 == 0)
			return []Change{m.upsert(c)}
		}},
		{"rolebinding-cluster-admin", func(i int) []Change {
			ns := fmt.Sprintf("team-%d", i%200)
			return []Change{m.upsert(g.binding(ns, fmt.Sprintf("admin-%d", i), "ClusterRole", "cluster-admin", ns, "app-5"))}
		}},
		{"networkpolicy-add", func(i int) []Change {
			return []Change{m.upsert(g.denyAll(fmt.Sprintf("team-%d", i%200), fmt.Sprintf("extra-%d", i)))}
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var lat, cpu []time.Duration
			events := 0
			for i := 0; b.Loop(); i++ {
				changes := tc.change(i)
				c0 := cpuTime()
				t0 := time.Now()
				evs, err := e.Apply(ctx, ix, changes)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
				cpu = append(cpu, cpuTime()-c0)
				events += len(evs)
			}
			pct := func(ds []time.Duration, p float64) float64 {
				ds = slices.Sorted(slices.Values(ds))
				return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(lat, 0.5), "p50-ms")
			b.ReportMetric(pct(lat, 0.99), "p99-ms")
			// CPU time of the whole process (GC included) during Apply: on a shared machine
			// wall time also counts waiting for a core.
			b.ReportMetric(pct(cpu, 0.5), "cpu-p50-ms")
			b.ReportMetric(pct(cpu, 0.99), "cpu-p99-ms")
			b.ReportMetric(float64(events)/float64(len(lat)), "events/op")
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
		})
	}
}
