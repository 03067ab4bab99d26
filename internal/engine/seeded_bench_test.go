package engine

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
)

// The shape of test/e2e's seedScaled, per namespace: 200 pods without controllers, 20 each of
// deployments, services, config maps and service accounts (plus the default one), 10 roles and
// 10 role bindings; ClusterIP services in the first 80 namespaces only.
const (
	seededPodsPerNS   = 200
	seededPerKindNS   = 20
	seededRolesPerNS  = 10
	seededClusterIPNS = 80
	seededObjectsNS   = seededPodsPerNS + 4*seededPerKindNS + 2*seededRolesPerNS
)

// seeded builds the typed objects test/e2e's BenchmarkWatchInitialSync50k creates in a cluster
// for about objects objects, as the informers would hand them over.
func seeded(objects int) []*check.Object {
	g := newCluster(1)
	var objs []*check.Object
	for n := range (objects + seededObjectsNS - 1) / seededObjectsNS {
		ns := fmt.Sprintf("wbench-%03d", n)
		objs = append(objs, g.namespace(ns, map[string]string{"team": ns}), g.serviceAccount(ns, "default"))
		for i := range seededPerKindNS {
			name := fmt.Sprintf("app-%02d", i)
			sa := &corev1.ServiceAccount{ObjectMeta: seededMeta(ns, name), AutomountServiceAccountToken: ptr.To(i%2 == 0)}
			cm := &corev1.ConfigMap{ObjectMeta: seededMeta(ns, name), Data: map[string]string{"app.properties": "log.level=info\n"}}
			svc := &corev1.Service{ObjectMeta: seededMeta(ns, name), Spec: corev1.ServiceSpec{
				Selector: map[string]string{"app": name}, Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}}
			if n >= seededClusterIPNS || i >= 3 {
				svc.Spec.ClusterIP = corev1.ClusterIPNone
			}
			objs = append(objs, g.wrap(sa, "v1", "ServiceAccount"), g.wrap(cm, "v1", "ConfigMap"), g.wrap(svc, "v1", "Service"))
		}
		for i := range seededRolesPerNS {
			name := fmt.Sprintf("role-%02d", i)
			rules := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}}}
			if i%5 == 0 {
				rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets", "pods/exec"}, Verbs: []string{"*"}})
			}
			rb := &rbacv1.RoleBinding{ObjectMeta: seededMeta(ns, name),
				RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
				Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: fmt.Sprintf("app-%02d", i)}}}
			objs = append(objs, g.wrap(&rbacv1.Role{ObjectMeta: seededMeta(ns, name), Rules: rules}, "rbac.authorization.k8s.io/v1", "Role"),
				g.wrap(rb, "rbac.authorization.k8s.io/v1", "RoleBinding"))
		}
		for i := range seededPerKindNS {
			name := fmt.Sprintf("app-%02d", i)
			labels := map[string]string{"app": name}
			d := &appsv1.Deployment{ObjectMeta: seededMeta(ns, name), Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To[int32](10), Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: seededPodSpec(i)}}}
			objs = append(objs, g.wrap(d, "apps/v1", "Deployment"))
		}
		for i := range seededPodsPerNS {
			p := &corev1.Pod{ObjectMeta: seededMeta(ns, fmt.Sprintf("app-%02d-%03d", i%seededPerKindNS, i)), Spec: seededPodSpec(i)}
			p.Labels["app"] = fmt.Sprintf("app-%02d", i%seededPerKindNS)
			objs = append(objs, g.wrap(p, "v1", "Pod"))
		}
	}
	return objs
}

func seededMeta(ns, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: ns,
		Labels:      map[string]string{"app.kubernetes.io/part-of": "bench", "team": ns},
		Annotations: map[string]string{"owner": "team-" + ns + "@example.com"}}
}

