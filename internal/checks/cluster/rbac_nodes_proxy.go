package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: rbac_nodes_proxy.go0
var rbacNodesProxy = riskCheck(check.Meta{
	ID: "ST-0184", Slug: "rbac-nodes-proxy", Title: "nodes/proxy granted to a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityCritical,
	Description: "A binding grants nodes/proxy. The subject talks to every kubelet's API directly, runs commands in any pod on any node, and bypasses audit logging and admission.",
	Remediation: "Remove nodes/proxy from the role; monitoring agents need only nodes/metrics and nodes/stats.",
	References:  rbacRefs,
}, allows("get or create on nodes/proxy", "", []string{"nodes/proxy"}, []string{"get", "create", "*"}, false))
