package inventory

import (
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
)

// Index is an in-memory check.Inventory over a fixed set of objects, such as a manifest scan.
type Index struct {
	all    []*check.Object
	byKind map[schema.GroupKind][]*check.Object
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
}

type nameKey struct {
	gk        schema.GroupKind
	namespace string
	name      string
}

// NewIndex indexes objs, keeping their order.
func NewIndex(objs []*check.Object) *Index {
	ix := &Index{
		all:    objs,
		byKind: map[schema.GroupKind][]*check.Object{},
		byName: make(map[nameKey]*check.Object, len(objs)),
		denied: map[schema.GroupKind]string{},
	}
	for _, o := range objs {
		gk := o.Ref.GroupKind()
		ix.byKind[gk] = append(ix.byKind[gk], o)
		ix.byName[nameKey{gk, o.Ref.Namespace, o.Ref.Name}] = o
	}
	return ix
}

// Deny marks a kind as unreadable, with the reason checks that need it are not assessed.
func (ix *Index) Deny(gk schema.GroupKind, reason string) { ix.denied[gk] = reason }

// Objects returns every object in source order.
func (ix *Index) Objects() []*check.Object { return ix.all }

// List implements check.Inventory.
func (ix *Index) List(gk schema.GroupKind, namespace string) []*check.Object {
	objs := ix.byKind[gk]
	if namespace == "" {
		return objs
	}
	var out []*check.Object
	for _, o := range objs {
		if o.Ref.Namespace == namespace {
			out = append(out, o)
		}
	}
	return out
}

// Get implements check.Inventory.
func (ix *Index) Get(gk schema.GroupKind, namespace, name string) (*check.Object, bool) {
	o, ok := ix.byName[nameKey{gk, namespace, name}]
	return o, ok
}

// Derive implements check.Deriver: build runs once per key, and its value (or error) is kept
// for the inventory's lifetime. The lock is not held while build runs, so a derived value may
// itself be derived from others (the escalation graph from the RBAC graph).
func (ix *Index) Derive(key any, build func() (any, error)) (any, error) {
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
	d.once.Do(func() { d.v, d.err = build() })
	return d.v, d.err
}

// Assessable implements check.Inventory.
func (ix *Index) Assessable(gk schema.GroupKind) (bool, string) {
	if reason, ok := ix.denied[gk]; ok {
		return false, reason
	}
	return true, ""
}
