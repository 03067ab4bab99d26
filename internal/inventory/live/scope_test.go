package live

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory/live/livetest"
)

func TestLoadSecretsAsMetadataOnly(t *testing.T) {
	s := livetest.New(t)
	const value = "hunter2-do-not-leak"
	s.Add(namespace("team-a"), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "db", Labels: map[string]string{"app": "db"},
			Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: `{"stringData":{"password":"` + value + `"}}`}},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{"password": []byte(value)},
		StringData: map[string]string{"token": value},
	})
	res := load(t, s, Options{Kinds: []schema.GroupKind{secretKind}})
	secrets := byKind(res, secretKind)
	if len(secrets) != 1 {
		t.Fatalf("secrets: got %d, want 1", len(secrets))
	}
	sec, ok := secrets[0].Obj.(*corev1.Secret)
	if !ok {
		t.Fatalf("secret decoded as %T, want *corev1.Secret", secrets[0].Obj)
	}
	if sec.Kind != "Secret" || sec.APIVersion != "v1" || sec.Name != "db" || sec.Labels["app"] != "db" || sec.UID == "" {
		t.Errorf("secret metadata lost: %+v", sec)
	}
	if sec.Data != nil || sec.StringData != nil || sec.Type != "" {
		t.Errorf("secret holds more than metadata: %+v", sec)
	}
	if _, ok := sec.Annotations[corev1.LastAppliedConfigAnnotation]; ok {
		t.Error("last-applied-configuration (which carries the data) was kept")
	}
	reqs := listRequests(s, "/secrets")
	if len(reqs) == 0 {
		t.Fatal("secrets were not listed")
	}
	for _, r := range reqs {
		for _, mr := range strings.Split(r.Accept, ",") {
			if !strings.Contains(mr, "as=PartialObjectMetadata") {
				t.Errorf("secrets request %s accepts %q: whole Secrets could be answered", r.Path, mr)
			}
		}
	}
}

func TestLoadSecretsNotAcceptable(t *testing.T) {
	s := livetest.New(t)
	s.Fail("secrets", http.StatusNotAcceptable)
	res := load(t, s, Options{Kinds: []schema.GroupKind{secretKind}})
	if !strings.Contains(res.Denied[secretKind], "cannot list Secrets as metadata only") {
		t.Errorf("denied[Secret] = %q", res.Denied[secretKind])
	}
}

// roundTripFunc lets a test stand in for the transport behind the guard.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSecretGuard(t *testing.T) {
	var sent []string
	g := secretGuard{roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = append(sent, r.URL.Path+" "+r.Header.Get("Accept"))
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
	})}
	do := func(path, accept string) error {
		req, _ := http.NewRequest(http.MethodGet, "https://k8s.example.com"+path, nil)
		req.Header.Set("Accept", accept)
		_, err := g.RoundTrip(req)
		return err
	}
	const metaAccept = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
	for _, p := range []string{"/api/v1/secrets", "/api/v1/namespaces/a/secrets", "/api/v1/namespaces/a/secrets/db", "/proxy/c1/api/v1/secrets"} {
		sent = nil
		if err := do(p, "application/json"); err == nil || len(sent) != 0 {
			t.Errorf("%s with a whole-object Accept: err %v, sent %v; want refused", p, err, sent)
		}
		if err := do(p, metaAccept); err != nil || len(sent) != 1 {
			t.Fatalf("%s with the metadata Accept: err %v, sent %v", p, err, sent)
		}
		if strings.HasSuffix(sent[0], ",application/json") {
			t.Errorf("%s: the plain JSON fallback was not removed: %s", p, sent[0])
		}
	}
	for _, p := range []string{"/api/v1/namespaces/secrets/pods", "/api/v1/namespaces/secrets", "/apis/example.com/v1/secrets", "/api/v1/pods"} {
		sent = nil
		if err := do(p, "application/json"); err != nil || len(sent) != 1 || !strings.HasSuffix(sent[0], " application/json") {
			t.Errorf("%s is not a Secrets request: err %v, sent %v", p, err, sent)
		}
	}
}

