package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: anyone who may create a Service may set spec.externalIPs to any address, and kube-proxy
// then captures the cluster's traffic to that address: a man in the middle for an external API
// or a database (CVE-2020-8554, which no release fixes). The DenyServiceExternalIPs admission
// plugin is the upstream mitigation.
var cpDenyExternalIPs = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0107",
		Slug:     "api-server-external-ips-allowed",
		Title:    "API server admits Service externalIPs",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "kube-apiserver does not enable the DenyServiceExternalIPs admission plugin (or disables it), so " +
			"users who may create Services can set externalIPs and intercept traffic to those addresses " +
			"(CVE-2020-8554; CIS Kubernetes Benchmark 1.2.3). An admission policy that forbids externalIPs is " +
			"an equivalent mitigation strata does not see here.",
		Remediation: "Add DenyServiceExternalIPs to --enable-admission-plugins on kube-apiserver (Services that already use externalIPs keep working but cannot be changed), or forbid spec.externalIPs with an admission policy.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#denyserviceexternalips",
			"https://github.com/kubernetes/kubernetes/issues/97076",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			const plugin = "DenyServiceExternalIPs"
			if o, ok := c.flags.listOcc("disable-admission-plugins", plugin); ok {
				return []check.Violation{c.atItem(o, plugin,
					"--disable-admission-plugins disables DenyServiceExternalIPs: Services may claim any external IP and intercept traffic to it (CVE-2020-8554; CIS 1.2.3)", nil)}, ""
			}
			if _, ok := c.enabledPlugin(plugin); ok {
				return nil, ""
			}
			return []check.Violation{c.pluginNotEnabled(plugin,
				"the DenyServiceExternalIPs admission plugin is not enabled: Services may claim any external IP and intercept traffic to it (CVE-2020-8554; CIS 1.2.3)")}, ""
		}, apiServer)
	},
}
