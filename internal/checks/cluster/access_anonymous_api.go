package cluster

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: this is what an attacker on the network actually sees, whatever the RBAC objects say:
// strata sends requests without credentials and records which ones the API server answers.
// Anything past health, version and discovery — listing namespaces, pods, ConfigMaps or
// Secrets, reading /metrics or node logs — is available to every scanner on the internet that
// finds the endpoint; misconfigured anonymous access is a recurring cause of publicly reported
// Kubernetes compromises. It can come from an RBAC binding (ST-0141), from --authorization-mode
// AlwaysAllow, or from a webhook authorizer that allows system:anonymous; the probe catches
// all of them. A manifest scan has no ClusterInfo and so does not assess this check.
var anonymousAPIAccess = &check.ObjectCheck[*check.ClusterInfo]{
	Meta: check.Meta{
		ID:       "ST-0140",
		Slug:     "anonymous-api-access",
		Title:    "API server serves resources to anonymous requests",
		Layer:    check.LayerCluster,
		Severity: check.SeverityCritical,
		Description: "Requests sent without credentials were answered with API resources or sensitive endpoints " +
			"(object lists, metrics, logs), not just health, version and discovery. Anyone who can reach the API " +
			"server can read, and possibly change, the cluster.",
		Remediation: "Find what authorizes system:anonymous (RBAC bindings to system:anonymous or system:unauthenticated, --authorization-mode=AlwaysAllow, a permissive authorization webhook) and remove it, or turn off anonymous authentication with --anonymous-auth=false or an AuthenticationConfiguration that limits anonymous access to health endpoints.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
			"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-authenticator-configuration",
		},
	},
	Kind: check.ClusterInfoKind,
	Run: func(_ *check.Env, _ *check.Object, info *check.ClusterInfo) ([]check.Violation, error) {
		return probeViolations(info, reachBeyond, func(p check.AnonymousProbe) string {
			return fmt.Sprintf("anonymous request %s was allowed (HTTP %d): unauthenticated callers get more than health, version and discovery", probeRequest(p), p.Status)
		})
	},
}
