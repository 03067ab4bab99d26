package engine

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
)

// depDeriver is implemented by inventories that keep derived values with the parts of the
// inventory they were built from (*inventory.Index).
type depDeriver interface {
	DeriveDeps(key any, build func() (any, []inventory.Dep, error)) (any, []inventory.Dep, error)
}

// tracker is the inventory a ClusterCheck sees during incremental evaluation: it records every
// part of the inventory the check reads, directly or through derived values, so that the check
// is re-run only when one of those parts changes. What a pure check returns depends on nothing
// else.
type tracker struct {
	inv check.Inventory
	// frames is a stack of read sets: the check's own at the bottom, one per derived value
	// being built above it.
	frames []map[inventory.Dep]struct{}
	// unknown is set when the check used a derived value whose reads nobody recorded.
	unknown bool
}

func newTracker(inv check.Inventory) *tracker {
	return &tracker{inv: inv, frames: []map[inventory.Dep]struct{}{{}}}
}

func (t *tracker) read(d inventory.Dep) { t.frames[len(t.frames)-1][d] = struct{}{} }

// List implements check.Inventory.
func (t *tracker) List(gk schema.GroupKind, namespace string) []*check.Object {
	t.read(inventory.Dep{Kind: gk, Namespace: namespace, All: namespace == ""})
	return t.inv.List(gk, namespace)
}

// Get implements check.Inventory. A miss depends on the namespace as much as a hit: adding
// the object changes the answer.
func (t *tracker) Get(gk schema.GroupKind, namespace, name string) (*check.Object, bool) {
	t.read(inventory.Dep{Kind: gk, Namespace: namespace})
	return t.inv.Get(gk, namespace, name)
}

// Assessable implements check.Inventory. A change of what is assessable makes the incremental
// engine start over, so it needs no record here.
func (t *tracker) Assessable(gk schema.GroupKind) (bool, string) { return t.inv.Assessable(gk) }

// Derive implements check.Deriver. The derived value's reads count as the caller's: a value
// cached by an earlier check brings the reads that built it.
func (t *tracker) Derive(key any, build func() (any, error)) (any, error) {
	dd, ok := t.inv.(depDeriver)
	if !ok {
		if d, ok := t.inv.(check.Deriver); ok {
			t.unknown = true
			return d.Derive(key, build)
		}
		return build() // reads land in the current frame
	}
	v, deps, err := dd.DeriveDeps(key, func() (any, []inventory.Dep, error) {
		t.frames = append(t.frames, map[inventory.Dep]struct{}{})
		v, err := build()
		top := t.frames[len(t.frames)-1]
		t.frames = t.frames[:len(t.frames)-1]
		deps := make([]inventory.Dep, 0, len(top))
		for d := range top {
			deps = append(deps, d)
		}
		return v, deps, err
	})
	if deps == nil {
		t.unknown = true
	}
	for _, d := range deps {
		t.read(d)
	}
	return v, err
}

// deps returns what the check read; nil with all set when that is not known.
func (t *tracker) deps() (deps []inventory.Dep, all bool) {
	if t.unknown {
		return nil, true
	}
	for d := range t.frames[0] {
		deps = append(deps, d)
	}
	return deps, false
}
