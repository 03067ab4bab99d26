package network

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/netpol"
)

// Why: the namespace-level check says a namespace lacks a default deny; this one names each
// workload that is open, because that is what an attacker who lands in any pod of the cluster
// can reach on every port. A workload counts as open when a pod it makes is selected by no
// policy for ingress (a typo in a podSelector label is the usual cause). Host-network pods are
// left out: no policy applies to them, and workload checks flag hostNetwork itself. The path
// points at the pod labels the policies select on.
//
// Scope namespace: a pod is isolated by the policies of its own namespace whose podSelector
// matches it, and the finding is placed on its owner, found by controller references inside
// the same namespace; no namespace labels or other namespaces are read.
var netpolUnselectedWorkload = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0232",
		Slug:     "workload-not-selected-by-ingress-policy",
		Title:    "Workload selected by no ingress NetworkPolicy",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityMedium,
		Description: "No NetworkPolicy selects the workload's pods for ingress, so every pod in the cluster can " +
			"connect to every port they listen on. A compromise anywhere in the cluster reaches this workload.",
		Remediation: "Select the workload's pods with an ingress NetworkPolicy (or a default-deny policy in its " +
			"namespace) that admits only the clients it serves.",
		References: []string{
			"https://kubernetes.io/docs/concepts/services-networking/network-policies/#isolated-and-non-isolated-pods",
		},
	},
	Reads: policyReads,
	Scope: check.ScopeNamespace,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		e, err := netpol.FromInventory(inv)
		if err != nil {
			return nil, fmt.Errorf("evaluate network policies: %w", err)
		}
		var open []*netpol.Pod
		for _, p := range e.Pods() {
			if !p.HostNetwork && !podIsolated(e, p, ingress) {
				open = append(open, p)
			}
		}
		var out []check.ObjectViolation
		for _, o := range owners(inv, open) {
			out = append(out, check.ObjectViolation{Object: o, Violation: check.Violation{
				Path: labelsPath(o),
				Message: fmt.Sprintf("no NetworkPolicy selects the pods of %s/%s for ingress: every pod in the cluster can reach them",
					o.Ref.Kind, o.Ref.Name),
			}})
		}
		return out, nil
	},
}
