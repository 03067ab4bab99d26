package inventory

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
)

var (
	podGK    = schema.GroupKind{Kind: "Pod"}
	deployGK = schema.GroupKind{Group: "apps", Kind: "Deployment"}
)

func ref(apiVersion, kind, ns, name string) *check.Object {
	return &check.Object{Ref: check.Ref{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name}}
}

func names(objs []*check.Object) string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Ref.Namespace+"/"+o.Ref.Name)
	}
	return strings.Join(out, ",")
}

func TestUpsertDeleteKeepOrder(t *testing.T) {
	ix := NewIndex([]*check.Object{ref("v1", "Pod", "a", "p1"), ref("apps/v1", "Deployment", "a", "d"), ref("v1", "Pod", "b", "p2")})
	repl := ref("v1", "Pod", "a", "p1")
	ix.Upsert(repl)
	ix.Upsert(ref("v1", "Pod", "a", "p3"))
	if got := names(ix.List(podGK, "")); got != "a/p1,b/p2,a/p3" {
		t.Errorf("List after upserts = %s", got)
	}
	if got := names(ix.List(podGK, "a")); got != "a/p1,a/p3" {
		t.Errorf("List in a = %s", got)
	}
	if got := names(ix.Objects()); got != "a/p1,a/d,b/p2,a/p3" {
		t.Errorf("Objects = %s", got)
	}
	if o, ok := ix.Get(podGK, "a", "p1"); !ok || o != repl {
		t.Errorf("Get after replace returned %p, want the replacement", o)
	}
	old, ok := ix.Delete(podGK, "b", "p2")
	if !ok || old.Ref.Name != "p2" {
		t.Fatalf("Delete = %v %v", old, ok)
	}
	if _, ok := ix.Delete(podGK, "b", "p2"); ok {
		t.Errorf("second Delete found the object")
	}
	if got := names(ix.Objects()); got != "a/p1,a/d,a/p3" {
		t.Errorf("Objects after delete = %s", got)
	}
	if got := ix.List(podGK, "b"); len(got) != 0 {
		t.Errorf("List in b after delete = %s", names(got))
	}
	if _, ok := ix.Get(podGK, "b", "p2"); ok {
		t.Errorf("Get found a deleted object")
	}
	// A caller appending to a listed slice must not write into the index.
	l := ix.List(podGK, "")
	_ = append(l, ref("v1", "Pod", "x", "intruder"))
	ix.Upsert(ref("v1", "Pod", "a", "p4"))
	if got := names(ix.List(podGK, "")); got != "a/p1,a/p3,a/p4" {
		t.Errorf("List after caller append = %s", got)
	}
}

func TestAllowUndoesDeny(t *testing.T) {
	ix := NewIndex(nil)
	ix.Deny(podGK, "forbidden")
	ix.Allow(podGK)
	if ok, _ := ix.Assessable(podGK); !ok {
		t.Errorf("kind still denied after Allow")
	}
}

type podsKey struct{}

func (podsKey) DerivedFrom() []schema.GroupKind { return []schema.GroupKind{podGK} }

// count derives the number of pods under key and says how many builds ran.
func count(t *testing.T, ix *Index, key any, builds *int) int {
	t.Helper()
	v, err := ix.Derive(key, func() (any, error) { *builds++; return len(ix.List(podGK, "")), nil })
	if err != nil {
		t.Fatal(err)
	}
	return v.(int)
}

func TestDerivedInvalidation(t *testing.T) {
	ix := NewIndex([]*check.Object{ref("v1", "Pod", "a", "p1")})
	var declared, undeclared int
	count(t, ix, podsKey{}, &declared)
	count(t, ix, "undeclared", &undeclared)
	// A Deployment change keeps the value declared as built from pods only.
	ix.Upsert(ref("apps/v1", "Deployment", "a", "d"))
	count(t, ix, podsKey{}, &declared)
	if n := count(t, ix, "undeclared", &undeclared); declared != 1 || undeclared != 2 || n != 1 {
		t.Fatalf("after deployment change: declared built %d, undeclared %d, n %d", declared, undeclared, n)
	}
	ix.Upsert(ref("v1", "Pod", "a", "p2"))
	if n := count(t, ix, podsKey{}, &declared); n != 2 || declared != 2 {
		t.Fatalf("after pod add: n %d, built %d", n, declared)
	}
	ix.Delete(podGK, "a", "p1")
	if n := count(t, ix, podsKey{}, &declared); n != 1 || declared != 3 {
		t.Fatalf("after pod delete: n %d, built %d", n, declared)
	}
	ix.Deny(deployGK, "forbidden")
	if count(t, ix, podsKey{}, &declared); declared != 4 {
		t.Fatalf("Deny must drop derived values (built %d)", declared)
	}
}

func TestDeriveDepsNamespaced(t *testing.T) {
	ix := NewIndex([]*check.Object{ref("v1", "Pod", "kube-system", "api")})
	builds := 0
	derive := func() int {
		v, deps, err := ix.DeriveDeps("cp", func() (any, []Dep, error) {
			builds++
			return len(ix.List(podGK, "kube-system")), []Dep{{Kind: podGK, Namespace: "kube-system"}}, nil
		})
		if err != nil || len(deps) != 1 {
			t.Fatalf("deps %v err %v", deps, err)
		}
		return v.(int)
	}
	derive()
	ix.Upsert(ref("v1", "Pod", "shop", "web"))
	if derive(); builds != 1 {
		t.Fatalf("a pod in another namespace rebuilt the value")
	}
	ix.Upsert(ref("v1", "Pod", "kube-system", "etcd"))
	if n := derive(); builds != 2 || n != 2 {
		t.Fatalf("a kube-system pod did not rebuild: builds %d n %d", builds, n)
	}
}
