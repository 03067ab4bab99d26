package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: tokens in a static token file never expire, are stored in clear text on the control
// plane's disk, and can only be revoked by editing the file and restarting the API server. A
// leaked one is a permanent credential, often for a cluster administrator.
var cpTokenAuthFile = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0106",
		Slug:     "api-server-static-token-file",
		Title:    "API server authenticates static tokens from a file",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "kube-apiserver runs with --token-auth-file, so it accepts the bearer tokens listed in a static " +
			"file. They never expire and cannot be revoked without a restart (CIS Kubernetes Benchmark 1.2.2).",
		Remediation: "Remove --token-auth-file from kube-apiserver and authenticate users with client certificates, OIDC or a webhook, and workloads with service account tokens.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			o, ok := c.flags.last("token-auth-file")
			if !ok {
				return nil, ""
			}
			return []check.Violation{c.atFlag(o,
				"--token-auth-file is set: static bearer tokens never expire and cannot be revoked without restarting the API server (CIS 1.2.2)")}, ""
		}, apiServer)
	},
}
