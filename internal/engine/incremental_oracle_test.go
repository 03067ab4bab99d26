package engine

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/posture"
)

var oracleNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func registryOptions(t testing.TB) Options {
	t.Helper()
	reg, err := checks.Registry()
	if err != nil {
		t.Fatal(err)
	}
	known := func(name string) (string, bool) {
		c, ok := reg.Lookup(name)
		if !ok {
			return "", false
		}
		return c.Metadata().ID, true
	}
	return Options{Checks: reg.All(), KnownChecks: known, Now: oracleNow}
}

// configExemption exempts app-1 Deployments from every privileged-container finding; a new
// copy per evaluation, since Evaluate counts uses in it.
func configExemption(opts Options) []*Exemption {
	var ids []string
	for _, c := range opts.Checks {
		ids = append(ids, c.Metadata().ID)
	}
	return []*Exemption{{Exemption: posture.Exemption{Checks: ids, Reason: "legacy", Source: "strata.yaml:3"},
		Names: []string{"app-1"}, Kinds: []string{"Deployment"}, Namespaces: []string{"team-2"}}}
}

// findingSet renders findings as sorted "key severity message [exemption]" lines.
func findingSet(fs []*posture.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		ex := ""
		if f.Exemption != nil {
			ex = " exempt:" + f.Exemption.Source
		}
		out = append(out, fmt.Sprintf("%s %s %q%s", f.Key(), f.Severity, f.Message, ex))
	}
	sort.Strings(out)
	return out
}

func coverageSet(cs []posture.Coverage) []string {
	var out []string
	for _, c := range cs {
		errs := slices.Clone(c.Errors)
		sort.Strings(errs)
		out = append(out, fmt.Sprintf("%s %s e=%d f=%d %q %v", c.CheckID, c.Status, c.Evaluated, c.Failed, c.Reason, errs))
	}
	return out
}

func exemptionSet(es []*posture.Exemption) []string {
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s %v used=%d expired=%v", e.Source, e.Checks, e.Used, e.Expired))
	}
	sort.Strings(out)
	return out
}

func errorSet(es []posture.InputError) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Message)
	}
	sort.Strings(out)
	return out
}

// diffLines reports lines only in want or only in got.
func diffLines(what string, want, got []string) string {
	w, g := map[string]int{}, map[string]int{}
	for _, l := range want {
		w[l]++
	}
	for _, l := range got {
		g[l]++
	}
	var b strings.Builder
	for l, n := range w {
		if g[l] != n {
			fmt.Fprintf(&b, "  %s: want %d× %s (got %d)\n", what, n, l, g[l])
		}
	}
	for l, n := range g {
		if _, ok := w[l]; !ok {
			fmt.Fprintf(&b, "  %s: unexpected %d× %s\n", what, n, l)
		}
	}
	return b.String()
}

// compare checks that the incremental posture equals a fresh evaluation of the same objects.
func compare(t *testing.T, step string, ix *inventory.Index, denied map[schema.GroupKind]string, opts Options, got *posture.Posture) {
	t.Helper()
	fresh := inventory.NewIndex(slices.Clone(ix.Objects()))
	for gk, reason := range denied {
		fresh.Deny(gk, reason)
	}
	o := opts
	o.Exemptions = configExemption(opts)
	want, err := Evaluate(context.Background(), fresh, o)
	if err != nil {
		t.Fatal(err)
	}
	d := diffLines("finding", findingSet(want.Findings), findingSet(got.Findings)) +
		diffLines("suppressed", findingSet(want.Suppressed), findingSet(got.Suppressed)) +
		diffLines("coverage", coverageSet(want.Coverage), coverageSet(got.Coverage)) +
		diffLines("exemption", exemptionSet(want.Exemptions), exemptionSet(got.Exemptions)) +
		diffLines("error", errorSet(want.Errors), errorSet(got.Errors))
	if d != "" {
		t.Fatalf("after %s the incremental posture differs from Evaluate:\n%s", step, d)
	}
	for i := 1; i < len(got.Findings); i++ {
		if posture.Less(got.Findings[i], got.Findings[i-1]) {
			t.Fatalf("after %s findings are not sorted at %d", step, i)
		}
	}
}

// applyEvents turns the previous active findings into the next with events, by key.
func applyEvents(t *testing.T, step string, prev map[string]string, evs []posture.Event) {
	t.Helper()
	for _, ev := range evs {
		k := ev.Finding.Key()
		switch ev.Type {
		case posture.EventNew:
			if _, ok := prev[k]; ok {
				t.Fatalf("%s: new event for a finding already there: %s", step, k)
			}
			prev[k] = ev.Finding.Message
		case posture.EventResolved:
			if _, ok := prev[k]; !ok {
				t.Fatalf("%s: resolved event for an unknown finding: %s", step, k)
			}
			delete(prev, k)
		case posture.EventChanged:
			prev[k] = ev.Finding.Message
		}
		if ev.Cause == "" {
			t.Fatalf("%s: event without cause: %+v", step, ev)
		}
	}
}

