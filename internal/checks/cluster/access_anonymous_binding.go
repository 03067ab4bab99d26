package cluster

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// The subjects every request without credentials carries, when anonymous auth is on (the
// default): the user system:anonymous in the group system:unauthenticated.
var (
	anonymousUsers  = []string{"system:anonymous"}
	anonymousGroups = []string{"system:unauthenticated"}
)

// Why: anonymous authentication is on by default, so a binding to system:anonymous or
// system:unauthenticated hands its role to anyone who can open a TCP connection to the API
// server: no token, no certificate, nothing to steal first. Attack campaigns scan for exactly
// this; Aqua Nautilus documented clusters whose anonymous user had been bound to admin roles
// taken over for cryptomining (2023). The defaults grant anonymous callers health, version and
// (with kubeadm) the public cluster-info ConfigMap only; a role granting anything else —
// reading a single resource included — is critical. A role the input does not hold is treated
// as granting anything, because it will once someone creates it.
//
// Scope namespace: a binding's finding reads only the binding and its role, a Role of the
// binding's own namespace or a cluster-scoped ClusterRole (bindingCheck).
var anonymousBinding = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0141",
		Slug:     "anonymous-rbac-binding",
		Title:    "Role bound to anonymous or unauthenticated callers",
		Layer:    check.LayerCluster,
		Severity: check.SeverityCritical,
		Description: "A ClusterRoleBinding or RoleBinding grants system:anonymous or system:unauthenticated a role " +
			"that allows more than health, version and API discovery requests. Anyone who can reach the API " +
			"server gets those permissions without any credentials.",
		Remediation: "Remove system:anonymous and system:unauthenticated from the binding's subjects and bind the role to the identities that need it.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
			"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles",
		},
	},
	Reads: rbacReads,
	Scope: check.ScopeNamespace,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return bindingCheck(inv, anonymousUsers, anonymousGroups, func(b rbacBinding, idx []int, g grantOf) (string, bool) {
			if g.reach != reachBeyond {
				return "", false
			}
			return fmt.Sprintf("binds %s to %s %s (%s): anyone who can reach the API server has these permissions without credentials",
				g.role, b.subjectNames(idx), g.scope, g.what()), true
		})
	},
}
