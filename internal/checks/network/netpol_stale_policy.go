package network

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/netpol"
)

// Why: a policy whose podSelector matches no pod protects nothing, yet reads in review as if
// the workload it was written for were isolated; the usual cause is a label renamed in the
// Deployment but not in the policy. Likewise an allow rule whose same-namespace podSelector
// peer matches no pod admits nobody, and the client it was meant for is silently cut off or
// (worse) let in by a broader rule someone adds next. The check is only meaningful when the
// input holds the namespace's workloads, so it judges only namespaces with at least one pod
// in the input; peers that name other namespaces are not judged, because a manifest scan
// rarely holds every namespace.
//
// Scope namespace: a policy is judged against the pods of its own namespace only, and peers
// with a namespaceSelector (the only ones reading other namespaces) are skipped.
var netpolStalePolicy = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0235",
		Slug:     "network-policy-selects-nothing",
		Title:    "NetworkPolicy selects or admits no pod",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityLow,
		Description: "The NetworkPolicy's podSelector, or a same-namespace podSelector peer of its rules, matches no " +
			"pod of its namespace. The policy protects nothing, or its rule admits nobody, usually because " +
			"the workload's labels changed.",
		Remediation: "Fix the selector to match the labels of the pods it is meant for, or delete the policy.",
		References: []string{
			"https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource",
		},
	},
	Reads: policyReads,
	Scope: check.ScopeNamespace,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		e, err := netpol.FromInventory(inv)
		if err != nil {
			return nil, fmt.Errorf("evaluate network policies: %w", err)
		}
		byNS := podsByNamespace(e)
		var out []check.ObjectViolation
		for _, o := range inv.List(networkPolicyKind, "") {
			vs, err := stalePolicy(o, byNS[o.Ref.Namespace])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", o.Ref, err)
			}
			for _, v := range vs {
				out = append(out, check.ObjectViolation{Object: o, Violation: v})
			}
		}
		return out, nil
	},
}

func stalePolicy(o *check.Object, pods []*netpol.Pod) ([]check.Violation, error) {
	np, ok := o.Obj.(*networkingv1.NetworkPolicy)
	if !ok || len(pods) == 0 {
		return nil, nil
	}
	var out []check.Violation
	matchesNone := func(sel *metav1.LabelSelector) (bool, error) {
		for _, p := range pods {
			if ok, err := selects(sel, p.Labels); err != nil || ok {
				return false, err
			}
		}
		return true, nil
	}
	none, err := matchesNone(&np.Spec.PodSelector)
	if err != nil {
		return nil, err
	}
	if none {
		out = append(out, check.Violation{Path: field.NewPath("spec", "podSelector"),
			Message: fmt.Sprintf("podSelector matches no pod in namespace %s: the policy protects nothing", o.Ref.Namespace)})
	}
	in, eg := directions(np)
	type peers struct {
		path *field.Path
		list []networkingv1.NetworkPolicyPeer
	}
	var all []peers
	for i, r := range np.Spec.Ingress {
		if in {
			all = append(all, peers{field.NewPath("spec", "ingress").Index(i).Child("from"), r.From})
		}
	}
	for i, r := range np.Spec.Egress {
		if eg {
			all = append(all, peers{field.NewPath("spec", "egress").Index(i).Child("to"), r.To})
		}
	}
	for _, ps := range all {
		for j, p := range ps.list {
			if p.PodSelector == nil || p.NamespaceSelector != nil {
				continue
			}
			none, err := matchesNone(p.PodSelector)
			if err != nil {
				return nil, err
			}
			if none {
				out = append(out, check.Violation{Path: ps.path.Index(j).Child("podSelector"),
					Message: fmt.Sprintf("peer podSelector matches no pod in namespace %s: the rule admits nobody through it", o.Ref.Namespace)})
			}
		}
	}
	return out, nil
}
