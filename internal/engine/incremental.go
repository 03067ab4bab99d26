package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/redact"
)

// Change is one object change, already applied to the inventory when it is passed to Apply.
// Old is nil for an added object, New nil for a deleted one; both are set for an update.
type Change struct {
	Kind            schema.GroupKind
	Namespace, Name string
	Old, New        *check.Object
}

func (c Change) key() objKey { return objKey{c.Kind, c.Namespace, c.Name} }

// cause names the change for events: "update Deployment/shop/web".
func (c Change) cause() (cause, manager string) {
	verb, o := "update", c.New
	switch {
	case c.Old == nil:
		verb = "add"
	case c.New == nil:
		verb, o = "delete", c.Old
	}
	name := c.Kind.Kind + "/" + c.Name
	if c.Namespace != "" {
		name = c.Kind.Kind + "/" + c.Namespace + "/" + c.Name
	}
	if o != nil {
		manager = o.Manager
	}
	return verb + " " + name, manager
}

// causeFull is the cause of events found by a full evaluation.
const causeFull = "full evaluation"

// Incremental keeps a posture current as objects change: Full evaluates everything, Apply
// re-evaluates only what a batch of changes can affect, and both return the events that turn
// the previous posture into the new one. The result is the posture Evaluate would return for
// the same inventory.
//
// Full and Apply must be called from one goroutine at a time, serialised with the inventory's
// mutations; Posture may be called from any goroutine at any time.
type Incremental struct {
	opts      Options
	workloads []check.Check
	objects   []check.ObjectEvaluator
	clusters  []*check.ClusterCheck
	// index maps a check ID to its position in opts.Checks (and in state.tallies).
	index map[string]int
	// config are the config-file exemptions, copied so the caller's values are not written.
	config  []*Exemption
	resolve func(string) (string, bool)
	// redacted caches redact.String per distinct message.
	redacted map[string]string
	// paths interns the findings' field paths.
	paths map[string]string

	st *state
	// dirty is set when an evaluation was interrupted: the next Apply starts over.
	dirty bool
	// assess is what the inventory said about each input kind at the last evaluation.
	assess map[schema.GroupKind]assessment
	// ann caches the exemption annotations of objects that have one, per object version; it
	// is pruned of versions no finding refers to when a posture is published.
	ann map[*check.Object]*annParse

	published atomic.Pointer[posture.Posture]
	// scratch is evalObject's working space.
	scratch struct {
		clean    []int32
		results  []result
		findings []*posture.Finding
	}
	// stats count how Apply re-ran cluster checks: whole, by parts, or not at all because a
	// Projection said the change cannot matter. Tests read them.
	stats struct{ whole, parts, fallback, skipped int }
}

// NewIncremental prepares an incremental engine for opts. Config exemptions expire at
// opts.Now, or at the time of each Full when opts.Now is zero.
func NewIncremental(opts Options) *Incremental {
	e := &Incremental{opts: opts, index: map[string]int{}, redacted: map[string]string{}, paths: map[string]string{}, ann: map[*check.Object]*annParse{}}
	for i, c := range opts.Checks {
		e.index[c.Metadata().ID] = i
		switch k := c.(type) {
		case *check.WorkloadCheck:
			e.workloads = append(e.workloads, k)
		case *check.ClusterCheck:
			e.clusters = append(e.clusters, k)
		case check.ObjectEvaluator:
			e.objects = append(e.objects, k)
		}
	}
	e.resolve = (&exemptions{opts: opts}).resolve
	e.st = newState(e)
	return e
}

// Posture returns the last published posture. It is never modified afterwards, so callers
// may keep it and read it from any goroutine. Before the first Full it is nil.
func (e *Incremental) Posture() *posture.Posture { return e.published.Load() }

