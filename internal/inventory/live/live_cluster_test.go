package live_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory/live"
	"github.com/strata-sec/strata/test/cluster"
)

func TestMain(m *testing.M) { os.Exit(cluster.Main(m)) }

var (
	podGK        = schema.GroupKind{Kind: "Pod"}
	secretGK     = schema.GroupKind{Kind: "Secret"}
	configMapGK  = schema.GroupKind{Kind: "ConfigMap"}
	namespaceGK  = schema.GroupKind{Kind: "Namespace"}
	deploymentGK = schema.GroupKind{Group: "apps", Kind: "Deployment"}
	widgetGK     = schema.GroupKind{Group: "strata-test.example.com", Kind: "Widget"}
)

const canary = "canary-real-secret-value"

// seed creates, as the admin, a namespace with a Deployment, a Secret applied the kubectl way
// (its data copied into last-applied-configuration), seven ConfigMaps and a custom resource.
func seed(t *testing.T, c *cluster.Cluster, ns string) {
	t.Helper()
	ctx := t.Context()
	if _, err := c.CreateNamespace(ctx, ns, nil); err != nil {
		t.Fatal(err)
	}
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	labels := map[string]string{"app": "web"}
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "registry.k8s.io/pause:3.10"}}},
			},
		},
	}
	if _, err := admin.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create deployment: %v", err)
	}
	sec := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db", Labels: map[string]string{"tier": "data"},
			Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: `{"stringData":{"password":"` + canary + `"}}`}},
		StringData: map[string]string{"password": canary},
	}
	if _, err := admin.CoreV1().Secrets(ns).Create(ctx, sec, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create secret: %v", err)
	}
	for i := range 7 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%d", i)}}
		if _, err := admin.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create configmap: %v", err)
		}
	}
	createWidget(t, c, ns)
}

// createWidget installs the Widget CRD (once) and creates a Widget in ns, waiting for the CRD
// to be served.
func createWidget(t *testing.T, c *cluster.Cluster, ns string) {
	t.Helper()
	ctx := t.Context()
	dyn := dynamic.NewForConfigOrDie(c.AdminConfig())
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "widgets.strata-test.example.com"},
		"spec": map[string]any{
			"group": widgetGK.Group, "scope": "Namespaced",
			"names": map[string]any{"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
			"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}},
		},
	}}
	crdGVR := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	if _, err := dyn.Resource(crdGVR).Create(ctx, crd, metav1.CreateOptions{}); err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("create CRD: %v", err)
	}
	w := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": widgetGK.Group + "/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w1"}, "spec": map[string]any{"size": int64(3)},
	}}
	gvr := schema.GroupVersionResource{Group: widgetGK.Group, Version: "v1", Resource: "widgets"}
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := dyn.Resource(gvr).Namespace(ns).Create(ctx, w, metav1.CreateOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("the Widget CRD was not served in time: %v", err)
	}
}

func inNamespace(res *live.Result, gk schema.GroupKind, ns string) []*check.Object {
	var out []*check.Object
	for _, o := range res.Objects {
		if o.Ref.GroupKind() == gk && (o.Ref.Namespace == ns || gk == namespaceGK && o.Ref.Name == ns) {
			out = append(out, o)
		}
	}
	return out
}

