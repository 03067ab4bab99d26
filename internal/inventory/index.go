package inventory

import (
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

// Assessable implements check.Inventory.
func (ix *Index) Assessable(gk schema.GroupKind) (bool, string) {
	if reason, ok := ix.denied[gk]; ok {
		return false, reason
	}
	return true, ""
}
