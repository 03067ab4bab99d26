package cluster

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// The groups that hold every authenticated identity, or every service account in every
// namespace.
var broadGroups = []string{"system:authenticated", "system:serviceaccounts"}

// Why: system:authenticated is every identity the API server accepts — every user of every
// identity provider, every node and every service account token of every pod in every
// namespace (and on GKE any Google account at all). system:serviceaccounts is every pod's
// token. A role bound to either is held by whoever compromises the weakest pod in the
// cluster: an RCE in a public web app reads its own token from the filesystem and then has the
// role. The defaults give these groups discovery and self-review only.
//
// Scope namespace: a binding's finding reads only the binding and its role, a Role of the
// binding's own namespace or a cluster-scoped ClusterRole (bindingCheck).
var authenticatedBinding = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0142",
		Slug:     "authenticated-rbac-binding",
		Title:    "Role bound to every authenticated user or service account",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "A binding grants system:authenticated or system:serviceaccounts a role that allows more than " +
			"API discovery and self-review. Every user, node and pod token in the cluster holds it, so the " +
			"compromise of any single workload yields these permissions.",
		Remediation: "Replace the group subject with the specific users, groups or service accounts that need the role.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings",
			"https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
		},
	},
	Reads: rbacReads,
	Scope: check.ScopeNamespace,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return bindingCheck(inv, nil, broadGroups, func(b rbacBinding, idx []int, g grantOf) (string, bool) {
			if g.reach != reachBeyond {
				return "", false
			}
			who := "every service account in the cluster, so any compromised pod, has these permissions"
			if len(b.subjectsNamed(nil, broadGroups[:1])) > 0 {
				who = "every identity with a valid token, including every pod's service account, has these permissions"
			}
			return fmt.Sprintf("binds %s to %s %s (%s): %s", g.role, b.subjectNames(idx), g.scope, g.what(), who), true
		})
	},
}
