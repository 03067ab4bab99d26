package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: without its own certificate the API server serves a self-signed one that clients cannot
// verify, which trains them to skip verification; without a client CA it cannot authenticate
// client certificates, the credential kubelets, controllers and administrators use.
var cpServingTLS = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0116",
		Slug:     "api-server-serving-tls",
		Title:    "API server lacks a serving certificate or client CA",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "kube-apiserver lacks --tls-cert-file or --tls-private-key-file, so it serves a self-signed " +
			"certificate clients cannot verify (CIS Kubernetes Benchmark 1.2.24), or lacks --client-ca-file, so " +
			"it cannot authenticate client certificates (1.2.25).",
		Remediation: "Give kube-apiserver a certificate signed by the cluster CA (--tls-cert-file, --tls-private-key-file) and the CA that signs client certificates (--client-ca-file).",
		References: []string{
			"https://kubernetes.io/docs/setup/best-practices/certificates/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			out := c.requireFlags("1.2.24", "the API server serves a self-signed certificate clients cannot verify",
				"tls-cert-file", "tls-private-key-file")
			out = append(out, c.requireFlags("1.2.25", "the API server cannot authenticate client certificates",
				"client-ca-file")...)
			return out, ""
		}, apiServer)
	},
}
