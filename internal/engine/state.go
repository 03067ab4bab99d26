package engine

import (
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/posture"
)

// objKey identifies an object the way the inventory does.
type objKey struct {
	gk       schema.GroupKind
	ns, name string
}

func keyOf(o *check.Object) objKey { return objKey{o.Ref.GroupKind(), o.Ref.Namespace, o.Ref.Name} }

// result is one workload or object check's outcome on one object that is not simply clean:
// findings, an error or not assessed.
type result struct {
	check       int32
	evaluated   bool
	notAssessed string
	err         string
	// findings are active and suppressed (Exemption set) alike: objState.findings[from:to].
	from, to int32
}

// objState is what the workload and object checks said about one object. A large cluster has
// tens of checks for each of tens of thousands of objects, nearly all of them clean, so clean
// outcomes are kept as bare check indexes.
type objState struct {
	obj      *check.Object
	key      objKey
	owner    objKey
	hasOwner bool
	// clean are the checks (indexes into opts.Checks) that evaluated the object and found
	// nothing.
	clean   []int32
	results []result
	// findings holds every result's findings, one after the other.
	findings []*posture.Finding
}

// resultFindings returns r's findings.
func (s *objState) resultFindings(r *result) []*posture.Finding { return s.findings[r.from:r.to] }

// clusterState is one ClusterCheck's last outcome, with what it read.
type clusterState struct {
	denied, notAssessed, err string
	evaluated                bool
	findings                 []*posture.Finding
	// objects[i] is the object findings[i] is placed on.
	objects []*check.Object
	failed  int
	deps    []inventory.Dep
	// all is set when what the check read is not known: any change re-runs it.
	all bool
	// parts holds a ScopeNamespace check's findings by namespace, when it is kept in parts;
	// findings and objects are then empty, and a change of any kind in kinds re-runs a part.
	parts map[string]*partResult
	kinds map[schema.GroupKind]bool
}

// affected reports whether a change to an object of kind gk in namespace ns can change the
// check's outcome.
func (cs *clusterState) affected(gk schema.GroupKind, ns string) bool {
	if cs.denied != "" {
		return false
	}
	if cs.parts != nil {
		return cs.all || cs.kinds[gk]
	}
	return cs.all || slices.ContainsFunc(cs.deps, func(d inventory.Dep) bool { return d.Affected(gk, ns) })
}

// objTally is a workload or object check's coverage, summed over objects.
type objTally struct {
	evaluated, failed int
	errs              map[objKey]string
	notAssessed       map[string]int
}

// annParse is an object's exemption annotation, parsed once per object version.
type annParse struct {
	ex  *posture.Exemption
	bad *posture.InputError
}

// state is everything the incremental engine knows about the current posture.
type state struct {
	e    *Incremental
	objs map[objKey]*objState
	// owned maps a controller to the objects whose controller reference names it.
	owned    map[objKey]map[objKey]struct{}
	clusters []*clusterState
	tallies  []objTally
	// hits counts the findings placed on each object (active and suppressed): Evaluate parses
	// an object's exemption annotation, and reports its problems, only for such objects.
	hits map[*check.Object]int
	used map[*posture.Exemption]int
	// active and suppressed are sorted as of the last sortFindings; the pending changes are
	// below.
	active, suppressed []*posture.Finding
	removed            map[*posture.Finding]struct{}
	addActive, addSupp []*posture.Finding
}

func newState(e *Incremental) *state {
	return &state{e: e, objs: map[objKey]*objState{}, owned: map[objKey]map[objKey]struct{}{},
		clusters: make([]*clusterState, len(e.clusters)), tallies: make([]objTally, len(e.opts.Checks)),
		hits: map[*check.Object]int{}, used: map[*posture.Exemption]int{}, removed: map[*posture.Finding]struct{}{}}
}

// putObject records s and returns its active findings.
func (st *state) putObject(s *objState) []*posture.Finding {
	st.objs[s.key] = s
	if s.hasOwner {
		if st.owned[s.owner] == nil {
			st.owned[s.owner] = map[objKey]struct{}{}
		}
		st.owned[s.owner][s.key] = struct{}{}
	}
	var active []*posture.Finding
	for _, c := range s.clean {
		st.tallies[c].evaluated++
	}
	for i := range s.results {
		r := &s.results[i]
		t := &st.tallies[r.check]
		if !r.evaluated {
			if t.notAssessed == nil {
				t.notAssessed = map[string]int{}
			}
			t.notAssessed[r.notAssessed]++
			continue
		}
		t.evaluated++
		if r.err != "" {
			if t.errs == nil {
				t.errs = map[objKey]string{}
			}
			t.errs[s.key] = r.err
		}
		failed := false
		for _, f := range s.resultFindings(r) {
			if st.add(f, s.obj) {
				failed = true
				active = append(active, f)
			}
		}
		if failed {
			t.failed++
		}
	}
	return active
}

