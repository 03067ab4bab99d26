package cluster

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: since Kubernetes 1.14 unauthenticated callers may read only health and version
// endpoints; API discovery (/api, /apis, /openapi) and the self-review APIs need a login.
// Clusters created before 1.14 keep their old system:discovery and system:basic-user bindings
// to system:unauthenticated across upgrades (role reconciliation adds subjects, it never
// removes them), and some installers bind them again. Discovery exposes every API group,
// version and custom resource in the cluster — which operators and security tools are
// installed, at which versions — to anyone on the network: a map for an attacker, not an
// object. The impact is low, so this is separate from ST-0141.
//
// Scope namespace: a binding's finding reads only the binding and its role, a Role of the
// binding's own namespace or a cluster-scoped ClusterRole (bindingCheck).
var anonymousDiscoveryBinding = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0144",
		Slug:     "anonymous-discovery-binding",
		Title:    "API discovery granted to unauthenticated callers",
		Layer:    check.LayerCluster,
		Severity: check.SeverityLow,
		Description: "A binding grants system:anonymous or system:unauthenticated API discovery, OpenAPI or self-review " +
			"requests, which Kubernetes has reserved for authenticated users since 1.14. Anyone on the network can " +
			"list the cluster's APIs, custom resources and component versions.",
		Remediation: "Remove system:anonymous and system:unauthenticated from the binding's subjects; system:public-info-viewer already gives them health and version.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles",
			"https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.14.md",
		},
	},
	Reads: rbacReads,
	Scope: check.ScopeNamespace,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return bindingCheck(inv, anonymousUsers, anonymousGroups, func(b rbacBinding, idx []int, g grantOf) (string, bool) {
			if g.reach != reachDiscovery {
				return "", false
			}
			return fmt.Sprintf("binds %s to %s %s: unauthenticated callers get requests reserved for authenticated users since Kubernetes 1.14 (API discovery, OpenAPI, self-review), which map every API, custom resource and version in the cluster",
				g.role, b.subjectNames(idx), g.scope), true
		})
	},
}