func activeMap(p *posture.Posture) map[string]string {
	out := map[string]string{}
	for _, f := range p.Findings {
		out[f.Key()] = f.Message
	}
	return out
}

// mutator makes random changes to an Index the way a watcher would, and returns them.
type mutator struct {
	g       *cluster
	ix      *inventory.Index
	deleted []*check.Object // objects deleted, for re-adding with the same UID
	denied  map[schema.GroupKind]string
	n       int
}

func (m *mutator) pick(gk schema.GroupKind) *check.Object {
	objs := m.ix.List(gk, "")
	if len(objs) == 0 {
		return nil
	}
	return objs[m.g.r.IntN(len(objs))]
}

func (m *mutator) upsert(o *check.Object) Change {
	old, _ := m.ix.Get(o.Ref.GroupKind(), o.Ref.Namespace, o.Ref.Name)
	m.ix.Upsert(o)
	return Change{Kind: o.Ref.GroupKind(), Namespace: o.Ref.Namespace, Name: o.Ref.Name, Old: old, New: o}
}

func (m *mutator) remove(o *check.Object) Change {
	old, _ := m.ix.Delete(o.Ref.GroupKind(), o.Ref.Namespace, o.Ref.Name)
	m.deleted = append(m.deleted, old)
	return Change{Kind: o.Ref.GroupKind(), Namespace: o.Ref.Namespace, Name: o.Ref.Name, Old: old}
}

// copyOf returns a new version of o (same identity and UID) with its object deep-copied.
func copyOf(o *check.Object) (*check.Object, metav1.Object) {
	obj := o.Obj.DeepCopyObject()
	c := *o
	c.Obj = obj
	c.Meta = obj.(metav1.Object)
	return &c, c.Meta
}

var (
	gkDeploy  = schema.GroupKind{Group: "apps", Kind: "Deployment"}
	gkPod     = schema.GroupKind{Kind: "Pod"}
	gkNS      = schema.GroupKind{Kind: "Namespace"}
	gkNP      = schema.GroupKind{Group: "networking.k8s.io", Kind: "NetworkPolicy"}
	gkRB      = schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}
	gkService = schema.GroupKind{Kind: "Service"}
	gkSA      = schema.GroupKind{Kind: "ServiceAccount"}
)

