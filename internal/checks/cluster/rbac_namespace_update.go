package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: rbac_namespace_update.go0
var rbacNamespaceUpdate = riskCheck(check.Meta{
	ID: "ST-0190", Slug: "rbac-namespace-update", Title: "Namespaces writable by a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityMedium,
	Description: "A binding grants update or patch on namespaces. The subject can change a namespace's pod-security.kubernetes.io labels and so switch Pod Security admission from restricted to privileged.",
	Remediation: "Remove update and patch on namespaces from the role; manage namespace labels through a platform pipeline.",
	References:  rbacRefs,
}, allows("update or patch on namespaces", "", []string{"namespaces"}, []string{"update", "patch"}, false))
