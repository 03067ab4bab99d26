package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
)

// Why: CPU is compressible, so a container without a CPU limit cannot crash its neighbours,
// but when it spins (a crypto miner is the classic payload of a compromised pod, a regex or
// hash-flooding attack the classic bug) it takes every idle cycle of the node and slows the
// pods without guaranteed CPU. A limit caps what a compromised or runaway container burns.
// Some operators deliberately leave CPU unlimited to avoid throttling, hence the low severity.
var noCPULimit = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0031",
		Slug:     "no-cpu-limit",
		Title:    "Container has no CPU limit",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityLow,
		Description: "An init or regular container sets no resources.limits.cpu (and the pod sets no " +
			"pod-level CPU limit), so a runaway or compromised container, such as one mining " +
			"cryptocurrency, can take all spare CPU on its node.",
		Remediation: "Set resources.limits.cpu on every container, or enforce a default with a LimitRange; " +
			"if CPU limits are left out on purpose to avoid throttling, exempt the check for the namespace.",
		References: []string{
			"https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
			"https://kubernetes.io/docs/concepts/policy/limit-range/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		return containersWithoutLimit(w, corev1.ResourceCPU, "CPU"), nil
	},
}
