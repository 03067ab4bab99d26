package workload

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
)

// Why: an emptyDir without sizeLimit lives on the node's kubelet filesystem (or, with medium:
// Memory, in node RAM as tmpfs), and nothing caps how much a container writes there. A
// compromised or buggy container fills the disk until the node reports DiskPressure and the
// kubelet evicts neighbouring pods and garbage-collects images, or fills tmpfs until the node
// runs out of memory. A pod-level bound has the same effect as sizeLimit: the kubelet evicts the
// pod once its emptyDirs and writable layers exceed the ephemeral-storage limits of all its
// containers, and tmpfs pages count against the memory limit of the container writing them, so
// volumes of pods that limit every container in that resource pass. HugePages volumes are
// bounded by the pod's hugepages request and are not reported.
var emptyDirWithoutSizeLimit = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0044",
		Slug:     "empty-dir-without-size-limit",
		Title:    "emptyDir volume without a size limit",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityLow,
		Description: "An emptyDir volume has no sizeLimit and the pod's containers do not all set an " +
			"ephemeral-storage limit (or, for medium: Memory, a memory limit). A container can then " +
			"write until the node's disk or memory runs out, and the kubelet evicts other pods on " +
			"the node to recover: one compromised or runaway pod degrades all its neighbours.",
		Remediation: "Set sizeLimit on the emptyDir volume (for example sizeLimit: 1Gi), or give every container a resources.limits ephemeral-storage (memory for medium: Memory) limit.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#emptydir",
			"https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var vs []check.Violation
		for i, v := range w.Spec.Volumes {
			ed := v.EmptyDir
			if ed == nil || ed.SizeLimit != nil {
				continue
			}
			var msg string
			switch ed.Medium {
			case corev1.StorageMediumDefault:
				if limitsEvery(w.Spec, corev1.ResourceEphemeralStorage) {
					continue
				}
				msg = fmt.Sprintf("emptyDir volume %q has no sizeLimit and not every container limits ephemeral-storage, so it can fill the node's disk", v.Name)
			case corev1.StorageMediumMemory:
				if limitsEvery(w.Spec, corev1.ResourceMemory) {
					continue
				}
				msg = fmt.Sprintf("memory-backed emptyDir volume %q has no sizeLimit and not every container limits memory, so it can exhaust the node's memory", v.Name)
			default:
				continue
			}
			vs = append(vs, check.Violation{Path: w.Path.Child("volumes").Index(i).Child("emptyDir"), Message: msg})
		}
		return vs, nil
	},
}