func TestLoadRestrictedNamespaces(t *testing.T) {
	s := livetest.New(t)
	s.Add(namespace("team-a"), namespace("team-b"), namespace("team-c"),
		pod("team-a", "a"), pod("team-b", "b"), pod("team-c", "c"))
	s.Forbid("pods", "team-c")
	res := load(t, s, Options{Kinds: []schema.GroupKind{podKind}, Namespaces: []string{"team-a", "team-c"}})
	if got := names(byKind(res, podKind)); got != "team-a/a" {
		t.Errorf("pods: %s, want team-a/a", got)
	}
	if got := names(byKind(res, namespaceKind)); got != "team-a,team-c" {
		t.Errorf("namespaces: %s", got)
	}
	if want := `forbidden: user "alice" cannot list pods in namespace "team-c"`; res.Denied[podKind] != want {
		t.Errorf("denied[Pod] = %q, want %q", res.Denied[podKind], want)
	}
	for _, r := range s.Requests() {
		if r.Path == "/api/v1/pods" || r.Path == "/api/v1/namespaces" || strings.Contains(r.Path, "team-b") {
			t.Errorf("a restricted scan requested %s", r.Path)
		}
	}

	_, err := Load(context.Background(), s.Config(), Options{Namespaces: []string{"team-x"}})
	if err == nil || !strings.Contains(err.Error(), `namespace "team-x" not found`) {
		t.Errorf("unknown namespace: err = %v", err)
	}
}

func TestLoadExcludedNamespaces(t *testing.T) {
	s := livetest.New(t)
	s.Add(namespace("kube-system"), namespace("kube-public"), namespace("team-a"),
		pod("kube-system", "dns"), pod("team-a", "web"))
	res := load(t, s, Options{Kinds: []schema.GroupKind{podKind}, ExcludeNamespaces: []string{"kube-*"}})
	if got := names(byKind(res, podKind)); got != "team-a/web" {
		t.Errorf("pods: %s", got)
	}
	if got := names(byKind(res, namespaceKind)); got != "team-a" {
		t.Errorf("namespaces: %s", got)
	}
	if _, err := Load(context.Background(), s.Config(), Options{ExcludeNamespaces: []string{"kube-["}}); err == nil {
		t.Error("a malformed pattern must be an error")
	}
}

func names(objs []*check.Object) string {
	var out []string
	for _, o := range objs {
		if o.Ref.Namespace == "" {
			out = append(out, o.Ref.Name)
		} else {
			out = append(out, o.Ref.Namespace+"/"+o.Ref.Name)
		}
	}
	return strings.Join(out, ",")
}

func TestLoadProbesAnonymousAccess(t *testing.T) {
	s := livetest.New(t)
	s.AllowAnonymous("/api")
	s.AllowAnonymous("/api/v1/pods")
	res := load(t, s, Options{Kinds: []schema.GroupKind{check.ClusterInfoKind}})
	want := []check.AnonymousProbe{
		{Request: "GET /version", Path: "/version", Status: 200, Allowed: true},
		{Request: "GET /api", Path: "/api", Status: 200, Allowed: true},
		{Request: "GET /apis", Path: "/apis", Status: 403},
		{Request: "list namespaces", Path: "/api/v1/namespaces", Status: 403},
		{Request: "list pods", Path: "/api/v1/pods", Status: 200, Allowed: true},
		{Request: "list configmaps", Path: "/api/v1/configmaps", Status: 403},
	}
	if len(res.Info.Anonymous) != len(want) {
		t.Fatalf("probes: %+v", res.Info.Anonymous)
	}
	for i := range want {
		if res.Info.Anonymous[i] != want[i] {
			t.Errorf("probe %d = %+v, want %+v", i, res.Info.Anonymous[i], want[i])
		}
	}
	anonymous := 0
	for _, r := range s.Requests() {
		if r.Anonymous {
			anonymous++
			if strings.Contains(r.Path, "secrets") {
				t.Errorf("anonymous request for %s", r.Path)
			}
		}
	}
	if anonymous != len(want) {
		t.Errorf("%d requests without credentials, want %d", anonymous, len(want))
	}
	// An unreachable server answers no probe: status 0, never allowed.
	l := &loader{cfg: s.Config(), opts: Options{}.withDefaults()}
	s.Close()
	for _, p := range l.probeAnonymous(context.Background()) {
		if p.Status != 0 || p.Allowed {
			t.Errorf("probe of a closed server: %+v", p)
		}
	}
}

func TestLoadCancelled(t *testing.T) {
	s := livetest.New(t)
	addPods(s, "team-a", 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, s.Config(), Options{Kinds: []schema.GroupKind{podKind}}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
