package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the kubelet keeps the iptables utility chains (KUBE-FIREWALL and friends) that drop
// martian traffic to localhost-bound services. Without them, hand-managed rules drift from
// what pods' networking needs, and a pod can reach services bound to 127.0.0.1 on the node
// through route_localnet tricks.
var kubeletIPTablesChains = factsCheck(check.Meta{
	ID:       "ST-0306",
	Slug:     "kubelet-iptables-util-chains-disabled",
	Title:    "Kubelet does not manage its iptables chains",
	Layer:    check.LayerNode,
	Severity: check.SeverityLow,
	Description: "--make-iptables-util-chains or makeIPTablesUtilChains is false, so the kubelet does not keep " +
		"its iptables utility chains in place (CIS Kubernetes Benchmark 4.2.6). The default is true.",
	Remediation: "Remove makeIPTablesUtilChains: false from the kubelet configuration file (or set it to true) and remove --make-iptables-util-chains=false, then restart the kubelet.",
	References:  kubeletReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	k, err := kubeletOf(f)
	if err != nil {
		return nil, err
	}
	s := k.get("make-iptables-util-chains", "makeIPTablesUtilChains")
	if !s.set {
		return nil, nil
	}
	on, err := s.boolean()
	if err != nil || on {
		return nil, err
	}
	return one(s.path, "%s is false: the kubelet does not manage its iptables utility chains (CIS 4.2.6)", s.name), nil
})
