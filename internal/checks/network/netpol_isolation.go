package network

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/netpol"
)

// missingDefaultDeny finds, per namespace, the pods no policy isolates in direction d. The
// finding goes on the Namespace object when the input has it, else on the first workload left
// open. A namespace in the input without pods fails when no policy with an empty podSelector
// isolates it: the pods deployed there later would start open.
func missingDefaultDeny(inv check.Inventory, d direction) ([]check.ObjectViolation, error) {
	e, err := netpol.FromInventory(inv)
	if err != nil {
		return nil, fmt.Errorf("evaluate network policies: %w", err)
	}
	byNS := podsByNamespace(e)
	var out []check.ObjectViolation
	for _, ns := range namespaceNames(inv, byNS) {
		nsObj, hasNS := inv.Get(namespaceKind, "", ns)
		var open []*netpol.Pod
		for _, p := range byNS[ns] {
			if !p.HostNetwork && !podIsolated(e, p, d) {
				open = append(open, p)
			}
		}
		openOwners := owners(inv, open)
		var msg string
		switch {
		case len(byNS[ns]) == 0 && !hasEmptySelectorPolicy(inv, ns, d):
			msg = fmt.Sprintf("namespace %s has no policy isolating all its pods for %s", ns, strings.ToLower(string(d)))
		case len(open) > 0 && len(openOwners) > 0:
			msg = fmt.Sprintf("namespace %s has pods no policy isolates for %s (%s)", ns, strings.ToLower(string(d)), refNames(openOwners))
		default:
			continue
		}
		msg += "; add a default-deny policy: " + defaultDenyYAML(ns, d)
		switch {
		case hasNS:
			out = append(out, check.ObjectViolation{Object: nsObj, Violation: check.Violation{Message: msg}})
		case len(openOwners) > 0:
			o := openOwners[0]
			out = append(out, check.ObjectViolation{Object: o, Violation: check.Violation{Path: labelsPath(o), Message: msg}})
		}
	}
	return out, nil
}

// hasEmptySelectorPolicy reports whether a policy of ns selects all its pods for d.
func hasEmptySelectorPolicy(inv check.Inventory, ns string, d direction) bool {
	for _, np := range policies(inv, ns) {
		sel := np.Spec.PodSelector
		if len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0 && isolates(np, d) {
			return true
		}
	}
	return false
}

// defaultDenyYAML is the policy that isolates every pod of ns for d, in flow-style YAML.
func defaultDenyYAML(ns string, d direction) string {
	return fmt.Sprintf("{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-deny-%s, namespace: %s}, "+
		"spec: {podSelector: {}, policyTypes: [%s]}}", strings.ToLower(string(d)), ns, d)
}