// seededPodSpec is test/e2e's podSpec: a third hardened, a few privileged, one or two
// containers.
func seededPodSpec(i int) corev1.PodSpec {
	app := corev1.Container{
		Name:         "app",
		Image:        fmt.Sprintf("registry.example.com/team/app-%02d:1.%d.%d", i%seededPerKindNS, i%7, i%13),
		Ports:        []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
		Env:          []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "CONFIG", Value: "/etc/app/app.properties"}},
		VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app"}, {Name: "tmp", MountPath: "/tmp"}},
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")}},
		ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}},
	}
	switch {
	case i%3 == 0:
		app.SecurityContext = &corev1.SecurityContext{
			RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To[int64](10001), ReadOnlyRootFilesystem: ptr.To(true),
			AllowPrivilegeEscalation: ptr.To(false), Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
		app.Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")}
	case i%25 == 1:
		app.SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
	}
	spec := corev1.PodSpec{
		ServiceAccountName: fmt.Sprintf("app-%02d", i%seededPerKindNS),
		Containers:         []corev1.Container{app},
		Volumes: []corev1.Volume{
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: fmt.Sprintf("app-%02d", i%seededPerKindNS)}}}},
			{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		},
	}
	if i%2 == 1 {
		spec.Containers = append(spec.Containers, corev1.Container{Name: "proxy", Image: "docker.io/envoyproxy/envoy:v1.31.0",
			Args: []string{"--config-path", "/etc/envoy/envoy.yaml"}})
	}
	return spec
}

// heapPeak samples the live heap (objects plus unswept garbage) until stopped.
type heapPeak struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func watchHeap() *heapPeak {
	h := &heapPeak{stop: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			h.peak = max(h.peak, s[0].Value.Uint64()+s[1].Value.Uint64())
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) done() float64 {
	close(h.stop)
	h.wg.Wait()
	return float64(h.peak) / (1 << 20)
}

// writeHeapProfile writes the live heap to path, for go tool pprof.
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFullSeeded50k measures the incremental engine's first Full over the inventory of
// test/e2e's BenchmarkWatchInitialSync50k (about 50,000 objects, every registered check), next to
// Evaluate over the same inventory: wall time, findings, bytes allocated, peak heap and the heap
// still held afterwards (the engine's state, the inventory included). STRATA_BENCH_HEAPPROFILE=FILE
// writes a profile of the heap held after each run.
//
//	go test ./internal/engine -run '^$' -bench FullSeeded50k -benchtime 1x
func BenchmarkFullSeeded50k(b *testing.B) {
	opts := registryOptions(b)
	objs := seeded(50000)
	ix := inventory.NewIndex(objs)
	b.Logf("%d objects", len(objs))
	measure := func(b *testing.B, run func() (findings int, keep any)) {
		var keep any
		for b.Loop() {
			keep = nil
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			h := watchHeap()
			start, cpu0 := time.Now(), cpuTime()
			n, k := run()
			wall, cpu := time.Since(start), cpuTime()-cpu0
			peak := h.done()
			runtime.ReadMemStats(&after)
			keep = k
			runtime.GC()
			if path := os.Getenv("STRATA_BENCH_HEAPPROFILE"); path != "" {
				writeHeapProfile(b, path)
			}
			var held runtime.MemStats
			runtime.ReadMemStats(&held)
			b.ReportMetric(wall.Seconds(), "wall-s")
			// CPU time of the whole process, GC included: on a shared machine wall time
			// also counts waiting for a core.
			b.ReportMetric(cpu.Seconds(), "cpu-s")
			b.ReportMetric(float64(n), "findings")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "alloc-MiB")
			b.ReportMetric(peak, "peak-heap-MiB")
			b.ReportMetric(float64(held.HeapAlloc)/(1<<20), "held-heap-MiB")
			b.ReportMetric(float64(before.HeapAlloc)/(1<<20), "inventory-heap-MiB")
		}
		runtime.KeepAlive(keep)
	}
	b.Run("evaluate", func(b *testing.B) {
		measure(b, func() (int, any) {
			p, err := Evaluate(context.Background(), ix, opts)
			if err != nil {
				b.Fatal(err)
			}
			return len(p.Findings), p
		})
	})
	b.Run("incremental-full", func(b *testing.B) {
		measure(b, func() (int, any) {
			e := NewIncremental(opts)
			evs, err := e.Full(context.Background(), ix)
			if err != nil {
				b.Fatal(err)
			}
			if len(evs) != len(e.Posture().Findings) {
				b.Fatalf("%d events for %d findings", len(evs), len(e.Posture().Findings))
			}
			return len(e.Posture().Findings), e
		})
	})
}
