package inventory

import (
	"slices"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
)

// Index is an in-memory check.Inventory: a fixed set of objects for a manifest scan, or a
// mutable one a watcher keeps current with Upsert and Delete.
//
// Order: Objects and List return objects in source order (the order given to NewIndex), with
// objects added later by Upsert after them in the order they were added; replacing an object
// keeps its place and deleting one keeps the order of the rest. Slices returned by Objects and
// List are valid until the next mutation.
//
// An Index is not safe for concurrent mutation and reads: a caller that mutates it serialises
// every use (reads, evaluation and mutation) itself. Derive alone may be called concurrently
// between mutations.
type Index struct {
	all    []*check.Object
	byKind map[schema.GroupKind][]*check.Object
	// byNS holds the objects of a kind in one namespace, so List with a namespace does not
	// scan the whole kind.
	byNS   map[kindNS][]*check.Object
	byName map[nameKey]*check.Object
	// denied records kinds the source could not read, with the reason.
	denied map[schema.GroupKind]string

	mu      sync.Mutex
	derived map[any]*derivedValue
}

type derivedValue struct {
	once sync.Once
	v    any
	err  error
	// deps are the parts of the inventory build read; known is false when nobody said, and the
	// value is then dropped on any mutation.
	deps  []Dep
	known bool
}

type nameKey struct {
	gk        schema.GroupKind
	namespace string
	name      string
}

type kindNS struct {
	gk        schema.GroupKind
	namespace string
}

// Dep is a part of an inventory a computation read: the objects of Kind in Namespace, or in
// every namespace when All is set. A change to an object of Kind in Namespace affects it.
type Dep struct {
	Kind      schema.GroupKind
	Namespace string
	All       bool
}

// Affected reports whether a change to an object of kind gk in namespace ns can change what a
// computation that read d saw.
func (d Dep) Affected(gk schema.GroupKind, ns string) bool {
	return d.Kind == gk && (d.All || d.Namespace == ns)
}

// KindsKey may be implemented by a Derive key to declare the kinds its value is built from:
// the value then survives changes to other kinds. Keys that do not implement it are dropped on
// every mutation.
type KindsKey interface {
	DerivedFrom() []schema.GroupKind
}

// NewIndex indexes objs, keeping their order.
func NewIndex(objs []*check.Object) *Index {
	ix := &Index{
		all:    objs,
		byKind: map[schema.GroupKind][]*check.Object{},
		byNS:   map[kindNS][]*check.Object{},
		byName: make(map[nameKey]*check.Object, len(objs)),
		denied: map[schema.GroupKind]string{},
	}
	for _, o := range objs {
		gk := o.Ref.GroupKind()
		ix.byKind[gk] = append(ix.byKind[gk], o)
		kn := kindNS{gk, o.Ref.Namespace}
		ix.byNS[kn] = append(ix.byNS[kn], o)
		ix.byName[nameKey{gk, o.Ref.Namespace, o.Ref.Name}] = o
	}
	return ix
}

// Deny marks a kind as unreadable, with the reason checks that need it are not assessed.
func (ix *Index) Deny(gk schema.GroupKind, reason string) {
	ix.denied[gk] = reason
	ix.invalidateAll()
}

// Allow undoes Deny: the kind became readable.
func (ix *Index) Allow(gk schema.GroupKind) {
	if _, ok := ix.denied[gk]; !ok {
		return
	}
	delete(ix.denied, gk)
	ix.invalidateAll()
}

// Upsert adds o, or replaces the object with o's kind, namespace and name in place. Derived
// values that may have read the kind are dropped.
func (ix *Index) Upsert(o *check.Object) {
	gk := o.Ref.GroupKind()
	k := nameKey{gk, o.Ref.Namespace, o.Ref.Name}
	kn := kindNS{gk, o.Ref.Namespace}
	if old, ok := ix.byName[k]; ok {
		replace(ix.all, old, o)
		replace(ix.byKind[gk], old, o)
		replace(ix.byNS[kn], old, o)
	} else {
		ix.all = append(ix.all, o)
		ix.byKind[gk] = append(ix.byKind[gk], o)
		ix.byNS[kn] = append(ix.byNS[kn], o)
	}
	ix.byName[k] = o
	ix.invalidate(gk, o.Ref.Namespace)
}

