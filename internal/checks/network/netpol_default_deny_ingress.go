package network

import "github.com/strata-sec/strata/internal/check"

// Why: NetworkPolicy is allow-listing only for pods some policy selects; every other pod
// accepts connections from every pod in the cluster and from anything that can route to the
// pod network. One compromised pod anywhere then reaches every unprotected database and admin
// port. A default-deny policy (empty podSelector, policyTypes [Ingress], no rules) in each
// namespace flips the default, so the allow policies describe all the traffic there is. The
// check fails a namespace as soon as one of its pods is not ingress-isolated, whatever the
// policy doing the isolating is called; host-network pods are left out because no policy can
// isolate them. A namespace with no pods in the input fails when nothing would isolate the pods
// deployed there later. There is no mechanical fix: the fix is a new object, whose YAML the
// message gives.
//
// Scope namespace: a namespace's verdict reads only its own pods (their owners are in the
// same namespace), its own policies' podSelectors and its Namespace object; whether a policy
// selects a pod never depends on another namespace or on namespace labels.
var netpolDefaultDenyIngress = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0230",
		Slug:     "namespace-without-default-deny-ingress",
		Title:    "Namespace without default-deny ingress",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityMedium,
		Description: "Some pods of the namespace are selected by no NetworkPolicy for ingress, so they accept " +
			"connections from every pod in the cluster. Without a default-deny policy, an attacker who " +
			"compromises any pod can reach these pods' every port.",
		Remediation: "Add a NetworkPolicy with an empty podSelector and policyTypes [Ingress] to the namespace, then " +
			"allow the traffic each workload needs with narrower policies.",
		References: []string{
			"https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic",
			"https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
		},
	},
	Reads: policyReads,
	Scope: check.ScopeNamespace,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return missingDefaultDeny(inv, ingress)
	},
}
