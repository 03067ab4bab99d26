package live

import (
	"log/slog"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
)

func testInformers(sink func(Change)) (*Informers, *target) {
	l := &loader{opts: Options{ExcludeNamespaces: []string{"kube-*"}, Logger: slog.New(slog.DiscardHandler)}}
	t := &target{gk: deploymentKind, gvk: appsv1.SchemeGroupVersion.WithKind("Deployment"),
		gvr: appsv1.SchemeGroupVersion.WithResource("deployments"), namespaced: true, mode: typed}
	return &Informers{l: l, sink: sink}, t
}

func deployment(ns, name, rv string) *appsv1.Deployment {
	t0 := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	t1 := metav1.NewTime(t0.Add(time.Hour))
	return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, ResourceVersion: rv,
		Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: `{"x":"y"}`, "keep": "me"},
		ManagedFields: []metav1.ManagedFieldsEntry{
			{Manager: "kubectl-client-side-apply", Time: &t0},
			{Manager: "deploy-bot", Time: &t1},
			{Manager: "undated"},
		}}}
}

// TestTransformAndHandler: the transform scrubs once and is idempotent; the handler passes on
// adds and real updates, skips relisted objects whose resourceVersion did not change, turns a
// DeletedFinalStateUnknown into a deletion, and leaves out excluded namespaces.
func TestTransformAndHandler(t *testing.T) {
	var got []Change
	in, tg := testInformers(func(c Change) { got = append(got, c) })
	tr := in.transform(tg)
	v, err := tr(deployment("shop", "web", "1"))
	if err != nil {
		t.Fatal(err)
	}
	e := v.(*entry)
	if e.o.Manager != "deploy-bot" {
		t.Errorf("manager = %q, want the latest entry's", e.o.Manager)
	}
	if e.o.Meta.GetManagedFields() != nil || e.o.Meta.GetAnnotations()[corev1.LastAppliedConfigAnnotation] != "" || e.o.Meta.GetAnnotations()["keep"] != "me" {
		t.Errorf("not scrubbed: %+v", e.o.Meta)
	}
	if again, _ := tr(e); again != e {
		t.Error("transform is not idempotent")
	}
	if k, err := cache.MetaNamespaceKeyFunc(e); err != nil || k != "shop/web" {
		t.Errorf("cache key = %q, %v", k, err)
	}
	cp := e.DeepCopyObject().(*entry)
	if cp.o == e.o || cp.o.Obj == e.o.Obj || cp.o.Meta.GetName() != "web" {
		t.Error("DeepCopyObject shares the object")
	}

	h := in.handler(tg)
	same, _ := tr(deployment("shop", "web", "1"))
	newer, _ := tr(deployment("shop", "web", "2"))
	excluded, _ := tr(deployment("kube-system", "dns", "1"))
	h.OnAdd(e, true)
	h.OnUpdate(e, same)
	h.OnUpdate(e, newer)
	h.OnAdd(excluded, false)
	h.OnDelete(cache.DeletedFinalStateUnknown{Key: "shop/web", Obj: newer})
	h.OnDelete(cache.DeletedFinalStateUnknown{Key: "shop/other"})
	if len(got) != 4 {
		t.Fatalf("%d changes, want 4: %+v", len(got), got)
	}
	if got[0].Object != e.o || got[1].Object.Meta.GetResourceVersion() != "2" {
		t.Errorf("add/update changes wrong: %+v", got[:2])
	}
	for _, c := range got[2:] {
		if c.Object != nil || c.Namespace != "shop" || c.Kind != deploymentKind {
			t.Errorf("deletion change wrong: %+v", c)
		}
	}
	if got[3].Name != "other" {
		t.Errorf("a tombstone without its object lost its name: %+v", got[3])
	}
}
