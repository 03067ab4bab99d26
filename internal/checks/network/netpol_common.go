package network

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/netpol"
	"github.com/strata-sec/strata/internal/podspec"
)

var (
	namespaceKind     = schema.GroupKind{Kind: "Namespace"}
	networkPolicyKind = schema.GroupKind{Group: "networking.k8s.io", Kind: "NetworkPolicy"}
	// policyReads are the inputs of the cluster-wide policy checks: what the NetworkPolicy
	// engine reads (namespaces, policies, every kind that makes pods).
	policyReads = netpol.Inputs
)

// direction is ingress or egress.
type direction string

const (
	ingress direction = "Ingress"
	egress  direction = "Egress"
)

// directions returns which directions a policy isolates, after policyTypes defaulting: Ingress
// always, Egress when the policy has egress rules, unless policyTypes lists them explicitly.
func directions(np *networkingv1.NetworkPolicy) (in, out bool) {
	if len(np.Spec.PolicyTypes) == 0 {
		return true, len(np.Spec.Egress) > 0
	}
	return slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress),
		slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
}

// isolates reports whether np isolates its pods in direction d.
func isolates(np *networkingv1.NetworkPolicy, d direction) bool {
	in, out := directions(np)
	if d == ingress {
		return in
	}
	return out
}

// podIsolated reports whether some policy selects p for direction d.
func podIsolated(e *netpol.Engine, p *netpol.Pod, d direction) bool {
	in, out := e.SelectingPolicies(p)
	if d == ingress {
		return len(in) > 0
	}
	return len(out) > 0
}

// podsByNamespace groups the engine's pods by namespace, keeping input order.
func podsByNamespace(e *netpol.Engine) map[string][]*netpol.Pod {
	out := map[string][]*netpol.Pod{}
	for _, p := range e.Pods() {
		out[p.Namespace] = append(out[p.Namespace], p)
	}
	return out
}

// owners returns the distinct objects the pods came from, in first-seen order. A pod whose
// owner is not in the inventory is left out: there is no object to place a finding on.
func owners(inv check.Inventory, pods []*netpol.Pod) []*check.Object {
	var out []*check.Object
	seen := map[*check.Object]bool{}
	for _, p := range pods {
		o, ok := inv.Get(p.Owner.GroupKind(), p.Owner.Namespace, p.Owner.Name)
		if !ok || seen[o] {
			continue
		}
		seen[o] = true
		out = append(out, o)
	}
	return out
}

// labelsPath is the field path of the pod labels in a workload object: metadata.labels for a
// Pod, the template's metadata.labels for controllers. Policies select pods by these labels.
func labelsPath(o *check.Object) *field.Path {
	t, ok := podspec.Extract(o.Obj)
	if !ok {
		return nil
	}
	segs := strings.Split(t.Path.String(), ".")
	segs[len(segs)-1] = "metadata"
	if len(segs) == 1 {
		return field.NewPath("metadata", "labels")
	}
	return field.NewPath(segs[0], append(segs[1:], "labels")...)
}

// refNames renders the objects as Kind/name, at most five, then how many more.
func refNames(objs []*check.Object) string {
	var names []string
	for _, o := range objs {
		names = append(names, o.Ref.Kind+"/"+o.Ref.Name)
	}
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more", len(names)-5)
	}
	return strings.Join(names, ", ")
}

// selects reports whether a label selector selects a label set; a nil selector selects
// nothing, an empty one everything.
func selects(sel *metav1.LabelSelector, set map[string]string) (bool, error) {
	if sel == nil {
		return false, nil
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return false, err
	}
	return s.Matches(labels.Set(set)), nil
}

// namespaceNames returns every namespace the inventory declares or holds pods in, sorted.
func namespaceNames(inv check.Inventory, pods map[string][]*netpol.Pod) []string {
	seen := map[string]bool{}
	for _, o := range inv.List(namespaceKind, "") {
		seen[o.Ref.Name] = true
	}
	for ns := range pods {
		seen[ns] = true
	}
	out := make([]string, 0, len(seen))
	for ns := range seen {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// policies returns the typed NetworkPolicies of a namespace.
func policies(inv check.Inventory, ns string) []*networkingv1.NetworkPolicy {
	var out []*networkingv1.NetworkPolicy
	for _, o := range inv.List(networkPolicyKind, ns) {
		if np, ok := o.Obj.(*networkingv1.NetworkPolicy); ok {
			out = append(out, np)
		}
	}
	return out
}
