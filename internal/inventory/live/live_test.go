package live

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory/live/livetest"
)

var (
	podKind        = schema.GroupKind{Kind: "Pod"}
	secretKind     = schema.GroupKind{Kind: "Secret"}
	deploymentKind = schema.GroupKind{Group: "apps", Kind: "Deployment"}
	netpolKind     = schema.GroupKind{Group: "networking.k8s.io", Kind: "NetworkPolicy"}
	widgetKind     = schema.GroupKind{Group: "example.com", Kind: "Widget"}
)

func namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

func pod(ns, name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/app:1.0"}}},
	}
}

func load(t *testing.T, s *livetest.Server, opts Options) *Result {
	t.Helper()
	res, err := Load(context.Background(), s.Config(), opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return res
}

// byKind returns the loaded objects of one kind.
func byKind(res *Result, gk schema.GroupKind) []*check.Object {
	var out []*check.Object
	for _, o := range res.Objects {
		if o.Ref.GroupKind() == gk {
			out = append(out, o)
		}
	}
	return out
}

// listRequests returns the authenticated requests for a resource path suffix ("/pods").
func listRequests(s *livetest.Server, suffix string) []livetest.Request {
	var out []livetest.Request
	for _, r := range s.Requests() {
		if !r.Anonymous && strings.HasSuffix(r.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

func TestLoadTypedObjects(t *testing.T) {
	s := livetest.New(t)
	s.Serve(livetest.Resource{Group: "example.com", Version: "v1", Resource: "widgets", Kind: "Widget", Namespaced: true, Custom: true})
	p := pod("team-a", "web")
	p.UID = "3f1c2a9e-0000-4000-8000-000000000001"
	p.Annotations = map[string]string{corev1.LastAppliedConfigAnnotation: `{"kind":"Pod"}`, "team": "a"}
	p.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}}
	w := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "example.com/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w1", "namespace": "team-a"}, "spec": map[string]any{"size": int64(3)}}}
	s.Add(namespace("team-a"), p, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "api"}}, w,
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "web"}})

	res := load(t, s, Options{Kinds: []schema.GroupKind{podKind, deploymentKind, widgetKind}})

	pods := byKind(res, podKind)
	if len(pods) != 1 {
		t.Fatalf("pods: got %d, want 1", len(pods))
	}
	got, ok := pods[0].Obj.(*corev1.Pod)
	if !ok {
		t.Fatalf("pod decoded as %T, want *corev1.Pod", pods[0].Obj)
	}
	if got.APIVersion != "v1" || got.Kind != "Pod" {
		t.Errorf("pod TypeMeta = %q %q, want v1 Pod", got.APIVersion, got.Kind)
	}
	wantRef := check.Ref{APIVersion: "v1", Kind: "Pod", Namespace: "team-a", Name: "web", UID: string(p.UID)}
	if pods[0].Ref != wantRef {
		t.Errorf("ref = %+v, want %+v", pods[0].Ref, wantRef)
	}
	if pods[0].Meta.GetName() != "web" || pods[0].Source != (check.Location{}) {
		t.Errorf("meta name %q, source %+v: want web and no file", pods[0].Meta.GetName(), pods[0].Source)
	}
	if got.ManagedFields != nil || got.Annotations[corev1.LastAppliedConfigAnnotation] != "" || got.Annotations["team"] != "a" {
		t.Errorf("pod not scrubbed: managedFields %v, annotations %v", got.ManagedFields, got.Annotations)
	}
	if got.Spec.Containers[0].Image != "registry.example.com/app:1.0" {
		t.Errorf("pod spec lost: %+v", got.Spec)
	}
	if d := byKind(res, deploymentKind); len(d) != 1 || d[0].Obj.(*appsv1.Deployment).Kind != "Deployment" {
		t.Errorf("deployments: %+v", d)
	}
	ws := byKind(res, widgetKind)
	if len(ws) != 1 {
		t.Fatalf("widgets: got %d, want 1", len(ws))
	}
	if u, ok := ws[0].Obj.(*unstructured.Unstructured); !ok || u.Object["spec"] == nil {
		t.Errorf("custom resource decoded as %T %v, want unstructured with its spec", ws[0].Obj, ws[0].Obj)
	}
	if ns := byKind(res, namespaceKind); len(ns) != 1 || ns[0].Obj.(*corev1.Namespace).Kind != "Namespace" {
		t.Errorf("namespaces are always listed: got %+v", ns)
	}
	if len(listRequests(s, "/services")) != 0 {
		t.Error("services were listed although no check reads them")
	}
	last := res.Objects[len(res.Objects)-1]
	if last.Ref != (check.Ref{APIVersion: "strata.dev/v1alpha1", Kind: "ClusterInfo", Name: "cluster"}) || last.Obj != res.Info {
		t.Errorf("last object is %+v, want the ClusterInfo", last.Ref)
	}
	if res.Info.GitVersion != livetest.GitVersion || res.Info.Platform != "linux/amd64" || res.Info.Server != s.URL {
		t.Errorf("cluster info = %+v", res.Info)
	}
	if res.Info.Anonymous != nil {
		t.Errorf("anonymous probes sent although no check reads ClusterInfo: %+v", res.Info.Anonymous)
	}
	if len(res.Denied) != 0 {
		t.Errorf("denied: %v", res.Denied)
	}
}

