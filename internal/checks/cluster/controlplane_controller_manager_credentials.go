package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: without per-controller service accounts every controller acts with the controller
// manager's own, very broad identity, so RBAC cannot limit any of them. Without the private key
// it cannot sign service account tokens; without the root CA pods cannot verify the API server;
// without serving certificate rotation kubelets keep self-signed certificates nobody verifies.
var cpControllerManagerCredentials = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0119",
		Slug:     "controller-manager-credentials",
		Title:    "Controller manager credentials are weak",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "kube-controller-manager runs without --use-service-account-credentials=true (CIS Kubernetes " +
			"Benchmark 1.3.3), without --service-account-private-key-file (1.3.4) or --root-ca-file (1.3.5), or " +
			"with the RotateKubeletServerCertificate feature gate disabled (1.3.6).",
		Remediation: "Run kube-controller-manager with --use-service-account-credentials=true, --service-account-private-key-file and --root-ca-file set, and without RotateKubeletServerCertificate=false in --feature-gates.",
		References: []string{
			"https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
			"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#controller-roles",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, controllerManagerCredentials, controllerManager)
	},
}

func controllerManagerCredentials(c *cpContainer) ([]check.Violation, string) {
	var out []check.Violation
	const why = "every controller acts with the controller manager's own broad identity (CIS 1.3.3)"
	switch val, set, valid := c.flags.boolean("use-service-account-credentials"); {
	case !set:
		out = append(out, c.missing("use-service-account-credentials",
			"--use-service-account-credentials is not set and defaults to false: "+why,
			c.addFlag("use-service-account-credentials", "true")))
	case !valid || !val:
		o, _ := c.flags.last("use-service-account-credentials")
		out = append(out, c.at(o, "--use-service-account-credentials is false: "+why, setFlag(o, "true")))
	}
	out = append(out, c.requireFlags("1.3.4", "service account tokens cannot be signed with a dedicated key",
		"service-account-private-key-file")...)
	out = append(out, c.requireFlags("1.3.5", "pods are not given the CA to verify the API server",
		"root-ca-file")...)
	if g, ok := c.flags.gates("feature-gates")["RotateKubeletServerCertificate"]; ok && (!g.valid || !g.enabled) {
		out = append(out, c.atItem(g.occ, "RotateKubeletServerCertificate",
			"--feature-gates disables RotateKubeletServerCertificate: kubelet serving certificates are not issued or rotated (CIS 1.3.6)", nil))
	}
	return out, ""
}