// Full evaluates every check over inv and returns the events relative to the previous
// posture: on the first call, a new event per finding.
func (e *Incremental) Full(ctx context.Context, inv Inventory) ([]posture.Event, error) {
	now := e.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	e.config = e.config[:0]
	for _, x := range e.opts.Exemptions {
		c := *x
		c.Used = 0
		c.Expired = Expired(c.Expires, now)
		e.config = append(e.config, &c)
	}
	// The events are relative to the last published posture. The previous state is let go
	// before the new one is built, so that a resync does not hold two; an interrupted
	// evaluation leaves the engine dirty, and the next call starts over with Full.
	var prev []*posture.Finding
	if p := e.published.Load(); p != nil {
		prev = p.Findings
	}
	e.dirty = true
	st := newState(e)
	e.st = st
	// The caches start over too, so that they hold what the current objects need and no more.
	e.redacted, e.paths = map[string]string{}, map[string]string{}
	objs := inv.Objects()
	for i, o := range objs {
		if i%256 == 0 && ctx.Err() != nil {
			e.dirty = true
			return nil, fmt.Errorf("evaluation interrupted: %w", ctx.Err())
		}
		st.putObject(e.evalObject(inv, o))
	}
	for i, c := range e.clusters {
		if ctx.Err() != nil {
			e.dirty = true
			return nil, fmt.Errorf("evaluation interrupted: %w", ctx.Err())
		}
		st.putCluster(i, e.evalCluster(inv, c))
	}
	e.dirty = false
	e.assess = e.assessable(inv)
	st.sortFindings()
	evs := posture.Diff(prev, st.active, time.Now())
	for i := range evs {
		evs[i].Cause = causeFull
	}
	e.publish(inv)
	return evs, nil
}

// Apply re-evaluates what changes can affect and returns the events for what changed: the
// changed objects, the objects they control, and the ClusterChecks that read what changed.
// Before the first Full, after an interrupted evaluation, or when the inventory can read
// more or fewer kinds than before, it evaluates everything instead.
func (e *Incremental) Apply(ctx context.Context, inv Inventory, changes []Change) ([]posture.Event, error) {
	if e.published.Load() == nil || e.dirty || !e.sameAssessable(inv) {
		return e.Full(ctx, inv)
	}
	// Which object scopes and cluster checks to re-evaluate, each with the first change that
	// asked for it.
	type why struct{ cause, manager string }
	scopes := map[objKey]why{}
	var order []objKey
	addScope := func(k objKey, w why) {
		if _, ok := scopes[k]; !ok {
			scopes[k] = w
			order = append(order, k)
		}
	}
	for _, c := range changes {
		cause, manager := c.cause()
		w := why{cause, manager}
		k := c.key()
		addScope(k, w)
		for owned := range e.st.owned[k] {
			addScope(owned, w)
		}
	}
	// A cluster check is re-run whole, or on the parts (namespaces) the changes touched.
	clusters := map[int]why{}
	parts := map[int]map[string]why{}
	for _, c := range changes {
		cause, manager := c.cause()
		w := why{cause, manager}
		for i, cs := range e.st.clusters {
			if _, ok := clusters[i]; ok || cs == nil || !cs.affected(c.Kind, c.Namespace) {
				continue
			}
			if unchanged(e.clusters[i], cs, c) {
				e.stats.skipped++
				continue
			}
			if ps, ok := changeParts(e.clusters[i], c); ok && cs.parts != nil {
				if parts[i] == nil {
					parts[i] = map[string]why{}
				}
				for _, p := range ps {
					if _, ok := parts[i][p]; !ok {
						parts[i][p] = w
					}
				}
				continue
			}
			clusters[i] = w
			delete(parts, i)
		}
	}
	// Evaluate first, commit after: an interrupted evaluation leaves the state as it was.
	newObjs := make([]*objState, len(order))
	for i, k := range order {
		if i%256 == 0 && ctx.Err() != nil {
			e.dirty = true
			return nil, fmt.Errorf("evaluation interrupted: %w", ctx.Err())
		}
		if o, ok := inv.Get(k.gk, k.ns, k.name); ok {
			newObjs[i] = e.evalObject(inv, o)
		}
	}
	newParts := map[int][]partRun{}
	for i := range e.clusters {
		ps, ok := parts[i]
		if !ok {
			continue
		}
		if ctx.Err() != nil {
			e.dirty = true
			return nil, fmt.Errorf("evaluation interrupted: %w", ctx.Err())
		}
		for _, ns := range slices.Sorted(maps.Keys(ps)) {
			e.stats.parts++
			r, ok := e.evalPart(inv, e.clusters[i], ns)
			if !ok { // this part cannot stand alone: run the check whole
				e.stats.fallback++
				clusters[i] = ps[ns]
				delete(newParts, i)
				break
			}
			newParts[i] = append(newParts[i], r)
		}
	}
	newClusters := map[int]*clusterState{}
	for i := range e.clusters {
		if _, ok := clusters[i]; !ok {
			continue
		}
		if ctx.Err() != nil {
			e.dirty = true
			return nil, fmt.Errorf("evaluation interrupted: %w", ctx.Err())
		}
		e.stats.whole++
		newClusters[i] = e.evalCluster(inv, e.clusters[i])
	}
	at := time.Now()
	var evs []posture.Event
	for i, k := range order {
		before := e.st.dropObject(k)
		var after []*posture.Finding
		if newObjs[i] != nil {
			after = e.st.putObject(newObjs[i])
		}
		evs = appendEvents(evs, before, after, at, scopes[k].cause, scopes[k].manager)
	}
	for i := range e.clusters {
		if cs, ok := newClusters[i]; ok {
			before := e.st.dropCluster(i)
			after := e.st.putCluster(i, cs)
			evs = appendEvents(evs, before, after, at, clusters[i].cause, clusters[i].manager)
			continue
		}
		for _, r := range newParts[i] {
			before, after := e.st.putPart(i, r)
			w := parts[i][r.ns]
			evs = appendEvents(evs, before, after, at, w.cause, w.manager)
		}
	}
	e.st.sortFindings()
	e.assess = e.assessable(inv)
	sortEvents(evs)
	e.publish(inv)
	return evs, nil
}