// dropObject forgets the object at k and returns its active findings.
func (st *state) dropObject(k objKey) []*posture.Finding {
	s, ok := st.objs[k]
	if !ok {
		return nil
	}
	delete(st.objs, k)
	if s.hasOwner {
		if delete(st.owned[s.owner], k); len(st.owned[s.owner]) == 0 {
			delete(st.owned, s.owner)
		}
	}
	var active []*posture.Finding
	for _, c := range s.clean {
		st.tallies[c].evaluated--
	}
	for i := range s.results {
		r := &s.results[i]
		t := &st.tallies[r.check]
		if !r.evaluated {
			if t.notAssessed[r.notAssessed]--; t.notAssessed[r.notAssessed] == 0 {
				delete(t.notAssessed, r.notAssessed)
			}
			continue
		}
		t.evaluated--
		if r.err != "" {
			delete(t.errs, k)
		}
		failed := false
		for _, f := range s.resultFindings(r) {
			if st.remove(f, s.obj) {
				failed = true
				active = append(active, f)
			}
		}
		if failed {
			t.failed--
		}
	}
	return active
}

// putCluster records the outcome of cluster check i and returns its active findings.
func (st *state) putCluster(i int, cs *clusterState) []*posture.Finding {
	st.clusters[i] = cs
	if cs.parts == nil {
		active, failed := st.putFindings(cs.findings, cs.objects)
		cs.failed = failed
		return active
	}
	var active []*posture.Finding
	cs.failed = 0
	for _, pr := range cs.parts {
		a, failed := st.putFindings(pr.findings, pr.objects)
		active = append(active, a...)
		pr.failed = failed
		cs.failed += failed
	}
	return active
}

// putFindings counts findings in and returns the active ones, with the number of distinct
// objects they are on.
func (st *state) putFindings(fs []*posture.Finding, objs []*check.Object) ([]*posture.Finding, int) {
	var active []*posture.Finding
	failed := map[*check.Object]bool{}
	for j, f := range fs {
		o := objs[j]
		if st.add(f, o) {
			active = append(active, f)
			failed[o] = true
		}
	}
	return active, len(failed)
}

func (st *state) dropCluster(i int) []*posture.Finding {
	cs := st.clusters[i]
	st.clusters[i] = nil
	if cs == nil {
		return nil
	}
	active := st.dropFindings(cs.findings, cs.objects)
	for _, pr := range cs.parts {
		active = append(active, st.dropFindings(pr.findings, pr.objects)...)
	}
	return active
}

func (st *state) dropFindings(fs []*posture.Finding, objs []*check.Object) []*posture.Finding {
	var active []*posture.Finding
	for j, f := range fs {
		if st.remove(f, objs[j]) {
			active = append(active, f)
		}
	}
	return active
}

// add counts a finding in and reports whether it is active.
func (st *state) add(f *posture.Finding, o *check.Object) bool {
	st.hits[o]++
	if _, ok := st.removed[f]; ok {
		delete(st.removed, f) // removed and put back within one batch
	} else if f.Exemption == nil {
		st.addActive = append(st.addActive, f)
	} else {
		st.addSupp = append(st.addSupp, f)
	}
	if f.Exemption != nil {
		st.used[f.Exemption]++
		return false
	}
	return true
}

func (st *state) remove(f *posture.Finding, o *check.Object) bool {
	if st.hits[o]--; st.hits[o] <= 0 {
		delete(st.hits, o)
	}
	st.removed[f] = struct{}{}
	if f.Exemption != nil {
		if st.used[f.Exemption]--; st.used[f.Exemption] <= 0 {
			delete(st.used, f.Exemption)
		}
		return false
	}
	return true
}

