package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: without the lookup a service account token stays valid after its service account or
// Secret is deleted, so deleting a leaked credential does not revoke it. Without a dedicated
// verification key, tokens are verified with the API server's serving key, which then cannot
// be rotated without invalidating every token in the cluster.
var cpServiceAccountTokens = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0114",
		Slug:     "api-server-service-account-token-validation",
		Title:    "API server does not fully validate service account tokens",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "kube-apiserver runs with --service-account-lookup=false, so tokens of deleted service accounts " +
			"and Secrets are still accepted (CIS Kubernetes Benchmark 1.2.21), or without " +
			"--service-account-key-file, so tokens are verified with the serving key (1.2.22).",
		Remediation: "Remove --service-account-lookup=false (the default is true) and give kube-apiserver the public key that verifies service account tokens with --service-account-key-file, separate from its serving key.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			var out []check.Violation
			if val, set, valid := c.flags.boolean("service-account-lookup"); set && (!valid || !val) {
				o, _ := c.flags.last("service-account-lookup")
				out = append(out, c.at(o,
					"--service-account-lookup is false: tokens of deleted service accounts and Secrets remain valid (CIS 1.2.21)",
					setFlag(o, "true")))
			}
			out = append(out, c.requireFlags("1.2.22",
				"service account tokens are verified with the API server's serving key, which cannot then be rotated on its own",
				"service-account-key-file")...)
			return out, ""
		}, apiServer)
	},
}