// Delete removes the object of kind gk with namespace and name, and returns it.
func (ix *Index) Delete(gk schema.GroupKind, namespace, name string) (*check.Object, bool) {
	k := nameKey{gk, namespace, name}
	old, ok := ix.byName[k]
	if !ok {
		return nil, false
	}
	delete(ix.byName, k)
	kn := kindNS{gk, namespace}
	ix.all = remove(ix.all, old)
	if ix.byKind[gk] = remove(ix.byKind[gk], old); len(ix.byKind[gk]) == 0 {
		delete(ix.byKind, gk)
	}
	if ix.byNS[kn] = remove(ix.byNS[kn], old); len(ix.byNS[kn]) == 0 {
		delete(ix.byNS, kn)
	}
	ix.invalidate(gk, namespace)
	return old, true
}

func replace(objs []*check.Object, old, o *check.Object) {
	if i := slices.Index(objs, old); i >= 0 {
		objs[i] = o
	}
}

func remove(objs []*check.Object, old *check.Object) []*check.Object {
	if i := slices.Index(objs, old); i >= 0 {
		return slices.Delete(objs, i, i+1)
	}
	return objs
}

// invalidate drops the derived values a change to an object of kind gk in namespace ns may
// affect: those whose reads include it, and those whose reads nobody declared.
func (ix *Index) invalidate(gk schema.GroupKind, ns string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for key, d := range ix.derived {
		if !d.known || slices.ContainsFunc(d.deps, func(dep Dep) bool { return dep.Affected(gk, ns) }) {
			delete(ix.derived, key)
		}
	}
}

func (ix *Index) invalidateAll() {
	ix.mu.Lock()
	ix.derived = nil
	ix.mu.Unlock()
}

// Objects returns every object in the order described on Index.
func (ix *Index) Objects() []*check.Object { return slices.Clip(ix.all) }

// Len returns the number of objects.
func (ix *Index) Len() int { return len(ix.all) }

// List implements check.Inventory.
func (ix *Index) List(gk schema.GroupKind, namespace string) []*check.Object {
	// Clipped, so that a caller appending to the result never writes into the index.
	if namespace == "" {
		return slices.Clip(ix.byKind[gk])
	}
	return slices.Clip(ix.byNS[kindNS{gk, namespace}])
}

// InNamespace returns the objects of a kind whose namespace is exactly namespace: with "",
// those without one (cluster-scoped objects, or namespaced ones a manifest left without).
func (ix *Index) InNamespace(gk schema.GroupKind, namespace string) []*check.Object {
	return slices.Clip(ix.byNS[kindNS{gk, namespace}])
}

// Get implements check.Inventory.
func (ix *Index) Get(gk schema.GroupKind, namespace, name string) (*check.Object, bool) {
	o, ok := ix.byName[nameKey{gk, namespace, name}]
	return o, ok
}

// Derive implements check.Deriver: build runs once per key, and its value (or error) is kept
// until a mutation may change it (see KindsKey). The lock is not held while build runs, so a
// derived value may itself be derived from others (the escalation graph from the RBAC graph).
func (ix *Index) Derive(key any, build func() (any, error)) (any, error) {
	v, _, err := ix.DeriveDeps(key, func() (any, []Dep, error) {
		v, err := build()
		return v, nil, err
	})
	return v, err
}

// DeriveDeps is Derive for callers that observe what build reads: build returns the parts of
// the inventory it read, and the value is then dropped only when one of them changes. It
// returns the value's reads (nil when unknown) so that a caller can account for them on a
// cached value too.
func (ix *Index) DeriveDeps(key any, build func() (any, []Dep, error)) (any, []Dep, error) {
	ix.mu.Lock()
	if ix.derived == nil {
		ix.derived = map[any]*derivedValue{}
	}
	d, ok := ix.derived[key]
	if !ok {
		d = &derivedValue{}
		ix.derived[key] = d
	}
	ix.mu.Unlock()
	d.once.Do(func() {
		var deps []Dep
		d.v, deps, d.err = build()
		ix.mu.Lock()
		defer ix.mu.Unlock()
		if deps != nil {
			d.deps, d.known = deps, true
		} else if kk, ok := key.(KindsKey); ok {
			for _, gk := range kk.DerivedFrom() {
				d.deps = append(d.deps, Dep{Kind: gk, All: true})
			}
			d.known = true
		}
	})
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if !d.known {
		return d.v, nil, d.err
	}
	return d.v, d.deps, d.err
}

// Assessable implements check.Inventory.
func (ix *Index) Assessable(gk schema.GroupKind) (bool, string) {
	if reason, ok := ix.denied[gk]; ok {
		return false, reason
	}
	return true, ""
}
