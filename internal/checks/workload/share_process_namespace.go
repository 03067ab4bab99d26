package workload

import (
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/check"
)

// Why: with shareProcessNamespace every container sees every other container's processes and
// can read their environment and files through /proc/<pid>/root and /proc/<pid>/environ. A
// compromised sidecar then reads the main container's secrets, and with SYS_PTRACE it can
// inject code into it. Pod Security Standards do not forbid it.
var shareProcessNamespace = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0020",
		Slug:     "shared-process-namespace",
		Title:    "Containers share one process namespace",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityMedium,
		Description: "The pod sets shareProcessNamespace: true, so every container can see and signal the " +
			"processes of the others and read their environment and filesystem through /proc. One " +
			"compromised container exposes the secrets of all the others.",
		Remediation: "Remove shareProcessNamespace from the pod spec, or set it to false, unless a debugging sidecar truly needs it.",
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		if !ptr.Deref(w.Spec.ShareProcessNamespace, false) {
			return nil, nil
		}
		p := w.Path.Child("shareProcessNamespace")
		return []check.Violation{{
			Path:    p,
			Message: "pod shares one process namespace between its containers",
			Fix:     []check.PatchOp{{Op: "replace", Path: check.Pointer(p), Value: false}},
		}}, nil
	},
}
