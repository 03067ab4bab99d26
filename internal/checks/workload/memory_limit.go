package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
)

// Why: memory is not compressible. A container without a memory limit can grow until the node
// runs out, and then the kernel's OOM killer and the kubelet's eviction pick victims among the
// node's other pods — a memory leak, a decompression bomb or an attacker's allocation loop in
// one pod becomes a denial of service for its neighbours, including system daemons. Requests
// only schedule; only a limit caps the cgroup.
var noMemoryLimit = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0030",
		Slug:     "no-memory-limit",
		Title:    "Container has no memory limit",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityMedium,
		Description: "An init or regular container sets no resources.limits.memory (and the pod sets no " +
			"pod-level memory limit), so it can consume all of the node's memory and push the OOM " +
			"killer and eviction onto other pods on the node.",
		Remediation: "Set resources.limits.memory on every container to what it needs at peak (usually equal " +
			"to its memory request), or enforce defaults with a LimitRange in the namespace.",
		References: []string{
			"https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
			"https://kubernetes.io/docs/concepts/policy/limit-range/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		return containersWithoutLimit(w, corev1.ResourceMemory, "memory"), nil
	},
}
