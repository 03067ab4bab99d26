package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: with anonymous authentication every request without credentials is served as
// system:anonymous. What that identity may do is then one RoleBinding away from the whole API:
// a binding to system:unauthenticated, written by mistake or by an attacker with bind rights,
// opens the cluster to anyone who can reach the API server.
var cpAnonymousAuth = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0105",
		Slug:     "api-server-anonymous-auth",
		Title:    "API server accepts anonymous requests",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "kube-apiserver runs with --anonymous-auth=true, or without the flag, whose default is true, so " +
			"requests without credentials are authenticated as system:anonymous in group system:unauthenticated " +
			"(CIS Kubernetes Benchmark 1.2.1). Where anonymous access is configured in an --authentication-config " +
			"file instead, strata does not read that file and the pod is not assessed.",
		Remediation: "Set --anonymous-auth=false on kube-apiserver, or from 1.32 restrict anonymous requests to the health endpoints with the anonymous section of an AuthenticationConfiguration; make sure liveness and readiness probes still succeed.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, func(c *cpContainer) ([]check.Violation, string) {
			val, set, valid := c.flags.boolean("anonymous-auth")
			switch {
			case !set && c.flags.has("authentication-config"):
				return nil, "anonymous authentication is configured in the --authentication-config file, which strata does not read"
			case !set:
				// No fix: kubeadm's probes call /livez anonymously and would fail.
				return []check.Violation{c.missing("anonymous-auth",
					"--anonymous-auth is not set and defaults to true: requests without credentials are served as system:anonymous (CIS 1.2.1)", nil)}, ""
			case !valid || val:
				o, _ := c.flags.last("anonymous-auth")
				return []check.Violation{c.at(o,
					"--anonymous-auth is true: requests without credentials are served as system:anonymous (CIS 1.2.1)", nil)}, ""
			}
			return nil, ""
		}, apiServer)
	},
}
