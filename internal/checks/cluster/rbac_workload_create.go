package cluster

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// Why: rbac_workload_create.go0
var rbacWorkloadCreate = riskCheck(check.Meta{
	ID: "ST-0182", Slug: "rbac-pod-create", Title: "Pods or pod-creating workloads writable by a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityHigh,
	Description: "A binding lets a subject create, update or patch pods or a controller that creates pods. The subject can run a pod as any service account of the namespace and so holds the permissions of all of them.",
	Remediation: "Let a deployment pipeline own workloads through a dedicated namespace, or restrict which service accounts pods may use with an admission policy.",
	References:  rbacRefs,
}, workloadWrite)

// workloadGroups are the pod-creating resources by API group.
var workloadGroups = map[string][]string{
	"":      {"pods", "replicationcontrollers"},
	"apps":  {"deployments", "replicasets", "statefulsets", "daemonsets"},
	"batch": {"jobs", "cronjobs"},
}

func workloadWrite(r *rbacv1.PolicyRule, _ *paths.Binding) (string, bool) {
	for _, g := range []string{"", "apps", "batch"} {
		for _, res := range workloadGroups[g] {
			if paths.Allows(r, []string{"create", "update", "patch"}, g, res, "", "") {
				if g != "" {
					res += "." + g
				}
				return "create, update or patch on " + res, true
			}
		}
	}
	return "", false
}
