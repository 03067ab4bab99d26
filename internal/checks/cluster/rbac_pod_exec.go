package cluster

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// Why: rbac_pod_exec.go0
var rbacPodExec = riskCheck(check.Meta{
	ID: "ST-0183", Slug: "rbac-pod-exec", Title: "Exec, attach or port-forward into pods by a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityHigh,
	Description: "A binding grants pods/exec, pods/attach, pods/portforward or pods/ephemeralcontainers. The subject runs commands inside the namespace's pods, reads their mounted tokens and secrets, and reaches their network.",
	Remediation: "Remove the interactive pod subresources from the role and grant them just in time to the people who debug.",
	References:  rbacRefs,
}, podExec)

func podExec(r *rbacv1.PolicyRule, _ *paths.Binding) (string, bool) {
	for _, sub := range []string{"exec", "attach", "portforward"} {
		if paths.Allows(r, []string{"create", "get"}, "", "pods", sub, "") {
			return "pods/" + sub, true
		}
	}
	if paths.Allows(r, []string{"update", "patch"}, "", "pods", "ephemeralcontainers", "") {
		return "pods/ephemeralcontainers", true
	}
	return "", false
}