// appendEvents adds the events that turn one scope's active findings before into after.
func appendEvents(evs []posture.Event, before, after []*posture.Finding, at time.Time, cause, manager string) []posture.Event {
	if len(before) == 0 && len(after) == 0 {
		return evs
	}
	for _, ev := range posture.Diff(before, after, at) {
		ev.Cause, ev.Manager = cause, manager
		evs = append(evs, ev)
	}
	return evs
}

// evalObject runs the workload and object checks on o.
func (e *Incremental) evalObject(inv check.Inventory, o *check.Object) *objState {
	s := &objState{obj: o, key: keyOf(o)}
	if ref, gk, ok := controllerOf(o); ok {
		s.owner, s.hasOwner = objKey{gk, o.Ref.Namespace, ref.Name}, true
	}
	skip := len(e.workloads) == 0 || check.ControlledByWorkload(inv, o)
	// The scratch slices are reused from object to object; the state keeps exact-size copies.
	clean, results, findings := e.scratch.clean[:0], e.scratch.results[:0], e.scratch.findings[:0]
	evalObjectChecks(&e.opts.Env, o, skip, e.workloads, e.objects, func(c check.Check, vs []check.Violation, err error) {
		r := result{check: int32(e.index[c.Metadata().ID])}
		if reason, ok := check.NotAssessedReason(err); ok {
			r.notAssessed = reason
			results = append(results, r)
			return
		}
		if err == nil && len(vs) == 0 {
			clean = append(clean, r.check)
			return
		}
		r.evaluated = true
		if err != nil {
			r.err = fmt.Sprintf("%s: %v", o.Ref, err)
		}
		r.from = int32(len(findings))
		for _, v := range vs {
			findings = append(findings, e.finding(c, o, v))
		}
		r.to = int32(len(findings))
		results = append(results, r)
	})
	s.clean, s.results, s.findings = slices.Clone(clean), slices.Clone(results), slices.Clone(findings)
	clear(findings)
	e.scratch.clean, e.scratch.results, e.scratch.findings = clean, results, findings
	return s
}

