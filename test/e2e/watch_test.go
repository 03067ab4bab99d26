package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/watch"
	"github.com/strata-sec/strata/test/cluster"
)

// eventWait is how long a test waits for an event after the write that causes it.
const eventWait = 10 * time.Second

// recorder runs a Watcher and keeps every batch it publishes.
type recorder struct {
	w    *watch.Watcher
	done chan error

	mu      sync.Mutex
	events  []posture.Event
	batches []watch.Batch
	arrived []time.Time // arrival time of each event
	signal  chan struct{}
}

// startWatcher runs a watcher with every registered check over cfg's cluster, restricted to
// namespaces (none: all), and waits until it is ready.
func startWatcher(t *testing.T, cfg *rest.Config, namespaces ...string) *recorder {
	t.Helper()
	return startWatcherWith(t, cfg, watch.Options{Live: live.Options{Namespaces: namespaces}})
}

// startWatcherWith is startWatcher with options; every registered check is run.
func startWatcherWith(t *testing.T, cfg *rest.Config, opts watch.Options) *recorder {
	t.Helper()
	reg, err := checks.Registry()
	if err != nil {
		t.Fatal(err)
	}
	opts.Engine.Checks = reg.All()
	opts.Live.QPS, opts.Live.Burst = 200, 400
	w, err := watch.New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &recorder{w: w, done: make(chan error, 1), signal: make(chan struct{}, 1)}
	ch, _ := w.Subscribe(1 << 14)
	go func() { r.done <- w.Run(ctx) }()
	go r.collect(ch)
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("watcher: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("the watcher did not stop within 30 s of its context ending")
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		ok, why := w.Ready()
		if ok {
			break
		}
		select {
		case err := <-r.done:
			t.Fatalf("the watcher stopped before it was ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the watcher is not ready after 90 s: %s", why)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Ready is set as the initial batch is published; the collector may not have it yet.
	for {
		r.mu.Lock()
		n := len(r.batches)
		r.mu.Unlock()
		if n > 0 {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatal("ready, but no initial batch was published")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *recorder) collect(ch <-chan watch.Batch) {
	for b := range ch {
		now := time.Now()
		r.mu.Lock()
		r.batches = append(r.batches, b)
		for _, e := range b.Events {
			r.events = append(r.events, e)
			r.arrived = append(r.arrived, now)
		}
		r.mu.Unlock()
		select {
		case r.signal <- struct{}{}:
		default:
		}
	}
}

// mark is a position in the event log.
func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// since returns the events after mark.
func (r *recorder) since(mark int) []posture.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events[mark:])
}

// await waits for an event after mark that matches, and returns it with its arrival time.
func (r *recorder) await(t *testing.T, mark int, what string, match func(posture.Event) bool) (posture.Event, time.Time) {
	t.Helper()
	deadline := time.After(eventWait)
	for {
		r.mu.Lock()
		for i := mark; i < len(r.events); i++ {
			if match(r.events[i]) {
				e, at := r.events[i], r.arrived[i]
				r.mu.Unlock()
				return e, at
			}
		}
		r.mu.Unlock()
		select {
		case <-r.signal:
		case <-deadline:
			t.Fatalf("no %s within %s; events since:\n%s", what, eventWait, describe(r.since(mark)))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func describe(evs []posture.Event) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "  %s %s %s %s (%s)\n", e.Type, e.Finding.Check.ID, e.Finding.Object.Kind, objectPath(e.Finding.Object), e.Cause)
	}
	return b.String()
}

func objectPath(r check.Ref) string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// is matches events of one type and check on one object.
func is(typ posture.EventType, checkID, kind, ns, name string) func(posture.Event) bool {
	return func(e posture.Event) bool {
		f := e.Finding
		return e.Type == typ && f.Check.ID == checkID && f.Object.Kind == kind && f.Object.Namespace == ns && f.Object.Name == name
	}
}

func privilegedDeployment(ns, name, sa string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					ServiceAccountName: sa,
					Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/app:1.0",
						SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)}}},
				},
			},
		},
	}
}

