package live_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/test/cluster"
)

// changeLog collects an Informers sink's changes.
type changeLog struct {
	mu      sync.Mutex
	changes []live.Change
}

func (l *changeLog) add(c live.Change) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes = append(l.changes, c)
}

// last returns the latest change of one object, and whether there was one.
func (l *changeLog) last(gk schema.GroupKind, ns, name string) (live.Change, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.changes) - 1; i >= 0; i-- {
		c := l.changes[i]
		if c.Kind == gk && c.Namespace == ns && c.Name == name {
			return c, true
		}
	}
	return live.Change{}, false
}

// wireLog records the Accept header of every Secrets request as it leaves for the server.
type wireLog struct {
	mu      sync.Mutex
	next    http.RoundTripper
	secrets []string
}

func (w *wireLog) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.Contains(req.URL.Path, "/secrets") {
		w.mu.Lock()
		w.secrets = append(w.secrets, req.URL.RawQuery+" accept="+req.Header.Get("Accept"))
		w.mu.Unlock()
	}
	return w.next.RoundTrip(req)
}

func waitSynced(t *testing.T, in *live.Informers) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !in.HasSynced() {
		if time.Now().After(deadline) {
			t.Fatalf("informers not synced after 30 s: %+v", in.States())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestInformersFromRealAPIServer watches a seeded namespace: objects arrive typed and
// scrubbed with their field manager, Secrets as metadata only (on the wire too, watches
// included), excluded namespaces never, and a deletion as a change without an object.
func TestInformersFromRealAPIServer(t *testing.T) {
	c := cluster.Get(t)
	const ns = "live-informers"
	seed(t, c, ns)
	cfg := c.AdminConfig()
	wire := &wireLog{}
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { wire.next = rt; return wire })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	log := &changeLog{}
	in, err := live.StartInformers(ctx, cfg, live.Options{
		Kinds:             []schema.GroupKind{deploymentGK, secretGK, widgetGK, check.ClusterInfoKind},
		ExcludeNamespaces: []string{"kube-*"},
	}, log.add)
	if err != nil {
		t.Fatal(err)
	}
	waitSynced(t, in)

	dep, ok := log.last(deploymentGK, ns, "web")
	if !ok || dep.Object == nil {
		t.Fatal("no change for the seeded deployment")
	}
	if _, typed := dep.Object.Obj.(*appsv1.Deployment); !typed || dep.Object.Ref.APIVersion != "apps/v1" {
		t.Errorf("deployment arrived as %T (%s)", dep.Object.Obj, dep.Object.Ref.APIVersion)
	}
	if dep.Object.Manager == "" || dep.Object.Meta.GetManagedFields() != nil {
		t.Errorf("manager %q, managedFields %v: want the manager recorded and the fields dropped",
			dep.Object.Manager, dep.Object.Meta.GetManagedFields())
	}
	sec, ok := log.last(secretGK, ns, "db")
	if !ok || sec.Object == nil {
		t.Fatal("no change for the seeded secret")
	}
	s, _ := sec.Object.Obj.(*corev1.Secret)
	if s == nil || len(s.Data) != 0 || len(s.StringData) != 0 || s.Labels["tier"] != "data" {
		t.Errorf("secret arrived as %#v, want metadata only", sec.Object.Obj)
	}
	if _, ok := s.Annotations[corev1.LastAppliedConfigAnnotation]; ok {
		t.Error("the secret kept its last-applied-configuration")
	}
	if w, ok := log.last(widgetGK, ns, "w1"); !ok || w.Object == nil {
		t.Error("no change for the custom resource")
	}
	wire.mu.Lock()
	sawWatch := false
	for _, r := range wire.secrets {
		sawWatch = sawWatch || strings.Contains(r, "watch=true")
		for _, rng := range strings.Split(r[strings.Index(r, "accept=")+len("accept="):], ",") {
			if !strings.Contains(rng, "as=PartialObjectMetadata") {
				t.Errorf("a Secrets request accepted whole objects: %s", r)
			}
		}
	}
	wire.mu.Unlock()
	if !sawWatch {
		t.Errorf("no Secrets watch request seen; requests: %v", wire.secrets)
	}
	if _, ok := log.last(namespaceGK, "", "kube-system"); ok {
		t.Error("an excluded namespace was passed on")
	}
	info, err := in.ClusterInfo(ctx)
	if err != nil || info.Obj.(*check.ClusterInfo).GitVersion != cluster.KubernetesVersion || info.Obj.(*check.ClusterInfo).Anonymous == nil {
		t.Errorf("cluster info = %+v, %v", info, err)
	}

	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	if err := admin.AppsV1().Deployments(ns).Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, ok := log.last(deploymentGK, ns, "web"); ok && c.Object == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no deletion change within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, st := range in.States() {
		if !st.Synced || st.Error != "" || st.Denied != "" {
			t.Errorf("state of %s: %+v", st.Kind, st)
		}
	}
}

// TestInformersAsLimitedUser: kinds the user may not list are denied with the loader's reason
// and get no informer, so the informers still sync.
func TestInformersAsLimitedUser(t *testing.T) {
	c := cluster.Get(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	in, err := live.StartInformers(ctx, c.LimitedConfig(), live.Options{Kinds: []schema.GroupKind{podGK, secretGK}}, func(live.Change) {})
	if err != nil {
		t.Fatal(err)
	}
	waitSynced(t, in)
	want := map[schema.GroupKind]string{
		namespaceGK: `forbidden: user "limited" cannot list namespaces`,
		podGK:       `forbidden: user "limited" cannot list pods`,
		secretGK:    `forbidden: user "limited" cannot list secrets`,
	}
	got := in.Denied()
	for gk, reason := range want {
		if got[gk] != reason {
			t.Errorf("denied[%s] = %q, want %q", gk, got[gk], reason)
		}
	}
	for _, st := range in.States() {
		if st.Denied == "" {
			t.Errorf("%s not denied: %+v", st.Kind, st)
		}
	}
}