func TestLoadFromRealAPIServer(t *testing.T) {
	c := cluster.Get(t)
	const ns = "live-load"
	seed(t, c, ns)
	var pages []int
	res, err := live.Load(t.Context(), c.AdminConfig(), live.Options{
		Kinds:    []schema.GroupKind{deploymentGK, secretGK, configMapGK, widgetGK, check.ClusterInfoKind},
		PageSize: 3,
		Progress: func(resource string, n int) {
			if resource == "configmaps" {
				pages = append(pages, n)
			}
		},
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(res.Denied) != 0 {
		t.Errorf("the admin was denied: %v", res.Denied)
	}

	deps := inNamespace(res, deploymentGK, ns)
	if len(deps) != 1 {
		t.Fatalf("deployments in %s: %d", ns, len(deps))
	}
	dep, ok := deps[0].Obj.(*appsv1.Deployment)
	if !ok || dep.Kind != "Deployment" || dep.APIVersion != "apps/v1" || deps[0].Ref.UID == "" || deps[0].Ref.UID != string(dep.UID) {
		t.Errorf("deployment: %T %+v ref %+v", deps[0].Obj, dep.TypeMeta, deps[0].Ref)
	}
	if dep.ManagedFields != nil || dep.Spec.Template.Spec.Containers[0].Image != "registry.k8s.io/pause:3.10" {
		t.Errorf("deployment not decoded and scrubbed: managedFields %v, spec %+v", dep.ManagedFields, dep.Spec.Template.Spec)
	}

	secs := inNamespace(res, secretGK, ns)
	if len(secs) != 1 {
		t.Fatalf("secrets in %s: %d", ns, len(secs))
	}
	sec := secs[0].Obj.(*corev1.Secret)
	if sec.Data != nil || sec.StringData != nil || sec.Type != "" || sec.Labels["tier"] != "data" || sec.Kind != "Secret" {
		t.Errorf("secret is not metadata only: %+v", sec)
	}
	if strings.Contains(fmt.Sprintf("%+v", sec), canary) {
		t.Error("the secret value reached the inventory")
	}

	if n := len(inNamespace(res, configMapGK, ns)); n != 7 {
		t.Errorf("configmaps in %s: %d, want 7", ns, n)
	}
	if len(pages) < 3 || pages[0] != 3 || pages[1] != 6 {
		t.Errorf("configmaps were not listed in pages of 3: progress %v", pages)
	}
	ws := inNamespace(res, widgetGK, ns)
	if len(ws) != 1 {
		t.Fatalf("widgets: %d", len(ws))
	}
	if u, ok := ws[0].Obj.(*unstructured.Unstructured); !ok || u.Object["spec"] == nil {
		t.Errorf("custom resource: %T", ws[0].Obj)
	}
	checkClusterInfo(t, res.Info)
}

func checkClusterInfo(t *testing.T, info *check.ClusterInfo) {
	t.Helper()
	if info.GitVersion != cluster.KubernetesVersion || info.Platform == "" {
		t.Errorf("cluster info: gitVersion %q platform %q, want %s", info.GitVersion, info.Platform, cluster.KubernetesVersion)
	}
	allowed := map[string]bool{}
	for _, p := range info.Anonymous {
		if p.Status == 0 {
			t.Errorf("probe %s got no answer", p.Request)
		}
		allowed[p.Request] = p.Allowed
	}
	// system:public-info-viewer lets anyone read /version; nothing grants anonymous lists.
	want := map[string]bool{"GET /version": true, "list namespaces": false, "list pods": false, "list configmaps": false}
	for req, ok := range want {
		if a, probed := allowed[req]; !probed || a != ok {
			t.Errorf("anonymous %s: probed %v allowed %v, want allowed %v", req, probed, a, ok)
		}
	}
}

func TestLoadRestrictedNamespaceFromRealAPIServer(t *testing.T) {
	c := cluster.Get(t)
	seed(t, c, "live-only")
	seed(t, c, "live-other")
	res, err := live.Load(t.Context(), c.AdminConfig(), live.Options{
		Kinds:      []schema.GroupKind{deploymentGK, configMapGK},
		Namespaces: []string{"live-only"},
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for _, o := range res.Objects {
		if ns := o.Ref.Namespace; ns != "" && ns != "live-only" {
			t.Errorf("restricted load returned %s", o.Ref)
		}
		if o.Ref.GroupKind() == namespaceGK && o.Ref.Name != "live-only" {
			t.Errorf("restricted load returned namespace %s", o.Ref.Name)
		}
	}
	if len(inNamespace(res, configMapGK, "live-only")) != 7 || len(inNamespace(res, namespaceGK, "live-only")) != 1 {
		t.Errorf("restricted load missed objects of live-only")
	}
}

func TestLoadAsLimitedUser(t *testing.T) {
	c := cluster.Get(t)
	const ns = "live-limited"
	seed(t, c, ns)
	res, err := live.Load(t.Context(), c.LimitedConfig(), live.Options{
		Kinds: []schema.GroupKind{podGK, deploymentGK, secretGK, check.ClusterInfoKind},
	})
	if err != nil {
		t.Fatalf("a user without grants must get a report with denied kinds, not an error: %v", err)
	}
	want := map[schema.GroupKind]string{
		namespaceGK:  `forbidden: user "limited" cannot list namespaces`,
		podGK:        `forbidden: user "limited" cannot list pods`,
		deploymentGK: `forbidden: user "limited" cannot list deployments.apps`,
		secretGK:     `forbidden: user "limited" cannot list secrets`,
	}
	for gk, reason := range want {
		if got := res.Denied[gk]; got != reason {
			t.Errorf("denied[%s] = %q, want %q", gk, got, reason)
		}
	}
	if res.Info.GitVersion != cluster.KubernetesVersion {
		t.Errorf("cluster info of the limited user: %+v", res.Info)
	}

	// Granted pods in its namespace only, the user can scan that namespace.
	grantPodList(t, c, ns)
	var restricted *live.Result
	err = wait.PollUntilContextTimeout(t.Context(), 200*time.Millisecond, 15*time.Second, true, func(ctx context.Context) (bool, error) {
		restricted, err = live.Load(ctx, c.LimitedConfig(), live.Options{Kinds: []schema.GroupKind{podGK}, Namespaces: []string{ns}})
		return err == nil && restricted.Denied[podGK] == "", err
	})
	if err != nil || restricted == nil {
		t.Fatalf("pods still denied after the grant: %v", err)
	}
	if got := restricted.Denied[namespaceGK]; got != `forbidden: user "limited" cannot get namespaces/`+ns {
		t.Errorf("denied[Namespace] = %q", got)
	}
	if len(restricted.Denied) != 1 {
		t.Errorf("denied: %v, want only Namespace", restricted.Denied)
	}
}

func grantPodList(t *testing.T, c *cluster.Cluster, ns string) {
	t.Helper()
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "pod-lister"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list"}}},
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "pod-lister"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-lister"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: cluster.LimitedUser}},
	}
	if _, err := admin.RbacV1().Roles(ns).Create(t.Context(), role, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create role: %v", err)
	}
	if _, err := admin.RbacV1().RoleBindings(ns).Create(t.Context(), binding, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create role binding: %v", err)
	}
}
