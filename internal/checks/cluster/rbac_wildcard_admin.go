package cluster

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// Why: every verb on every resource is cluster-admin (or, through a RoleBinding, full control of
// a namespace, its Secrets and service accounts included). Whoever holds the subject's
// credentials owns the cluster. Control-plane components and kubeadm's own admin group are
// excluded (paths.SystemSubject); system:masters needs no binding at all.
var rbacWildcardAdmin = riskCheck(check.Meta{
	ID: "ST-0180", Slug: "rbac-wildcard-admin", Title: "cluster-admin or */* granted to a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityCritical,
	Description: "A binding gives a user, group or service account every verb on every resource, as cluster-admin " +
		"does. A leaked token or compromised pod of that subject controls the whole cluster or namespace.",
	Remediation: "Bind a role limited to the resources and verbs the subject needs instead of cluster-admin or */*.",
	References:  rbacRefs,
}, func(r *rbacv1.PolicyRule, _ *paths.Binding) (string, bool) {
	return "every verb on every resource", paths.Allows(r, []string{"*"}, "*", "*", "", "")
})
