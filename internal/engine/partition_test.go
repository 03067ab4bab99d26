package engine

import (
	"fmt"
	"slices"
	"sort"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
)

// scoped returns the registered ClusterChecks that declare ScopeNamespace or a Projection.
func scoped(t *testing.T) (parts, projected []*check.ClusterCheck) {
	for _, c := range registryOptions(t).Checks {
		if cc, ok := c.(*check.ClusterCheck); ok {
			if cc.Scope == check.ScopeNamespace {
				parts = append(parts, cc)
			}
			if cc.Projection != nil {
				projected = append(projected, cc)
			}
		}
	}
	return parts, projected
}

// runLines runs c over inv and renders its findings as "part|object|path|message" lines;
// only the findings whose part keep says yes are kept.
func runLines(c *check.ClusterCheck, inv check.Inventory, keep func(part string) bool) ([]string, error) {
	ovs, err := safely(func() ([]check.ObjectViolation, error) { return c.Run(&check.Env{}, inv) })
	if err != nil {
		return nil, err
	}
	var out []string
	for _, ov := range ovs {
		if p := objectPart(ov.Object); keep(p) {
			out = append(out, fmt.Sprintf("%s|%s|%s|%s", p, ov.Object.Ref, ov.Violation.Path, ov.Violation.Message))
		}
	}
	sort.Strings(out)
	return out, nil
}

// TestScopeNamespaceHolds checks every ScopeNamespace declaration against its promise on
// random inventories: the whole run's findings in namespace X are part X's, no part reports
// in another namespace, findings on cluster-scoped objects do not depend on the part, and a
// whole run fails only when a part does.
func TestScopeNamespaceHolds(t *testing.T) {
	checks, _ := scoped(t)
	if len(checks) < 6 {
		t.Fatalf("only %d ScopeNamespace checks registered; the declarations went missing", len(checks))
	}
	g := newCluster(11)
	ix := inventory.NewIndex(g.inventory(6, 3, 2))
	m := &mutator{g: g, ix: ix, denied: map[schema.GroupKind]string{}}
	steps := 40
	if testing.Short() {
		steps = 10
	}
	failures := 0
	compared := map[string]int{}
	for step := range steps {
		for range 4 {
			m.step()
		}
		// Objects of namespaced kinds without a namespace make the engine run whole; leave
		// them out here. On even steps leave out the policies that do not compile, and do not
		// deny any kind, so that the policy checks are compared too.
		var objs []*check.Object
		namespaces := map[string]bool{}
		for _, o := range ix.Objects() {
			if o.Ref.Namespace == "" && check.Namespaced(o.Ref.GroupKind()) {
				continue
			}
			if np, ok := o.Obj.(*networkingv1.NetworkPolicy); ok && step%2 == 0 && slices.ContainsFunc(np.Spec.PodSelector.MatchExpressions,
				func(r metav1.LabelSelectorRequirement) bool { return r.Operator == "Bogus" }) {
				continue
			}
			objs = append(objs, o)
			if p := objectPart(o); p != "" {
				namespaces[p] = true
			}
		}
		inv := inventory.NewIndex(objs)
		for gk, reason := range m.denied {
			if step%2 == 1 {
				inv.Deny(gk, reason)
			}
		}
		for _, c := range checks {
			if denied := deniedReads(inv, c); denied != "" {
				continue
			}
			whole, wholeErr := runLines(c, inv, func(string) bool { return true })
			var union []string
			partFailed := false
			for _, ns := range slices.Sorted(func(yield func(string) bool) {
				for ns := range namespaces {
					if !yield(ns) {
						return
					}
				}
			}) {
				v := &partView{c: c, t: newTracker(inv), ns: ns}
				got, err := runLines(c, v, func(p string) bool { return true })
				if err != nil {
					partFailed = true
					continue
				}
				for _, l := range got {
					p, _, _ := cut(l)
					switch p {
					case ns:
						union = append(union, l)
					case "":
						if !slices.Contains(whole, l) && wholeErr == nil {
							t.Errorf("step %d %s part %s: finding on a cluster-scoped object the whole run does not make: %s", step, c.ID, ns, l)
						}
					default:
						t.Errorf("step %d %s part %s: finding in another namespace: %s", step, c.ID, ns, l)
					}
				}
			}
			if wholeErr != nil {
				failures++
				if !partFailed {
					t.Errorf("step %d %s: the whole run fails (%v) but no part does", step, c.ID, wholeErr)
				}
				continue
			}
			var wholeNS []string
			for _, l := range whole {
				if p, _, _ := cut(l); p != "" {
					wholeNS = append(wholeNS, l)
				}
			}
			sort.Strings(union)
			compared[c.ID]++
			if d := diffLines("finding", wholeNS, union); d != "" {
				t.Errorf("step %d %s: the whole run and the union of its parts differ:\n%s", step, c.ID, d)
			}
		}
	}
	t.Logf("%d ScopeNamespace checks, %d steps, %d failing whole runs; compared %v", len(checks), steps, failures, compared)
	for _, c := range checks {
		if compared[c.ID] < steps/4 {
			t.Errorf("%s was compared on only %d of %d inventories", c.ID, compared[c.ID], steps)
		}
	}
}

