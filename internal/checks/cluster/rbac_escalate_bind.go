package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: rbac_escalate_bind.go0
var rbacEscalateBind = riskCheck(check.Meta{
	ID: "ST-0185", Slug: "rbac-escalate-bind", Title: "escalate or bind on roles granted to a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityCritical,
	Description: "A binding grants the escalate or bind verb on roles or clusterroles. RBAC's escalation prevention no longer applies: the subject can grant itself any permission, cluster-admin included.",
	Remediation: "Remove escalate and bind from the role; let role bindings be managed by a privileged pipeline.",
	References:  rbacRefs,
}, allows("escalate or bind on roles or clusterroles", "rbac.authorization.k8s.io", []string{"roles", "clusterroles"}, []string{"escalate", "bind"}, false))