// evalCluster runs a ClusterCheck over a tracker that records what it reads.
func (e *Incremental) evalCluster(inv check.Inventory, c *check.ClusterCheck) *clusterState {
	cs := &clusterState{}
	if denied := deniedReads(inv, c); denied != "" {
		cs.denied = denied
		return cs
	}
	t := newTracker(inv)
	ovs, err := safely(func() ([]check.ObjectViolation, error) { return c.Run(&e.opts.Env, t) })
	cs.deps, cs.all = t.deps()
	if reason, ok := check.NotAssessedReason(err); ok {
		cs.notAssessed = reason
		return cs
	}
	cs.evaluated = true
	if err != nil {
		cs.err = err.Error()
	}
	for _, ov := range ovs {
		cs.findings = append(cs.findings, e.finding(c, ov.Object, ov.Violation))
		cs.objects = append(cs.objects, ov.Object)
	}
	split(c, cs)
	return cs
}

// finding builds a finding, suppressed when an exemption applies to it. The exemption it
// points at is the engine's own; the published posture's Exemptions carry the use counts.
func (e *Incremental) finding(c check.Check, o *check.Object, v check.Violation) *posture.Finding {
	msg, ok := e.redacted[v.Message]
	if !ok {
		msg = redact.String(v.Message)
		e.redacted[v.Message] = msg
	}
	f := newFinding(c.Metadata(), o, v, msg, e.opts.Frameworks, e.paths)
	id := f.Check.ID
	if a := e.annotation(o); a != nil && a.ex != nil && contains(a.ex.Checks, id) {
		f.Exemption = a.ex
		return f
	}
	for _, x := range e.config {
		if !x.Expired && x.matches(id, o) {
			f.Exemption = &x.Exemption
			return f
		}
	}
	return f
}

// annotation returns o's parsed exemption annotation, nil when it has none.
func (e *Incremental) annotation(o *check.Object) *annParse {
	if a, ok := e.ann[o]; ok {
		return a
	}
	ex, bad := parseAnnotation(o, e.resolve)
	if ex == nil && bad == nil {
		return nil
	}
	a := &annParse{ex: ex, bad: bad}
	e.ann[o] = a
	return a
}

// assessment is what an inventory says about one kind.
type assessment struct {
	ok     bool
	reason string
}

// assessable records what inv says about every kind a check reads.
func (e *Incremental) assessable(inv check.Inventory) map[schema.GroupKind]assessment {
	out := map[schema.GroupKind]assessment{}
	note := func(gk schema.GroupKind) {
		if _, done := out[gk]; !done {
			ok, reason := inv.Assessable(gk)
			out[gk] = assessment{ok, reason}
		}
	}
	for _, c := range e.opts.Checks {
		for _, gk := range c.Inputs() {
			note(gk)
		}
	}
	for _, cs := range e.st.clusters {
		if cs != nil {
			for _, d := range cs.deps {
				note(d.Kind)
			}
		}
	}
	return out
}

func (e *Incremental) sameAssessable(inv check.Inventory) bool {
	for gk, was := range e.assess {
		if ok, reason := inv.Assessable(gk); ok != was.ok || reason != was.reason {
			return false
		}
	}
	return true
}

var _ check.Inventory = (*tracker)(nil)
var _ depDeriver = (*inventory.Index)(nil)

// sortEvents orders a batch's events like posture.Diff: resolved, changed, new; each by key.
func sortEvents(evs []posture.Event) {
	rank := func(t posture.EventType) int {
		switch t {
		case posture.EventResolved:
			return 0
		case posture.EventChanged:
			return 1
		}
		return 2
	}
	posture.SortStable(evs, func(a, b posture.Event) int {
		if c := rank(a.Type) - rank(b.Type); c != 0 {
			return c
		}
		return posture.CompareKey(a.Finding, b.Finding)
	})
}
