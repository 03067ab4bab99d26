package engine

import (
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/posture"
)

// A ScopeNamespace ClusterCheck (see check.ScopeNamespace) is kept as one result per
// namespace, its parts, plus the cluster part: the findings on cluster-scoped objects. A
// change inside namespace X re-runs the check on X's part of the inventory only and replaces
// X's findings. Whatever the engine cannot place in one part (a change to a cluster-scoped or
// CrossNamespace kind, a part run that fails or reports in another namespace) falls back to
// running the check whole, which replaces every part.

var namespaceGK = schema.GroupKind{Kind: "Namespace"}

// nsLister is implemented by inventories that list one exact namespace (*inventory.Index).
type nsLister interface {
	InNamespace(gk schema.GroupKind, namespace string) []*check.Object
}

// partResult is what one part of a ScopeNamespace check found.
type partResult struct {
	findings []*posture.Finding
	objects  []*check.Object
	// failed counts the distinct objects with an active finding.
	failed int
}

// partitioned reports whether c's parts split gk's objects by namespace.
func partitioned(c *check.ClusterCheck, gk schema.GroupKind) bool {
	return check.Namespaced(gk) && !slices.Contains(c.CrossNamespace, gk)
}

// changePart returns the part a change to an object of gk touches; ok false when it may touch
// every part.
func changePart(c *check.ClusterCheck, gk schema.GroupKind, ns, name string) (string, bool) {
	if gk == namespaceGK {
		return name, true
	}
	if ns != "" && partitioned(c, gk) {
		return ns, true
	}
	return "", false
}

// changeParts returns the parts a change can affect; ok false when it may affect every part.
func changeParts(c *check.ClusterCheck, ch Change) ([]string, bool) {
	if p, ok := changePart(c, ch.Kind, ch.Namespace, ch.Name); ok {
		return []string{p}, true
	}
	if c.ChangeParts == nil {
		return nil, false
	}
	var out []string
	for _, o := range []*check.Object{ch.Old, ch.New} {
		if o == nil {
			continue
		}
		ps, ok := c.ChangeParts(o)
		if !ok || slices.Contains(ps, "") {
			return nil, false
		}
		out = append(out, ps...)
	}
	return out, true
}

// objectPart returns the part a finding on o belongs to: its namespace, a Namespace's name, or
// "" (the cluster part) for any other object without a namespace.
func objectPart(o *check.Object) string {
	if o.Ref.Namespace != "" {
		return o.Ref.Namespace
	}
	if o.Ref.GroupKind() == namespaceGK {
		return o.Ref.Name
	}
	return ""
}

// split turns a whole run of a ScopeNamespace check into parts; it leaves cs whole when the
// run did not succeed.
func split(c *check.ClusterCheck, cs *clusterState) {
	if c.Scope != check.ScopeNamespace || !cs.evaluated || cs.err != "" {
		return
	}
	parts := map[string]*partResult{}
	for j, o := range cs.objects {
		p := objectPart(o)
		pr := parts[p]
		if pr == nil {
			pr = &partResult{}
			parts[p] = pr
		}
		pr.findings = append(pr.findings, cs.findings[j])
		pr.objects = append(pr.objects, o)
	}
	cs.parts, cs.findings, cs.objects = parts, nil, nil
	cs.kinds = map[schema.GroupKind]bool{}
	for _, gk := range c.Inputs() {
		cs.kinds[gk] = true
	}
	for _, d := range cs.deps {
		cs.kinds[d.Kind] = true
	}
}

// partRun is one part's new outcome, with what the run read.
type partRun struct {
	ns   string
	pr   *partResult
	deps []inventory.Dep
	all  bool
}

// evalPart runs c on the part of inv for namespace ns. ok is false when the part cannot stand
// for the check: the inventory cannot list objects without a namespace, it holds some of a
// partitioned kind, or the run failed or reported in another namespace. Findings on
// cluster-scoped objects are left to whole runs.
func (e *Incremental) evalPart(inv check.Inventory, c *check.ClusterCheck, ns string) (partRun, bool) {
	l, isLister := inv.(nsLister)
	if !isLister {
		return partRun{}, false
	}
	for _, gk := range c.Inputs() {
		if partitioned(c, gk) && len(l.InNamespace(gk, "")) > 0 {
			return partRun{}, false
		}
	}
	t := newTracker(inv)
	v := &partView{c: c, t: t, ns: ns}
	ovs, err := safely(func() ([]check.ObjectViolation, error) { return c.Run(&e.opts.Env, v) })
	if err != nil {
		return partRun{}, false
	}
	pr := &partResult{}
	for _, ov := range ovs {
		switch objectPart(ov.Object) {
		case ns:
		case "": // the cluster part's, which only a whole run replaces
			continue
		default:
			return partRun{}, false
		}
		pr.findings = append(pr.findings, e.finding(c, ov.Object, ov.Violation))
		pr.objects = append(pr.objects, ov.Object)
	}
	r := partRun{ns: ns, pr: pr}
	r.deps, r.all = t.deps()
	return r, true
}

