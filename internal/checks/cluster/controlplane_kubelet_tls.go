package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: the API server connects to kubelets for exec, attach, logs and port-forward. Without a
// client certificate it cannot authenticate to kubelets that refuse anonymous requests, which
// pushes operators to open them up; without the kubelet CA it accepts any certificate, so
// whoever sits on the path to a node reads and injects into those streams.
var cpKubeletTLS = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0108",
		Slug:     "api-server-kubelet-connection-unverified",
		Title:    "API server connects to kubelets without a client certificate or CA",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "kube-apiserver lacks --kubelet-client-certificate or --kubelet-client-key, so it cannot " +
			"authenticate to kubelets (CIS Kubernetes Benchmark 1.2.4), or lacks --kubelet-certificate-authority, " +
			"so it does not verify the kubelets' serving certificates and exec, logs and port-forward streams can " +
			"be intercepted (1.2.5).",
		Remediation: "Give kube-apiserver a client certificate and key for kubelets (--kubelet-client-certificate, --kubelet-client-key) and the CA that signs the kubelets' serving certificates (--kubelet-certificate-authority), with kubelet serving certificate rotation enabled.",
		References: []string{
			"https://kubernetes.io/docs/concepts/architecture/control-plane-node-communication/#api-server-to-kubelet",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			out := c.requireFlags("1.2.4", "the API server cannot authenticate to kubelets",
				"kubelet-client-certificate", "kubelet-client-key")
			out = append(out, c.requireFlags("1.2.5",
				"the API server does not verify the kubelets' serving certificates, so exec, logs and port-forward can be intercepted",
				"kubelet-certificate-authority")...)
			return out, ""
		}, apiServer)
	},
}
