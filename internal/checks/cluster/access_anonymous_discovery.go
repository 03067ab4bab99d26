package cluster

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: the low-impact half of ST-0140. When anonymous requests may read /api, /apis or
// /openapi, anyone on the network learns every API group and custom resource the cluster
// serves — which admission controllers, operators and security tools run there, at which API
// versions — without logging in. It reveals no object, but it tells an attacker where to aim
// and which published vulnerabilities to try. Kubernetes has kept discovery behind
// authentication since 1.14.
var anonymousDiscoveryAccess = &check.ObjectCheck[*check.ClusterInfo]{
	Meta: check.Meta{
		ID:       "ST-0143",
		Slug:     "anonymous-discovery-access",
		Title:    "API discovery served to anonymous requests",
		Layer:    check.LayerCluster,
		Severity: check.SeverityLow,
		Description: "Requests sent without credentials could read API discovery or OpenAPI documents, which list " +
			"every API group, custom resource and version the cluster serves. Kubernetes reserves them for " +
			"authenticated users by default.",
		Remediation: "Remove the binding that grants system:discovery (or similar) to system:unauthenticated, or limit anonymous authentication to health endpoints with an AuthenticationConfiguration.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles",
			"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-authenticator-configuration",
		},
	},
	Kind: check.ClusterInfoKind,
	Run: func(_ *check.Env, _ *check.Object, info *check.ClusterInfo) ([]check.Violation, error) {
		return probeViolations(info, reachDiscovery, func(p check.AnonymousProbe) string {
			return fmt.Sprintf("anonymous request %s was allowed (HTTP %d): unauthenticated callers can read API discovery", probeRequest(p), p.Status)
		})
	},
}
