package inventory

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
)

func TestIndex(t *testing.T) {
	obj := func(apiVersion, kind, ns, name string) *check.Object {
		return &check.Object{Ref: check.Ref{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name}}
	}
	objs := []*check.Object{obj("v1", "Pod", "a", "p1"), obj("apps/v1", "Deployment", "a", "d"), obj("v1", "Pod", "b", "p2")}
	ix := NewIndex(objs)
	pod := schema.GroupKind{Kind: "Pod"}
	if got := ix.List(pod, ""); len(got) != 2 || got[0].Ref.Name != "p1" || got[1].Ref.Name != "p2" {
		t.Errorf("List all pods = %v", got)
	}
	if got := ix.List(pod, "b"); len(got) != 1 || got[0].Ref.Name != "p2" {
		t.Errorf("List pods in b = %v", got)
	}
	if o, ok := ix.Get(schema.GroupKind{Group: "apps", Kind: "Deployment"}, "a", "d"); !ok || o != objs[1] {
		t.Errorf("Get deployment failed")
	}
	if _, ok := ix.Get(pod, "a", "d"); ok {
		t.Errorf("Get found a pod that does not exist")
	}
	if ok, _ := ix.Assessable(pod); !ok {
		t.Errorf("manifest kinds are assessable")
	}
	np := schema.GroupKind{Group: "networking.k8s.io", Kind: "NetworkPolicy"}
	ix.Deny(np, "forbidden")
	if ok, reason := ix.Assessable(np); ok || reason != "forbidden" {
		t.Errorf("denied kind: %v %q", ok, reason)
	}
	if len(ix.Objects()) != 3 {
		t.Errorf("Objects() = %d", len(ix.Objects()))
	}
}

func TestDeriveOnceAndNested(t *testing.T) {
	ix := NewIndex(nil)
	calls := 0
	inner := func() (any, error) { calls++; return 1, nil }
	outer := func() (any, error) {
		v, err := ix.Derive("inner", inner) // a derived value built from another one
		return v.(int) + 1, err
	}
	for range 3 {
		if v, err := ix.Derive("outer", outer); err != nil || v.(int) != 2 {
			t.Fatalf("Derive = %v, %v", v, err)
		}
	}
	if calls != 1 {
		t.Fatalf("inner built %d times, want once", calls)
	}
}
