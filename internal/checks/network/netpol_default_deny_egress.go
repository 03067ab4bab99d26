package network

import "github.com/strata-sec/strata/internal/check"

// Why: a pod that no policy isolates for egress can open connections to anything: every other
// pod, the API server, the node's kubelet, the cloud metadata endpoint with its credentials,
// and the internet for exfiltration and command-and-control. Egress isolation is independent
// of ingress isolation, and policyTypes defaults to Ingress only, so namespaces that carefully
// restrict ingress are often wide open outbound. The check fails a namespace as soon as one
// of its pods is not egress-isolated (host-network pods excepted: no policy applies to them),
// and a namespace without pods in the input when nothing would isolate future pods. The fix
// is a new object, whose YAML the message gives; remember to allow DNS afterwards.
//
// Scope namespace: a namespace's verdict reads only its own pods (their owners are in the
// same namespace), its own policies' podSelectors and its Namespace object; whether a policy
// selects a pod never depends on another namespace or on namespace labels.
var netpolDefaultDenyEgress = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0231",
		Slug:     "namespace-without-default-deny-egress",
		Title:    "Namespace without default-deny egress",
		Layer:    check.LayerNetwork,
		Severity: check.SeverityMedium,
		Description: "Some pods of the namespace are selected by no NetworkPolicy for egress, so they can connect " +
			"anywhere: other pods, the API server, cloud metadata endpoints and the internet. A compromised " +
			"pod uses that to move laterally, steal cloud credentials and exfiltrate data.",
		Remediation: "Add a NetworkPolicy with an empty podSelector and policyTypes [Egress] to the namespace, then " +
			"allow DNS and the destinations each workload needs with narrower policies.",
		References: []string{
			"https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic",
			"https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
		},
	},
	Reads: policyReads,
	Scope: check.ScopeNamespace,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return missingDefaultDeny(inv, egress)
	},
}