func cut(line string) (part, rest string, ok bool) {
	for i := range len(line) {
		if line[i] == '|' {
			return line[:i], line[i+1:], true
		}
	}
	return line, "", false
}

// TestProjectionHolds checks every Projection declaration: an update that keeps an object's
// projection, on an object the check placed no finding on, leaves the check's findings as
// they were.
func TestProjectionHolds(t *testing.T) {
	_, checks := scoped(t)
	if len(checks) < 2 {
		t.Fatalf("only %d checks declare a Projection", len(checks))
	}
	g := newCluster(12)
	ix := inventory.NewIndex(g.inventory(6, 3, 2))
	m := &mutator{g: g, ix: ix, denied: map[schema.GroupKind]string{}}
	steps := 150
	if testing.Short() {
		steps = 40
	}
	held := 0
	all := func(string) bool { return true }
	for step := range steps {
		before := map[string][]string{}
		for _, c := range checks {
			before[c.ID], _ = runLines(c, ix, all)
		}
		what, changes := m.step()
		for _, c := range checks {
			for _, ch := range changes {
				if ch.Old == nil || ch.New == nil || len(changes) != 1 {
					continue
				}
				a, okA := c.Projection(ch.Old)
				b, okB := c.Projection(ch.New)
				if !okA || !okB || a != b || slices.ContainsFunc(before[c.ID], func(l string) bool {
					_, rest, _ := cut(l)
					return len(rest) > len(ch.Old.Ref.String()) && rest[:len(ch.Old.Ref.String())+1] == ch.Old.Ref.String()+"|"
				}) {
					continue
				}
				after, _ := runLines(c, ix, all)
				held++
				if d := diffLines("finding", before[c.ID], after); d != "" {
					t.Errorf("step %d (%s): %s's projection is unchanged but its findings changed:\n%s", step, what, c.ID, d)
				}
			}
		}
	}
	if held == 0 && !testing.Short() {
		t.Fatal("no update kept a projection: the test checked nothing")
	}
	t.Logf("%d updates kept a projection", held)
}

// TestChangePartsHolds checks every ChangeParts declaration: a change to an object of a kind
// the parts do not split changes the whole run's findings only in the namespaces ChangeParts
// names for the object as it was and as it is.
func TestChangePartsHolds(t *testing.T) {
	var checks []*check.ClusterCheck
	for _, c := range registryOptions(t).Checks {
		if cc, ok := c.(*check.ClusterCheck); ok && cc.ChangeParts != nil {
			checks = append(checks, cc)
		}
	}
	if len(checks) == 0 {
		t.Fatal("no check declares ChangeParts")
	}
	g := newCluster(13)
	ix := inventory.NewIndex(g.inventory(6, 3, 2))
	m := &mutator{g: g, ix: ix, denied: map[schema.GroupKind]string{}}
	steps := 200
	if testing.Short() {
		steps = 50
	}
	narrowed := 0
	all := func(string) bool { return true }
	for step := range steps {
		before := map[string][]string{}
		for _, c := range checks {
			before[c.ID], _ = runLines(c, ix, all)
		}
		what, changes := m.step()
		for _, c := range checks {
			if len(changes) != 1 {
				continue
			}
			ps, ok := changeParts(c, changes[0])
			if _, split := changePart(c, changes[0].Kind, changes[0].Namespace, changes[0].Name); !ok || split {
				continue
			}
			narrowed++
			after, _ := runLines(c, ix, all)
			var b, a []string
			outside := func(ls []string) (out []string) {
				for _, l := range ls {
					if p, _, _ := cut(l); !slices.Contains(ps, p) {
						out = append(out, l)
					}
				}
				return out
			}
			b, a = outside(before[c.ID]), outside(after)
			if d := diffLines("finding", b, a); d != "" {
				t.Errorf("step %d (%s): %s changed findings outside %v:\n%s", step, what, c.ID, ps, d)
			}
		}
	}
	if narrowed == 0 && !testing.Short() {
		t.Fatal("no change was narrowed by ChangeParts: the test checked nothing")
	}
	t.Logf("%d changes narrowed", narrowed)
}