// putPart replaces part r.ns of cluster check i by r, and returns the active findings before
// and after.
func (st *state) putPart(i int, r partRun) (before, after []*posture.Finding) {
	cs := st.clusters[i]
	if old := cs.parts[r.ns]; old != nil {
		before = st.dropFindings(old.findings, old.objects)
		cs.failed -= old.failed
		delete(cs.parts, r.ns)
	}
	after, r.pr.failed = st.putFindings(r.pr.findings, r.pr.objects)
	cs.failed += r.pr.failed
	if len(r.pr.findings) > 0 {
		cs.parts[r.ns] = r.pr
	}
	for _, d := range r.deps {
		cs.kinds[d.Kind] = true
	}
	cs.all = cs.all || r.all
	return before, after
}

// hasFindingOn reports whether the check placed a finding on the object at k.
func (cs *clusterState) hasFindingOn(k objKey) bool {
	objs := cs.objects
	if cs.parts != nil {
		p := k.ns
		if k.gk == namespaceGK {
			p = k.name
		}
		if pr := cs.parts[p]; pr != nil {
			objs = pr.objects
		} else {
			objs = nil
		}
	}
	return slices.ContainsFunc(objs, func(o *check.Object) bool { return keyOf(o) == k })
}

// unchanged reports whether ch cannot change cluster check c's outcome by the check's
// Projection: an update that keeps what the check reads of an object it placed no finding on.
func unchanged(c *check.ClusterCheck, cs *clusterState, ch Change) bool {
	if c.Projection == nil || ch.Old == nil || ch.New == nil {
		return false
	}
	a, okA := c.Projection(ch.Old)
	b, okB := c.Projection(ch.New)
	return okA && okB && a == b && !cs.hasFindingOn(ch.key())
}

// partView is the part of an inventory for one namespace (check.ScopeNamespace), on top of the
// tracker that records the part run's reads.
type partView struct {
	c  *check.ClusterCheck
	t  *tracker
	ns string
	// shared is above zero while a value shared with the whole inventory is built: its reads
	// see the whole inventory.
	shared int
}

// List implements check.Inventory.
func (v *partView) List(gk schema.GroupKind, namespace string) []*check.Object {
	switch {
	case v.shared > 0:
		return v.t.List(gk, namespace)
	case gk == namespaceGK:
		if o, ok := v.t.Get(gk, "", v.ns); ok && namespace == "" {
			return []*check.Object{o}
		}
		return nil
	case !partitioned(v.c, gk):
		return v.t.List(gk, namespace)
	case namespace == "" || namespace == v.ns:
		return v.t.List(gk, v.ns)
	}
	return nil
}

// Get implements check.Inventory.
func (v *partView) Get(gk schema.GroupKind, namespace, name string) (*check.Object, bool) {
	if v.shared == 0 && (gk == namespaceGK && name != v.ns || partitioned(v.c, gk) && namespace != v.ns) {
		return nil, false
	}
	return v.t.Get(gk, namespace, name)
}

// Assessable implements check.Inventory.
func (v *partView) Assessable(gk schema.GroupKind) (bool, string) { return v.t.Assessable(gk) }

// partKey keys a value derived from one part.
type partKey struct {
	ns  string
	key any
}

// Derive implements check.Deriver: a value whose key declares only kinds the part holds in
// full is the whole inventory's, shared; any other is the part's own.
func (v *partView) Derive(key any, build func() (any, error)) (any, error) {
	if v.shared > 0 || v.sharedKey(key) {
		v.shared++
		defer func() { v.shared-- }()
		return v.t.Derive(key, build)
	}
	return v.t.Derive(partKey{v.ns, key}, build)
}

func (v *partView) sharedKey(key any) bool {
	kk, ok := key.(inventory.KindsKey)
	if !ok {
		return false
	}
	for _, gk := range kk.DerivedFrom() {
		if gk == namespaceGK || partitioned(v.c, gk) {
			return false
		}
	}
	return true
}

var _ check.Deriver = (*partView)(nil)