// sortFindings applies the pending changes to the sorted findings. It always builds new
// slices: published postures share the old ones.
func (st *state) sortFindings() {
	st.active = merge(st.active, st.addActive, st.removed)
	st.suppressed = merge(st.suppressed, st.addSupp, st.removed)
	st.addActive, st.addSupp = nil, nil
	clear(st.removed)
}

func merge(sorted, added []*posture.Finding, removed map[*posture.Finding]struct{}) []*posture.Finding {
	posture.SortFindings(added)
	if len(sorted) == 0 {
		return added
	}
	out := make([]*posture.Finding, 0, len(sorted)+len(added))
	keep := func(fs []*posture.Finding) {
		if len(removed) == 0 {
			out = append(out, fs...)
			return
		}
		for _, f := range fs {
			if _, gone := removed[f]; !gone {
				out = append(out, f)
			}
		}
	}
	// Each added finding goes after the findings it does not sort before, found by binary
	// search: a batch adds a few findings to hundreds of thousands.
	at := 0
	for _, a := range added {
		rest := sorted[at:]
		n := sort.Search(len(rest), func(k int) bool { return posture.Compare(a, rest[k]) < 0 })
		keep(rest[:n])
		out = append(out, a)
		at += n
	}
	keep(sorted[at:])
	return out
}

// publish builds the posture for readers from the current state.
func (e *Incremental) publish(inv check.Inventory) {
	st := e.st
	p := &posture.Posture{Findings: st.active, Suppressed: st.suppressed}
	for _, c := range e.opts.Checks {
		p.Checks = append(p.Checks, c.Metadata())
	}
	for i, c := range e.opts.Checks {
		if cc, ok := c.(*check.ClusterCheck); ok {
			p.Coverage = append(p.Coverage, e.clusterCoverage(inv, cc))
			continue
		}
		t := st.tallies[i]
		tl := &tally{evaluated: t.evaluated, failed: t.failed}
		for _, k := range sortedKeys(t.errs) {
			tl.errs = append(tl.errs, t.errs[k])
		}
		// Evaluate keeps the last reason it met; with several, the greatest stands in for it.
		for reason := range t.notAssessed {
			tl.notAssessed = max(tl.notAssessed, reason)
		}
		p.Coverage = append(p.Coverage, coverageOf(inv, c, tl))
	}
	for _, x := range e.config {
		c := x.Exemption
		c.Used = st.used[&x.Exemption]
		p.Exemptions = append(p.Exemptions, &c)
	}
	var annotated []*posture.Exemption
	for o, a := range e.ann {
		if st.hits[o] == 0 {
			delete(e.ann, o) // no finding refers to this object version any more
			continue
		}
		if a.bad != nil {
			p.Errors = append(p.Errors, *a.bad)
		}
		if a.ex != nil {
			c := *a.ex
			c.Used = st.used[a.ex]
			annotated = append(annotated, &c)
		}
	}
	sort.Slice(annotated, func(i, j int) bool { return annotated[i].Source < annotated[j].Source })
	p.Exemptions = append(p.Exemptions, annotated...)
	sort.Slice(p.Errors, func(i, j int) bool { return p.Errors[i].Message < p.Errors[j].Message })
	sort.SliceStable(p.Coverage, func(i, j int) bool { return p.Coverage[i].CheckID < p.Coverage[j].CheckID })
	e.published.Store(p)
}

func (e *Incremental) clusterCoverage(inv check.Inventory, c *check.ClusterCheck) posture.Coverage {
	cs := e.st.clusters[slices.Index(e.clusters, c)]
	if cs == nil {
		return posture.Coverage{CheckID: c.ID, Status: posture.StatusNotAssessed, Reason: "not evaluated yet"}
	}
	if cs.denied != "" {
		return posture.Coverage{CheckID: c.ID, Status: posture.StatusNotAssessed, Reason: cs.denied}
	}
	t := &tally{failed: cs.failed, notAssessed: cs.notAssessed}
	if cs.evaluated {
		t.evaluated = 1
	}
	if cs.err != "" {
		t.errs = []string{cs.err}
	}
	return coverageOf(inv, c, t)
}

func sortedKeys(m map[objKey]string) []objKey {
	keys := make([]objKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
	return keys
}

func keyLess(a, b objKey) bool {
	if a.ns != b.ns {
		return a.ns < b.ns
	}
	if c := strings.Compare(a.gk.String(), b.gk.String()); c != 0 {
		return c < 0
	}
	return a.name < b.name
}
