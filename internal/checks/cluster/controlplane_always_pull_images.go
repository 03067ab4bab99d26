package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: images pulled once stay on the node, and the kubelet starts them for any pod that names
// them with imagePullPolicy IfNotPresent or Never, without checking that pod's pull secret. In
// a multi-tenant cluster one tenant can then run another tenant's private image. The benchmark
// item is manual because AlwaysPullImages costs registry traffic and start-up time.
var cpAlwaysPullImages = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0111",
		Slug:     "api-server-always-pull-images-disabled",
		Title:    "API server does not enforce AlwaysPullImages",
		Layer:    check.LayerCluster,
		Severity: check.SeverityInfo,
		Description: "kube-apiserver does not enable the AlwaysPullImages admission plugin, so private images cached " +
			"on a node can be started by pods that lack the credentials to pull them (CIS Kubernetes Benchmark " +
			"1.2.11, a manual item: weigh it against the registry traffic it adds). Reported as information.",
		Remediation: "In multi-tenant clusters add AlwaysPullImages to --enable-admission-plugins on kube-apiserver, or use the kubelet's image pull credential verification where available.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			if _, ok := c.enabledPlugin("AlwaysPullImages"); ok {
				return nil, ""
			}
			return []check.Violation{c.pluginNotEnabled("AlwaysPullImages",
				"the AlwaysPullImages admission plugin is not enabled: cached private images can run in pods without pull credentials (CIS 1.2.11, manual)")}, ""
		}, apiServer)
	},
}