// setPrivileged updates the deployment's container to privileged or not.
func setPrivileged(ctx context.Context, cs kubernetes.Interface, ns, name string, on bool) error {
	d, err := cs.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	d.Spec.Template.Spec.Containers[0].SecurityContext.Privileged = ptr.To(on)
	_, err = cs.AppsV1().Deployments(ns).Update(ctx, d, metav1.UpdateOptions{})
	return err
}

// TestWatchEvents drives a watcher through the life of a workload: each write must produce
// the posture change it causes within seconds, and nothing else about the object.
func TestWatchEvents(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	const ns = "e2e-watch"
	if _, err := c.CreateNamespace(ctx, ns, nil); err != nil {
		t.Fatal(err)
	}
	cs := kubernetes.NewForConfigOrDie(c.AdminConfig())
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "app"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deleteAllIn(cs, ns) })
	r := startWatcher(t, c.AdminConfig(), ns)
	if st := r.w.Status(); !st.Synced || st.Objects == 0 || len(st.Kinds) == 0 {
		t.Fatalf("status after ready: %+v", st)
	}
	r.mu.Lock()
	first := r.batches[0]
	r.mu.Unlock()
	if !first.Initial || !first.Full {
		t.Errorf("the first batch is not the initial full evaluation: %+v", first)
	}
	// Before any policy, the namespace has no default-deny ingress policy.
	if !slices.ContainsFunc(first.Events, is(posture.EventNew, "ST-0230", "Namespace", "", ns)) {
		t.Fatalf("the initial posture has no ST-0230 finding on namespace %s:\n%s", ns, describe(first.Events))
	}

	// A privileged workload: new ST-0001 (PSS privileged), caused by the add.
	m := r.mark()
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, privilegedDeployment(ns, "web", "app"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e, _ := r.await(t, m, "new ST-0001 on the privileged deployment", is(posture.EventNew, "ST-0001", "Deployment", ns, "web"))
	if !strings.HasPrefix(e.Cause, "add Deployment/"+ns+"/web") {
		t.Errorf("cause = %q", e.Cause)
	}
	if e.Manager == "" {
		t.Errorf("no field manager on an event of a created object")
	}
	for _, k := range r.w.Status().Kinds {
		if k.Name == "Deployment.apps" && (k.Objects != 1 || !k.Synced || k.Error != "" || k.Denied != "") {
			t.Errorf("status of deployments in a watch of %s: %+v, want 1 object", ns, k)
		}
	}

	// Made to comply: resolved.
	m = r.mark()
	if err := setPrivileged(ctx, cs, ns, "web", false); err != nil {
		t.Fatal(err)
	}
	r.await(t, m, "resolved ST-0001 after the fix", is(posture.EventResolved, "ST-0001", "Deployment", ns, "web"))

	// Its service account bound to cluster-admin: the token it automounts is exposed.
	m = r.mark()
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "e2e-watch-app-admin"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: "app"}},
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), crb.Name, metav1.DeleteOptions{})
	})
	r.await(t, m, "new ST-0196 on the workload", is(posture.EventNew, "ST-0196", "Deployment", ns, "web"))

	// A default-deny policy isolates the namespace.
	m = r.mark()
	deny := &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "default-deny", Namespace: ns},
		Spec:       networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}},
	}
	if _, err := cs.NetworkingV1().NetworkPolicies(ns).Create(ctx, deny, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	r.await(t, m, "resolved ST-0230 after the default-deny policy", is(posture.EventResolved, "ST-0230", "Namespace", "", ns))
	r.await(t, m, "resolved ST-0231 after the default-deny policy", is(posture.EventResolved, "ST-0231", "Namespace", "", ns))

	// Deleted: every finding on it resolved, none left in the posture.
	onWeb := func(f *posture.Finding) bool {
		return f.Object.Kind == "Deployment" && f.Object.Namespace == ns && f.Object.Name == "web"
	}
	var open []string
	for _, f := range r.w.Posture().Findings {
		if onWeb(f) {
			open = append(open, f.Check.ID)
		}
	}
	if len(open) == 0 {
		t.Fatal("the posture holds no finding on the deployment before its deletion")
	}
	m = r.mark()
	if err := cs.AppsV1().Deployments(ns).Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, id := range open {
		r.await(t, m, "resolved "+id+" after the deletion", is(posture.EventResolved, id, "Deployment", ns, "web"))
	}
	for _, f := range r.w.Posture().Findings {
		if onWeb(f) {
			t.Errorf("finding %s still on the deleted deployment", f.Check.ID)
		}
	}
	for _, e := range r.since(m) {
		if e.Type == posture.EventNew && onWeb(e.Finding) {
			t.Errorf("new event for a deleted object: %s", e.Finding.Check.ID)
		}
	}
	measureLatency(t, r, cs, ns)
}