func addPods(s *livetest.Server, ns string, n int) {
	for i := range n {
		s.Add(pod(ns, fmt.Sprintf("pod-%05d", i)))
	}
}

func TestLoadPaginates(t *testing.T) {
	s := livetest.New(t)
	addPods(s, "team-a", 1234)
	var progress []int
	res := load(t, s, Options{Kinds: []schema.GroupKind{podKind}, Progress: func(resource string, n int) {
		if resource == "pods" {
			progress = append(progress, n)
		}
	}})
	if n := len(byKind(res, podKind)); n != 1234 {
		t.Errorf("pods: got %d, want 1234", n)
	}
	reqs := listRequests(s, "/pods")
	var conts []string
	for _, r := range reqs {
		q, _ := url.ParseQuery(r.RawQuery)
		if q.Get("limit") != "500" {
			t.Errorf("page request %s?%s: want limit=500", r.Path, r.RawQuery)
		}
		conts = append(conts, q.Get("continue"))
	}
	if want := []string{"", "offset-500", "offset-1000"}; !slices.Equal(conts, want) {
		t.Errorf("continue tokens sent: %q, want %q", conts, want)
	}
	if want := []int{500, 1000, 1234}; !slices.Equal(progress, want) {
		t.Errorf("progress: %v, want %v", progress, want)
	}
	seen := map[string]bool{}
	for _, o := range byKind(res, podKind) {
		if seen[o.Ref.Name] {
			t.Fatalf("%s listed twice", o.Ref.Name)
		}
		seen[o.Ref.Name] = true
	}
}

// An expired continue token (410 Gone) must not leave a partial or duplicated list: the pager
// throws away the pages read so far and lists everything again from scratch.
func TestLoadRelistsWhenContinueExpires(t *testing.T) {
	s := livetest.New(t)
	addPods(s, "team-a", 1100)
	s.ExpireContinue("pods", 1)
	var last int
	res := load(t, s, Options{Kinds: []schema.GroupKind{podKind}, Progress: func(_ string, n int) { last = n }})
	pods := byKind(res, podKind)
	if len(pods) != 1100 {
		t.Fatalf("pods: got %d, want 1100", len(pods))
	}
	names := map[string]bool{}
	for _, o := range pods {
		names[o.Ref.Name] = true
	}
	if len(names) != 1100 {
		t.Errorf("%d distinct pods among %d", len(names), len(pods))
	}
	reqs := listRequests(s, "/pods")
	if len(reqs) != 3 {
		t.Fatalf("requests: %+v, want first page, expired page, relist", reqs)
	}
	if q, _ := url.ParseQuery(reqs[1].RawQuery); q.Get("continue") == "" {
		t.Errorf("second request %q carries no continue token", reqs[1].RawQuery)
	}
	if q, _ := url.ParseQuery(reqs[2].RawQuery); q.Get("continue") != "" {
		t.Errorf("relist %q must start from scratch", reqs[2].RawQuery)
	}
	if last != 1100 {
		t.Errorf("progress ended at %d, want 1100 (the count restarts with the relist)", last)
	}
}

func TestLoadDeniesForbiddenAndUnservedKinds(t *testing.T) {
	s := livetest.New(t)
	s.Add(namespace("team-a"), pod("team-a", "web"), &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "api"}})
	s.Forbid("pods", "")
	s.Unserve("networkpolicies.networking.k8s.io")
	res := load(t, s, Options{Kinds: []schema.GroupKind{podKind, netpolKind, deploymentKind, widgetKind}})
	want := map[schema.GroupKind]string{
		podKind:    `forbidden: user "alice" cannot list pods`,
		netpolKind: notServed,
		widgetKind: notServed,
	}
	for gk, reason := range want {
		if res.Denied[gk] != reason {
			t.Errorf("denied[%s] = %q, want %q", gk, res.Denied[gk], reason)
		}
		if ok, why := res.Index().Assessable(gk); ok || why != reason {
			t.Errorf("index: Assessable(%s) = %v %q", gk, ok, why)
		}
	}
	if len(res.Denied) != len(want) {
		t.Errorf("denied: %v", res.Denied)
	}
	if len(byKind(res, deploymentKind)) != 1 {
		t.Error("the scan must go on after a denied kind")
	}
}

func TestLoadFailsOnOtherErrors(t *testing.T) {
	s := livetest.New(t)
	s.Fail("deployments.apps", 500)
	_, err := Load(context.Background(), s.Config(), Options{Kinds: []schema.GroupKind{podKind, deploymentKind}})
	if err == nil || !strings.Contains(err.Error(), "list deployments.apps") {
		t.Fatalf("err = %v, want a list deployments.apps error", err)
	}
}

func TestLoadUnreachableOrRejected(t *testing.T) {
	s := livetest.New(t)
	cfg := s.Config()
	cfg.BearerToken = "wrong"
	_, err := Load(context.Background(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "rejected the credentials") {
		t.Errorf("bad token: err = %v", err)
	}

	cfg = s.Config()
	cfg.BearerToken = "" // anonymous: may read /version, not discovery
	_, err = Load(context.Background(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "forbidden: the user may not read API discovery") {
		t.Errorf("discovery forbidden: err = %v", err)
	}

	gone := livetest.New(t)
	cfg = gone.Config()
	gone.Close()
	_, err = Load(context.Background(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "cannot reach the API server at "+cfg.Host) {
		t.Errorf("closed server: err = %v", err)
	}
}
