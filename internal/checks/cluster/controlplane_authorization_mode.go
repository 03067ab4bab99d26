package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: AlwaysAllow lets every authenticated caller, every service account included, do
// anything; without RBAC, roles and bindings are not enforced; without the Node authorizer,
// every kubelet can read every Secret in the cluster instead of those of its own pods.
var cpAuthorizationMode = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0109",
		Slug:     "api-server-authorization-mode",
		Title:    "API server authorization allows everything or lacks Node and RBAC",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "kube-apiserver's --authorization-mode includes AlwaysAllow, or is not set and defaults to " +
			"AlwaysAllow (CIS Kubernetes Benchmark 1.2.6), or does not include Node (1.2.7) or RBAC (1.2.8). " +
			"Where authorizers are configured in an --authorization-config file instead, strata does not read " +
			"that file and the pod is not assessed.",
		Remediation: "Set --authorization-mode=Node,RBAC on kube-apiserver (adding Webhook if an external authorizer is needed) and never include AlwaysAllow.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/authorization/#authorization-modules",
			"https://kubernetes.io/docs/reference/access-authn-authz/node/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, authorizationModes, apiServer)
	},
}

func authorizationModes(c *cpContainer) ([]check.Violation, string) {
	last, set := c.flags.last("authorization-mode")
	switch {
	case !set && c.flags.has("authorization-config"):
		return nil, "authorizers are configured in the --authorization-config file, which strata does not read"
	case !set:
		return []check.Violation{c.missing("authorization-mode",
			"--authorization-mode is not set and defaults to AlwaysAllow: every authenticated request is allowed (CIS 1.2.6)", nil)}, ""
	}
	var out []check.Violation
	if o, ok := c.flags.listOcc("authorization-mode", "AlwaysAllow"); ok {
		out = append(out, c.atItem(o, "AlwaysAllow", "--authorization-mode includes AlwaysAllow: every authenticated request is allowed (CIS 1.2.6)", nil))
	}
	modes := c.flags.list("authorization-mode")
	if !contains(modes, "Node") {
		out = append(out, c.atItem(last, "Node",
			"--authorization-mode does not include Node: kubelets are not limited to the objects of their own pods (CIS 1.2.7)", nil))
	}
	if !contains(modes, "RBAC") {
		out = append(out, c.atItem(last, "RBAC",
			"--authorization-mode does not include RBAC: Roles and RoleBindings are not enforced (CIS 1.2.8)", nil))
	}
	return out, ""
}