// deleteAllIn removes what the watch tests create in ns, so later tests that scan the shared
// cluster do not see it (without kube-controller-manager, deleting the namespace would not).
func deleteAllIn(cs kubernetes.Interface, ns string) {
	ctx := context.Background()
	all := metav1.ListOptions{}
	_ = cs.AppsV1().Deployments(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, all)
	_ = cs.CoreV1().Pods(ns).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}, all)
	_ = cs.CoreV1().Secrets(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, all)
	_ = cs.CoreV1().ConfigMaps(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, all)
	_ = cs.NetworkingV1().NetworkPolicies(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, all)
}

// measureLatency toggles a deployment between privileged and not, 50 times, each time timing
// the write (from just before the request) to the event it causes.
func measureLatency(t *testing.T, r *recorder, cs kubernetes.Interface, ns string) {
	ctx := t.Context()
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, privilegedDeployment(ns, "latency", "default"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	r.await(t, 0, "new ST-0001 on the latency deployment", is(posture.EventNew, "ST-0001", "Deployment", ns, "latency"))
	var lat []time.Duration
	for i := range 50 {
		on := i%2 == 1
		want := posture.EventResolved
		if on {
			want = posture.EventNew
		}
		m := r.mark()
		start := time.Now()
		if err := setPrivileged(ctx, cs, ns, "latency", on); err != nil {
			t.Fatal(err)
		}
		_, at := r.await(t, m, fmt.Sprintf("%s ST-0001 after write %d", want, i), is(want, "ST-0001", "Deployment", ns, "latency"))
		lat = append(lat, at.Sub(start))
	}
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	t.Logf("write → event latency over %d writes: p50 %s, p99 %s, max %s", len(lat),
		p50.Round(time.Millisecond), p99.Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	if p99 > 5*time.Second {
		t.Errorf("p99 write → event latency %s exceeds 5 s", p99)
	}
}

// TestWatchResync: periodic full evaluations publish Full batches; with nothing changed they
// carry no events (the incremental posture had not drifted) and move LastFull on.
func TestWatchResync(t *testing.T) {
	c := cluster.Get(t)
	const ns = "e2e-watch-resync"
	if _, err := c.CreateNamespace(t.Context(), ns, nil); err != nil {
		t.Fatal(err)
	}
	r := startWatcherWith(t, c.AdminConfig(), watch.Options{Live: live.Options{Namespaces: []string{ns}}, Resync: 500 * time.Millisecond})
	first := r.w.Status().LastFull
	deadline := time.Now().Add(20 * time.Second)
	for {
		r.mu.Lock()
		var resyncs []watch.Batch
		for _, b := range r.batches {
			if b.Full && !b.Initial {
				resyncs = append(resyncs, b)
			}
		}
		r.mu.Unlock()
		if len(resyncs) >= 2 {
			for _, b := range resyncs {
				if len(b.Events) != 0 {
					t.Errorf("a resync of an unchanged cluster has events:\n%s", describe(b.Events))
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d resyncs within 20 s at a 500 ms period", len(resyncs))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st := r.w.Status(); !st.LastFull.After(first) || !st.Synced {
		t.Errorf("status after resyncs: %+v (first full %s)", st, first)
	}
}

// TestWatchSurvivesAPIServerRestart stops kube-apiserver under a synced watcher, changes the
// cluster the moment it is back (while the informers relist or back off), and requires the
// watcher to notice exactly those changes: a resolved event for the deleted workload, a new
// one for the created workload, and no second new event for findings it already had.
func TestWatchSurvivesAPIServerRestart(t *testing.T) {
	cluster.SkipIfRequested(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	c, err := cluster.Start(ctx, cluster.Options{})
	if err != nil {
		t.Fatalf("starting a private cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("stopping the private cluster: %v", err)
		}
	})
	const ns = "e2e-restart"
	if _, err := c.CreateNamespace(ctx, ns, nil); err != nil {
		t.Fatal(err)
	}
	cs := kubernetes.NewForConfigOrDie(c.AdminConfig())
	for _, name := range []string{"keep", "gone"} {
		if _, err := cs.AppsV1().Deployments(ns).Create(ctx, privilegedDeployment(ns, name, "default"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	r := startWatcher(t, c.AdminConfig())
	before := map[string]bool{}
	for _, f := range r.w.Posture().Findings {
		before[f.Key()] = true
	}
	for _, name := range []string{"keep", "gone"} {
		if !slices.ContainsFunc(r.since(0), is(posture.EventNew, "ST-0001", "Deployment", ns, name)) {
			t.Fatalf("no initial ST-0001 on %s", name)
		}
	}
	m := r.mark()

	if err := c.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	// The informers notice: the status stops claiming a complete posture.
	down := time.Now().Add(60 * time.Second)
	for {
		if ok, _ := r.w.Ready(); !ok {
			break
		}
		if time.Now().After(down) {
			t.Fatal("the watcher still reports ready 60 s after the API server stopped")
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, why := r.w.Ready()
	t.Logf("while the API server is down: not ready: %s", why)
	if err := c.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cs.AppsV1().Deployments(ns).Delete(ctx, "gone", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, privilegedDeployment(ns, "fresh", "default"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	r.awaitLong(t, m, "resolved ST-0001 on the deleted workload", is(posture.EventResolved, "ST-0001", "Deployment", ns, "gone"))
	r.awaitLong(t, m, "new ST-0001 on the created workload", is(posture.EventNew, "ST-0001", "Deployment", ns, "fresh"))

	up := time.Now().Add(90 * time.Second)
	for {
		ok, why := r.w.Ready()
		if ok {
			break
		}
		if time.Now().After(up) {
			t.Fatalf("the watcher is not ready 90 s after the API server came back: %s", why)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, e := range r.since(m) {
		if e.Type == posture.EventNew && before[e.Finding.Key()] {
			t.Errorf("a second new event for a finding present before the restart: %s on %s (%s)",
				e.Finding.Check.ID, objectPath(e.Finding.Object), e.Cause)
		}
		if e.Finding.Object.Name == "keep" {
			t.Errorf("event about the untouched workload: %s %s (%s)", e.Type, e.Finding.Check.ID, e.Cause)
		}
	}
	if !slices.ContainsFunc(r.w.Posture().Findings, func(f *posture.Finding) bool {
		return f.Check.ID == "ST-0001" && f.Object.Name == "keep"
	}) {
		t.Error("the untouched workload's finding is gone from the posture")
	}
}

// awaitLong is await with room for the informers' back-off after an outage.
func (r *recorder) awaitLong(t *testing.T, mark int, what string, match func(posture.Event) bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if slices.ContainsFunc(r.since(mark), match) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %s within 90 s; events since:\n%s", what, describe(r.since(mark)))
}