func (m *mutator) step() (string, []Change) {
	r := m.g.r
	m.n++
	switch op := r.IntN(16); op {
	case 0, 1: // a Deployment turns privileged or compliant
		d := m.pick(gkDeploy)
		if d == nil {
			return "noop", nil
		}
		c, _ := copyOf(d)
		dep := c.Obj.(*appsv1.Deployment)
		dep.Spec.Template.Spec = m.g.podSpec(d.Ref.Name, !dep.Spec.Template.Spec.HostNetwork)
		return "update " + d.Ref.String(), []Change{m.upsert(c)}
	case 2: // a pod changes
		p := m.pick(gkPod)
		if p == nil {
			return "noop", nil
		}
		c, _ := copyOf(p)
		pod := c.Obj.(*corev1.Pod)
		pod.Spec = m.g.podSpec(pod.Spec.ServiceAccountName, !pod.Spec.HostNetwork)
		return "update " + p.Ref.String(), []Change{m.upsert(c)}
	case 3: // a Deployment (or Pod) is deleted: what it controlled is evaluated
		gk := gkDeploy
		if r.IntN(3) == 0 {
			gk = gkPod
		}
		o := m.pick(gk)
		if o == nil {
			return "noop", nil
		}
		return "delete " + o.Ref.String(), []Change{m.remove(o)}
	case 4: // something deleted comes back with its UID
		if len(m.deleted) == 0 {
			return "noop", nil
		}
		i := r.IntN(len(m.deleted))
		o := m.deleted[i]
		m.deleted = slices.Delete(m.deleted, i, i+1)
		return "re-add " + o.Ref.String(), []Change{m.upsert(o)}
	case 5: // exemption annotations come and go, well or badly formed
		o := m.pick([]schema.GroupKind{gkDeploy, gkPod, gkService, gkNS}[r.IntN(4)])
		if o == nil {
			return "noop", nil
		}
		c, meta := copyOf(o)
		ann := map[string]string{}
		switch r.IntN(4) {
		case 0:
			ann[AnnotationExempt] = "ST-0001, " + m.anyCheck()
			ann[AnnotationExemptReason] = "accepted"
		case 1:
			ann[AnnotationExempt] = m.anyCheck()
		case 2:
			ann[AnnotationExempt] = "no-such-check"
			ann[AnnotationExemptReason] = "typo"
		}
		meta.SetAnnotations(ann)
		return "annotate " + o.Ref.String(), []Change{m.upsert(c)}
	case 6: // a RoleBinding to cluster-admin, or a binding removed
		if r.IntN(2) == 0 {
			if o := m.pick(gkRB); o != nil {
				return "delete " + o.Ref.String(), []Change{m.remove(o)}
			}
		}
		ns := fmt.Sprintf("team-%d", r.IntN(8))
		return "bind cluster-admin in " + ns, []Change{m.upsert(m.g.binding(ns, fmt.Sprintf("admin-%d", m.n), "ClusterRole", "cluster-admin", ns, "app-0"))}
	case 7: // NetworkPolicies come and go
		if r.IntN(2) == 0 {
			if o := m.pick(gkNP); o != nil {
				return "delete " + o.Ref.String(), []Change{m.remove(o)}
			}
		}
		ns := fmt.Sprintf("team-%d", r.IntN(8))
		return "deny-all in " + ns, []Change{m.upsert(m.g.denyAll(ns, fmt.Sprintf("deny-%d", m.n)))}
	case 8: // namespace labels change, or a namespace goes
		o := m.pick(gkNS)
		if o == nil {
			return "noop", nil
		}
		if r.IntN(4) == 0 {
			return "delete " + o.Ref.String(), []Change{m.remove(o)}
		}
		c, meta := copyOf(o)
		meta.SetLabels(map[string]string{"pod-security.kubernetes.io/enforce": []string{"privileged", "baseline", "restricted"}[r.IntN(3)]})
		return "relabel " + o.Ref.String(), []Change{m.upsert(c)}
	case 9: // a Service is exposed, or a ServiceAccount mounts tokens
		if r.IntN(2) == 0 {
			o := m.pick(gkService)
			if o == nil {
				return "noop", nil
			}
			c, _ := copyOf(o)
			c.Obj.(*corev1.Service).Spec.Type = []corev1.ServiceType{corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort, corev1.ServiceTypeClusterIP}[r.IntN(3)]
			return "expose " + o.Ref.String(), []Change{m.upsert(c)}
		}
		o := m.pick(gkSA)
		if o == nil {
			return "noop", nil
		}
		c, _ := copyOf(o)
		yes := true
		c.Obj.(*corev1.ServiceAccount).AutomountServiceAccountToken = &yes
		return "automount " + o.Ref.String(), []Change{m.upsert(c)}
	case 10: // a burst: several changes in one batch
		var all []Change
		var names []string
		for range 3 {
			s, cs := m.step()
			names = append(names, s)
			all = append(all, cs...)
		}
		return "burst [" + strings.Join(names, "; ") + "]", all
	case 11, 12, 13, 14:
		return m.partitionStep(op)
	default: // a kind becomes unreadable, or readable again
		if _, ok := m.denied[gkNP]; ok {
			delete(m.denied, gkNP)
			m.ix.Allow(gkNP)
			return "allow NetworkPolicy", nil
		}
		m.denied[gkNP] = "forbidden by RBAC"
		m.ix.Deny(gkNP, "forbidden by RBAC")
		return "deny NetworkPolicy", nil
	}
}

func (m *mutator) anyCheck() string {
	return []string{"ST-0001", "ST-0002", "privileged", "ST-0100"}[m.g.r.IntN(4)]
}

func TestIncrementalMatchesEvaluate(t *testing.T) {
	opts := registryOptions(t)
	steps := 120
	if testing.Short() {
		steps = 30
	}
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			g := newCluster(seed)
			ix := inventory.NewIndex(g.inventory(8, 3, 2))
			m := &mutator{g: g, ix: ix, denied: map[schema.GroupKind]string{}}
			o := opts
			o.Exemptions = configExemption(opts)
			e := NewIncremental(o)
			evs, err := e.Full(context.Background(), ix)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != len(e.Posture().Findings) {
				t.Fatalf("first Full: %d events for %d findings", len(evs), len(e.Posture().Findings))
			}
			compare(t, "full", ix, m.denied, opts, e.Posture())
			prev := activeMap(e.Posture())
			for i := range steps {
				what, changes := m.step()
				step := fmt.Sprintf("step %d (%s)", i, what)
				evs, err := e.Apply(context.Background(), ix, changes)
				if err != nil {
					t.Fatal(err)
				}
				compare(t, step, ix, m.denied, opts, e.Posture())
				applyEvents(t, step, prev, evs)
				if d := diffLines("active", mapLines(activeMap(e.Posture())), mapLines(prev)); d != "" {
					t.Fatalf("%s: events do not turn the previous posture into the new one:\n%s", step, d)
				}
			}
			// Every way of re-running a cluster check was taken, so the comparisons above
			// covered it.
			t.Logf("cluster checks re-run: %+v", e.stats)
			if !testing.Short() && (e.stats.whole == 0 || e.stats.parts == 0 || e.stats.fallback == 0 || e.stats.skipped == 0) {
				t.Errorf("a re-evaluation path was never taken: %+v", e.stats)
			}
		})
	}
}

func mapLines(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+" "+v)
	}
	return out
}
