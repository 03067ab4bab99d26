package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: admission plugins are where the API server enforces its own invariants. AlwaysAdmit
// turns admission off; without ServiceAccount pods run with arbitrary service accounts and
// token mounts; without NamespaceLifecycle objects land in namespaces being deleted or that do
// not exist; without NodeRestriction a kubelet's credentials can label and modify any Node and
// Pod, which turns one compromised node into the cluster.
var cpAdmissionPlugins = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0110",
		Slug:     "api-server-unsafe-admission-plugins",
		Title:    "API server admission plugins are unsafe",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "kube-apiserver enables the AlwaysAdmit admission plugin (CIS Kubernetes Benchmark 1.2.10), " +
			"disables ServiceAccount (1.2.12) or NamespaceLifecycle (1.2.13), or does not enable NodeRestriction " +
			"(1.2.14), which limits each kubelet to its own Node object and the pods bound to it.",
		Remediation: "Remove AlwaysAdmit from --enable-admission-plugins, remove ServiceAccount and NamespaceLifecycle from --disable-admission-plugins, and add NodeRestriction to --enable-admission-plugins with the Node authorizer enabled.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/",
			"https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#noderestriction",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, admissionPlugins, apiServer)
	},
}

func admissionPlugins(c *cpContainer) ([]check.Violation, string) {
	var out []check.Violation
	if o, ok := c.enabledPlugin("AlwaysAdmit"); ok {
		out = append(out, c.atItem(o, "AlwaysAdmit",
			"the AlwaysAdmit admission plugin is enabled: every request is admitted without admission control (CIS 1.2.10)", nil))
	}
	for _, d := range []struct{ plugin, why, cis string }{
		{"ServiceAccount", "pods are not given service accounts and token mounts are not checked", "1.2.12"},
		{"NamespaceLifecycle", "objects can be created in namespaces that are terminating or do not exist", "1.2.13"},
	} {
		if o, ok := c.flags.listOcc("disable-admission-plugins", d.plugin); ok {
			out = append(out, c.atItem(o, d.plugin,
				"--disable-admission-plugins disables "+d.plugin+": "+d.why+" (CIS "+d.cis+")", nil))
		}
	}
	if _, ok := c.enabledPlugin("NodeRestriction"); !ok {
		out = append(out, c.pluginNotEnabled("NodeRestriction",
			"the NodeRestriction admission plugin is not enabled: a kubelet's credentials can modify any Node and Pod (CIS 1.2.14)"))
	}
	return out, ""
}
